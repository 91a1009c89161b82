"""The plan in the browser: the head of the lead unit sets progress, a specialist of a
coordinating unit reports a result; each sees the other's work."""

import re

import pytest
from playwright.sync_api import expect

from doingoai.core.models import Role
from tests.conftest import PASSWORD
from tests.plans.conftest import parsed_plan, plan  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, username):
    page.goto(f"{base}/admin/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/admin/")


def sign_out(page):
    page.get_by_role("button", name=re.compile("Nguyễn Văn")).click()
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(re.compile(r"/admin/login/"))


def test_head_of_lead_unit_and_coordinating_specialist_follow_a_task(live_server, page, plan, make_person):  # noqa: F811
    make_person(Role.TRUONG_DON_VI, "TTBCXB", username="truongphong")
    make_person(Role.CHUYEN_VIEN, "TTTT", username="cv-tttt")
    base = live_server.url

    # The specialist of the coordinating unit (Trung tâm TT-TT) reports a result on task 1.
    sign_in(page, base, "cv-tttt")
    page.get_by_role("link", name=re.compile("1. Thông tin về chủ trương")).first.click()
    page.get_by_label("Ngày").fill("12/03/2025")
    page.get_by_label("Nội dung kết quả").fill("Đăng 12 tin về giao ban báo chí quý I")
    page.get_by_role("button", name="Ghi nhận").click()
    expect(page.get_by_text("Đã ghi nhận kết quả thực hiện.")).to_be_visible()
    expect(page.get_by_text("Đăng 12 tin về giao ban báo chí quý I")).to_be_visible()
    expect(page.get_by_text("Cập nhật trạng thái, tiến độ")).to_have_count(0)
    sign_out(page)

    # The head of the lead unit (Phòng TT-BC-XB) sees it in the overview and sets the progress.
    sign_in(page, base, "truongphong")
    page.goto(f"{base}/admin/ke-hoach/")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('chart-tasks')) !== undefined")
    row = page.locator("tr[data-task='1']")
    expect(row).to_contain_text("12/03/2025")
    row.get_by_role("link").first.click()
    expect(page.get_by_text("Đăng 12 tin về giao ban báo chí quý I")).to_be_visible()
    page.get_by_label("Trạng thái").select_option(label="Đang thực hiện")
    page.get_by_label("Tiến độ (%)").fill("40")
    page.get_by_role("button", name="Lưu tiến độ").click()
    expect(page.get_by_text("Đã cập nhật trạng thái và tiến độ.")).to_be_visible()
    expect(page.locator("[data-status]")).to_contain_text("Đang thực hiện – 40%")
