"""A Chuyên viên signs in through the browser, sees her dashboard in Vietnamese, signs out."""

import re

import pytest
from playwright.sync_api import expect

from doingoai.core.models import Organisation, Role
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_specialist_signs_in_sees_the_vietnamese_dashboard_and_signs_out(live_server, page, make_person):
    Organisation.objects.create(name="Sở Thông tin và Truyền thông", parent_name="UBND THÀNH PHỐ HẢI PHÒNG", place="Hải Phòng")
    make_person(Role.CHUYEN_VIEN, "TTBCXB", username="chuyenvien")

    page.goto(f"{live_server.url}/admin/")
    assert re.search(r"/admin/login/", page.url)
    assert page.locator("html").get_attribute("lang") == "vi"
    page.get_by_label("Tên đăng nhập").fill("chuyenvien")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    page.wait_for_url(f"{live_server.url}/admin/")
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text().strip() == "Sở Thông tin và Truyền thông"
    expect(page.get_by_role("heading", name="Đơn vị và công việc của tôi")).to_be_visible()
    expect(page.get_by_text("Phòng Thông tin – Báo chí – Xuất bản")).to_be_visible()
    expect(page.get_by_text("Chưa có việc nào đang mở.")).to_be_visible()
    assert "Bảng điều khiển" in page.title()

    page.get_by_role("button", name=re.compile("Nguyễn Văn")).click()
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(re.compile(r"/admin/login/"))
    expect(page.get_by_role("button", name="Đăng nhập")).to_be_visible()
    page.goto(f"{live_server.url}/admin/")
    assert "/admin/login/" in page.url


def test_five_wrong_passwords_show_the_lockout_in_vietnamese(live_server, page, make_person):
    make_person(Role.CHUYEN_VIEN, "TTBCXB", username="chuyenvien")
    page.goto(f"{live_server.url}/admin/login/")
    for _ in range(5):
        page.get_by_label("Tên đăng nhập").fill("chuyenvien")
        page.get_by_label("Mật khẩu").fill("sai-mat-khau")
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_load_state()
    expect(page.get_by_role("alert").filter(has_text="tạm bị khóa")).to_be_visible()
