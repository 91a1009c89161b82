"""The plan's screens, as the people who use them."""

import datetime

import pytest
from django.urls import reverse

from doingoai.core.models import Role, Unit
from doingoai.plans import services
from doingoai.plans.models import ProgressUpdate, Task


def test_the_overview_shows_every_task_with_lead_coordinators_timeline_and_status(plan, people, signed_in):
    body = signed_in(people["leader"]).get(reverse("plans_overview_current")).content.decode()
    assert "14/KH-STTTT" in body
    for text in ("Xây dựng thư viện điện tử về biển, đảo", "Trung tâm Thông tin và Truyền thông", "Trước ngày 10/5/2025",
                 "hạn 10/05/2025", "Chưa bắt đầu", "quá hạn", "Công an thành phố", "và các đơn vị liên quan",
                 "chart-tasks", "chart-units"):
        assert text in body, text


def test_my_units_work_lists_what_it_leads_and_coordinates(plan, make_person, signed_in):
    coordinator = make_person(Role.CHUYEN_VIEN, "TTTT", username="cv-tttt")
    body = signed_in(coordinator).get(reverse("plans_my_unit")).content.decode()
    assert "Thông tin về chủ trương" in body and "phối hợp" in body
    assert "Xây dựng thư viện điện tử" in body and "chủ trì" in body
    assert "Xử lý thông tin sai sự thật" not in body


def test_a_coordinating_specialist_reports_a_result_on_the_task_page(plan, make_person, signed_in):
    coordinator = make_person(Role.CHUYEN_VIEN, "TTTT", username="cv-tttt")
    t1 = plan.tasks.get(no=1)
    client = signed_in(coordinator)
    page = client.get(reverse("plans_task", args=[t1.pk])).content.decode()
    assert "Báo cáo kết quả thực hiện" in page
    assert "Cập nhật trạng thái, tiến độ" not in page  # only the lead unit sets progress
    response = client.post(reverse("plans_task", args=[t1.pk]), {
        "action": "update", "unit": Unit.objects.get(code="TTTT").pk, "date": "12/03/2025",
        "text": "Đăng 12 tin về giao ban báo chí", "figures": "Số tin: 12", "links": "Tin bài | https://tttt.example.vn/tin",
    }, follow=True)
    assert "Đã ghi nhận kết quả thực hiện." in response.content.decode()
    update = ProgressUpdate.objects.get(task=t1)
    assert update.date == datetime.date(2025, 3, 12) and update.figures == [{"label": "Số tin", "value": "12"}]
    bad = client.post(reverse("plans_task", args=[t1.pk]), {"action": "update", "unit": Unit.objects.get(code="TTTT").pk,
                                                              "date": "31/02/2025", "text": "x", "figures": "không có dấu hai chấm"})
    body = bad.content.decode()
    assert "Nhập một ngày hợp lệ" in body or "hợp lệ" in body
    assert "tên chỉ tiêu: giá trị" in body


def test_the_lead_unit_head_sets_progress_on_the_task_page(plan, people, signed_in):
    t1 = plan.tasks.get(no=1)
    client = signed_in(people["head"])
    response = client.post(reverse("plans_task", args=[t1.pk]), {"action": "progress", "status": "in-progress", "progress": "45"},
                           follow=True)
    assert "Đã cập nhật trạng thái và tiến độ." in response.content.decode()
    t1.refresh_from_db()
    assert (t1.status, t1.progress) == (Task.Status.IN_PROGRESS, 45)


def test_a_task_of_another_unit_is_closed(plan, people, signed_in):
    t1 = plan.tasks.get(no=1)
    response = signed_in(people["inspector"]).get(reverse("plans_task", args=[t1.pk]))
    assert response.status_code in (302, 403)


def test_the_dashboard_lists_the_units_open_tasks(plan, people, signed_in):
    body = signed_in(people["specialist"]).get("/admin/").content.decode()
    assert "1. Thông tin về chủ trương" in body and "chủ trì" in body


