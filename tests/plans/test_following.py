"""Following the plan: who sees, who sets progress, who reports results, and the evidence."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from doingoai.core.models import AuditEntry, Unit
from doingoai.plans import evidence, selectors, services
from doingoai.plans.models import Plan, ProgressUpdate, Task


def task(plan, no):
    return plan.tasks.get(no=no)


def test_saving_a_plan_keeps_units_timelines_and_proposes_new_units(plan):
    assert plan.tasks.count() == 3
    t3 = task(plan, 3)
    assert t3.lead_unit.code == "TTS"
    new = Unit.objects.get(name="Công an thành phố")
    assert not new.internal
    assert set(t3.coordinators.values_list("name", flat=True)) == {"Phòng Thông tin – Báo chí – Xuất bản", "Công an thành phố"}
    assert (t3.start, t3.end) == (datetime.date(2025, 4, 1), datetime.date(2025, 6, 30))
    assert task(plan, 1).continuous and task(plan, 1).and_related_units


def test_the_same_number_twice_is_refused_unless_updating(plan, parsed_plan):
    with pytest.raises(services.DuplicatePlanError, match="đã có trong hệ thống"):
        services.save_parsed_plan(parsed_plan)
    assert Plan.objects.count() == 1
    t1 = task(plan, 1)
    Task.objects.filter(pk=t1.pk).update(progress=40)
    parsed_plan.tasks[0].title = "Thông tin về chủ trương (bản sửa)"
    services.save_parsed_plan(parsed_plan, update=True)
    assert Plan.objects.count() == 1
    t1.refresh_from_db()
    assert t1.title == "Thông tin về chủ trương (bản sửa)" and t1.progress == 40  # progress kept


def test_the_lead_unit_sets_status_and_progress(plan, people):
    t1 = task(plan, 1)  # lead TTBCXB
    services.set_progress(t1, people["specialist"], status=Task.Status.IN_PROGRESS, progress=35)
    t1.refresh_from_db()
    assert (t1.status, t1.progress) == ("in-progress", 35)
    entry = AuditEntry.objects.filter(object_type="plans.task", action="state").latest("id")
    assert entry.changes["trạng thái, tiến độ"] == [["not-started", 0], ["in-progress", 35]]
    with pytest.raises(PermissionDenied):
        services.set_progress(t1, people["editor"], status=Task.Status.DONE, progress=100)  # TTTT only coordinates
    with pytest.raises(ValidationError):
        services.set_progress(t1, people["head"], status=Task.Status.IN_PROGRESS, progress=130)


def test_done_means_one_hundred_percent(plan, people):
    t2 = task(plan, 2)
    services.set_progress(t2, people["editor"], status=Task.Status.DONE, progress=60)
    t2.refresh_from_db()
    assert t2.progress == 100


def test_coordinating_units_add_updates_with_files_and_links(plan, people):
    t1 = task(plan, 1)
    upload = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 bien ban", content_type="application/pdf")
    update = services.add_update(
        t1, people["editor"], unit=Unit.objects.get(code="TTTT"), text="Đã đăng 25 tin bài trên cổng thông tin.",
        day=datetime.date(2025, 3, 1), figures=[{"label": "Số tin bài", "value": "25"}],
        files=[upload], links=[("Chuyên mục đối ngoại", "https://haiphong.gov.vn/doi-ngoai")],
    )
    assert update.attachments.get().name == "bien-ban.pdf"
    assert update.links.get().url == "https://haiphong.gov.vn/doi-ngoai"
    with pytest.raises(PermissionDenied):  # TTS has nothing to do with task 1
        services.add_update(t1, people["inspector"], unit=Unit.objects.get(code="TTS"), text="x")
    with pytest.raises(ValidationError, match="tương lai"):
        services.add_update(t1, people["editor"], unit=Unit.objects.get(code="TTTT"), text="x",
                            day=datetime.date.today() + datetime.timedelta(days=3))
    with pytest.raises(ValidationError, match="trống"):
        services.add_update(t1, people["editor"], unit=Unit.objects.get(code="TTTT"), text="   ")


def test_a_person_sees_her_units_tasks_and_leaders_see_all(plan, people):
    assert {t.no for t in selectors.visible_tasks(people["inspector"], plan)} == {2, 3}
    assert {t.no for t in selectors.visible_tasks(people["editor"], plan)} == {1, 2}
    assert {t.no for t in selectors.visible_tasks(people["leader"], plan)} == {1, 2, 3}
    assert list(selectors.visible_tasks(people["admin"], plan)) == []


def test_overdue_and_due_soon(plan):
    t2, t3 = task(plan, 2), task(plan, 3)
    assert t2.is_overdue(datetime.date(2025, 5, 11))
    assert not t2.is_overdue(datetime.date(2025, 5, 10))
    assert t3.is_due_soon(datetime.date(2025, 6, 25)) and not t3.is_due_soon(datetime.date(2025, 6, 1))


def test_other_modules_add_evidence_through_the_registry(plan, monkeypatch, units):
    monkeypatch.setattr(evidence, "_sources", {})
    evidence.register_source("monitoring.digest", "Điểm báo", task_numbers=[1])
    t1 = task(plan, 1)
    t1.evidence_sources = evidence.default_sources_for(1)
    t1.save()
    made = evidence.record("monitoring.digest", "Đã gửi điểm báo ngày 12/03/2025", obj=units["TTBCXB"],
                           day=datetime.date(2025, 3, 12))
    assert [u.task.no for u in made] == [1]
    update = ProgressUpdate.objects.get(source="monitoring.digest")
    assert update.links.get().target == units["TTBCXB"]
    with pytest.raises(KeyError):
        evidence.record("khong-co", "x")
