"""The public home page and the staff dashboard, filled by modules through registries."""

import datetime

import pytest

from doingoai.core import dashboard, public_links
from doingoai.core.models import Organisation


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(name="Sở Thông tin và Truyền thông", parent_name="UBND THÀNH PHỐ HẢI PHÒNG",
                                       place="Hải Phòng")


def test_the_public_home_shows_the_department_in_vietnamese(client, organisation):
    body = client.get("/").content.decode()
    assert 'lang="vi"' in body
    assert "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" in body and "UBND THÀNH PHỐ HẢI PHÒNG" in body
    assert "Đăng nhập cho cán bộ" in body


def test_public_links_registered_by_modules_appear(client, organisation, monkeypatch):
    monkeypatch.setattr(public_links, "_links", [])
    public_links.register(public_links.PublicLink("Thư viện điện tử biển, đảo", "/thu-vien/", "Tư liệu về biển, đảo"))
    body = client.get("/").content.decode()
    assert 'href="/thu-vien/"' in body and "Thư viện điện tử biển, đảo" in body


def test_the_department_name_is_the_one_valid_on_the_date(db):
    Organisation.objects.create(name="Sở Thông tin và Truyền thông", parent_name="UBND", place="Hải Phòng",
                                valid_from=datetime.date(2008, 1, 1), valid_to=datetime.date(2025, 2, 28))
    Organisation.objects.create(name="Sở Khoa học và Công nghệ", parent_name="UBND", place="Hải Phòng",
                                valid_from=datetime.date(2025, 3, 1))
    assert Organisation.on(datetime.date(2025, 2, 18)).name == "Sở Thông tin và Truyền thông"
    assert Organisation.on(datetime.date(2025, 7, 1)).name == "Sở Khoa học và Công nghệ"


def test_modules_fill_the_dashboard_through_the_registry(specialist, signed_in, monkeypatch):
    monkeypatch.setattr(dashboard, "_open_work", [])
    monkeypatch.setattr(dashboard, "_counters", [])

    @dashboard.register_open_work
    def plan_tasks(user):
        return [
            dashboard.WorkItem("Điểm báo hằng ngày", "/admin/x/", "Kế hoạch", due=datetime.date(2025, 12, 31)),
            dashboard.WorkItem("Báo cáo 6 tháng", "/admin/y/", "Kế hoạch", due=datetime.date(2025, 6, 30), overdue=True),
        ]

    @dashboard.register_counter
    def cases(user):
        return [dashboard.Counter("vụ việc đang xử lý", 3, "/admin/vu-viec/")]

    @dashboard.register_counter
    def broken(user):
        raise RuntimeError("phân hệ lỗi")

    body = signed_in(specialist).get("/admin/").content.decode()
    assert body.index("Báo cáo 6 tháng") < body.index("Điểm báo hằng ngày")  # overdue first
    assert "30/06/2025" in body and "quá hạn" in body
    assert "vụ việc đang xử lý" in body