def test_reports_screen_compiles_edits_and_issues(plan, people, signed_in):
    client = signed_in(people["specialist"])
    response = client.post(reverse("plans_reports"), {"kind": "half-year", "period_start": "01/01/2025",
                                                      "period_end": "30/06/2025"}, follow=True)
    body = response.content.decode()
    assert "Kết quả thực hiện công tác thông tin đối ngoại 6 tháng đầu năm 2025" in body
    report = plan.reports.get()
    sections = report.sections
    client.post(reverse("plans_report", args=[report.pk]), {
        "action": "save", "title": report.title, "heading": [s["heading"] for s in sections],
        "text": [s["text"] if i != 0 else "Đoạn mở đầu đã sửa." for i, s in enumerate(sections)],
        "recipients": "UBND thành phố (để b/c)\nBan Tuyên giáo Thành ủy", "signer_mode": "", "signer_authority": "GIÁM ĐỐC",
        "signer_title": "GIÁM ĐỐC", "signer_name": "Phạm Văn Tuấn",
    })
    report.refresh_from_db()
    assert report.sections[0]["text"] == "Đoạn mở đầu đã sửa." and report.recipients[1] == "Ban Tuyên giáo Thành ủy"
    assert client.get(reverse("plans_report_file", args=[report.pk, "docx"])).status_code == 200
    head = signed_in(people["head"])
    issued = head.post(reverse("plans_report", args=[report.pk]), {"action": "issue"}, follow=True).content.decode()
    assert "Đã ban hành báo cáo số 01/BC-STTTT." in issued
    again = head.post(reverse("plans_report", args=[report.pk]), {"action": "issue"}, follow=True).content.decode()
    assert "đã được ban hành" in again


@pytest.mark.parametrize("name", ["plans_calendar", "plans_reports", "plans_import", "plans_my_unit"])
def test_every_plans_screen_opens_in_vietnamese(plan, people, signed_in, name):
    response = signed_in(people["head"]).get(reverse(name))
    assert response.status_code == 200
    assert 'lang="vi"' in response.content.decode()


def test_a_task_update_attachment_is_served_only_to_those_who_see_the_task(plan, people, signed_in):
    from django.core.files.uploadedfile import SimpleUploadedFile

    t2 = plan.tasks.get(no=2)
    update = services.add_update(t2, people["editor"], unit=Unit.objects.get(code="TTTT"), text="Biên bản",
                                 files=[SimpleUploadedFile("bien-ban.txt", "Biên bản họp".encode())])
    url = reverse("plans_attachment", args=[update.attachments.get().pk])
    assert signed_in(people["editor"]).get(url).status_code == 200
    outsider = signed_in(people["admin"]).get(url)
    assert outsider.status_code in (302, 403)


FIXTURES = __import__("pathlib").Path(__file__).parent / "fixtures"


def test_importing_through_the_screen_shows_every_task_for_correction_before_saving(units, people, signed_in):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from doingoai.plans.models import Plan

    client = signed_in(people["head"])
    scan = (FIXTURES / "000_057609350bf8065e.txt").read_bytes()
    response = client.post(reverse("plans_import"), {"file": SimpleUploadedFile("ke-hoach-14.txt", scan)})
    assert response.status_code == 302
    review = client.get(response.url).content.decode()
    assert "11 nhiệm vụ" in review and 'value="14/KH-STTTT"' in review
    assert Plan.objects.count() == 0  # nothing saved before a person confirms
    # The person corrects the title of task 2 and drops task 11.
    form = {"number": "14/KH-STTTT", "date": "18/02/2025", "issuer": "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
            "title": "Kế hoạch Công tác thông tin đối ngoại năm 2025", "owner_unit": "TTBCXB"}
    for i in range(11):
        form[f"task-{i}-lead"] = "TTBCXB"
        form[f"task-{i}-timeline"] = "Năm 2025"
    form["task-1-title"] = "Thông tin về chủ trương, đường lối của Đảng, chính sách, pháp luật của Nhà nước"
    form["task-10-skip"] = "1"
    saved = client.post(response.url, form, follow=True)
    assert "Đã lưu Kế hoạch số 14/KH-STTTT với 10 nhiệm vụ." in saved.content.decode()
    plan = Plan.objects.get()
    assert plan.tasks.get(no=2).title.startswith("Thông tin về chủ trương, đường lối của Đảng")
    assert plan.source_file.name.endswith(".txt") and plan.owner_unit.code == "TTBCXB"
    # The same number again is refused on the review screen unless "cập nhật" is ticked.
    again = client.post(reverse("plans_import"), {"file": SimpleUploadedFile("ke-hoach-14.txt", scan)})
    refused = client.post(again.url, form).content.decode()
    assert "đã có trong hệ thống" in refused
    assert Plan.objects.count() == 1


def test_a_file_that_is_not_a_plan_is_explained_on_the_upload_screen(units, people, signed_in):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = signed_in(people["head"])
    text = "Thực đơn tuần này: thứ Hai phở bò, thứ Ba bún chả.".encode()
    body = client.post(reverse("plans_import"), {"file": SimpleUploadedFile("thuc-don.txt", text)}).content.decode()
    assert "Không nhận ra kế hoạch" in body
