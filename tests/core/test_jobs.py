"""Background jobs: a real worker in another process, retries with back-off, a scheduler
whose schedules are data, and a screen with a retry button."""

import datetime
import subprocess
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskContext

from doingoai.core import jobs
from doingoai.core.models import JobRecord, Role, ScheduledJob
from tests.core import jobs_for_tests

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def run_worker(doingoai_bin, env):
    proc = subprocess.run([doingoai_bin, "worker", "--burst"], env=env, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_runs_an_enqueued_job(tmp_path, doingoai_bin, subprocess_env, empty_queue):
    marker = tmp_path / "xong.txt"
    result = jobs_for_tests.write_marker.enqueue(str(marker), "Đã chạy ở tiến trình khác")
    record = JobRecord.objects.get(result_id=result.id)
    assert record.status == JobRecord.Status.READY and record.task_path.endswith("write_marker")
    run_worker(doingoai_bin, subprocess_env)
    assert marker.read_text(encoding="utf-8") == "Đã chạy ở tiến trình khác"
    record.refresh_from_db()
    assert record.status == JobRecord.Status.SUCCESSFUL
    assert record.started_at and record.finished_at


@pytest.mark.django_db(transaction=True)
def test_a_failing_job_is_retried_later_with_back_off(doingoai_bin, subprocess_env, empty_queue):
    jobs_for_tests.always_fails.enqueue("máy chủ ngoài không trả lời")
    before = timezone.now()
    run_worker(doingoai_bin, subprocess_env)
    mine = JobRecord.objects.filter(task_path__endswith="always_fails")
    failed = mine.get(attempt=1)
    assert failed.status == JobRecord.Status.FAILED
    assert "máy chủ ngoài không trả lời" in failed.error
    retry = mine.get(attempt=2)
    assert retry.status == JobRecord.Status.READY
    # First back-off: 60 s after the failure.
    assert retry.run_after >= before + datetime.timedelta(seconds=55)


def test_back_off_doubles_and_stops_after_the_last_retry(db, empty_queue):
    # Run the job's body as a worker would, with the context of a real enqueued result.
    context = TaskContext(task_result=jobs_for_tests.always_fails.enqueue("lỗi"))
    for attempt in (1, 2, 3):
        start = timezone.now()
        with pytest.raises(RuntimeError):
            jobs_for_tests.always_fails.func(context, "lỗi", _attempt=attempt)
        if attempt < 3:
            retry = JobRecord.objects.get(task_path__endswith="always_fails", attempt=attempt + 1)
            delay = (retry.run_after - start).total_seconds()
            assert 60 * 2 ** (attempt - 1) <= delay < 60 * 2 ** (attempt - 1) + 5
    assert not JobRecord.objects.filter(task_path__endswith="always_fails", attempt=4).exists()  # two retries, then it stays failed
    assert "RuntimeError: lỗi" in JobRecord.objects.get(result_id=context.task_result.id).error


def test_the_retry_button_enqueues_the_failed_job_again(make_person, signed_in, db):
    admin = make_person(Role.QUAN_TRI, "VPS")
    failed = JobRecord.objects.create(
        result_id="r1", task_path="tests.core.jobs_for_tests.write_marker", backend="x",
        args=["/tmp/doingoai-retry.txt", "lại"], kwargs={"_attempt": 3}, status=JobRecord.Status.FAILED,
        attempt=3, error="RuntimeError: hỏng",
    )
    client = signed_in(admin)
    page = client.get(reverse("doingoai_jobs"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Tác vụ nền" in body and "RuntimeError: hỏng" in body and "Chạy lại" in body
    response = client.post(reverse("doingoai_jobs_retry", args=[failed.pk]), follow=True)
    assert "Đã đưa tác vụ" in response.content.decode()
    new = JobRecord.objects.filter(task_path=failed.task_path).exclude(pk=failed.pk).get()
    assert new.args == ["/tmp/doingoai-retry.txt", "lại"] and new.attempt == 1
    # A double click does not enqueue it twice.
    again = client.post(reverse("doingoai_jobs_retry", args=[failed.pk]), follow=True)
    assert "đã được chạy lại" in again.content.decode()
    assert JobRecord.objects.filter(task_path=failed.task_path).count() == 2


def test_the_jobs_screen_is_for_the_administrator_only(specialist, signed_in):
    response = signed_in(specialist).get(reverse("doingoai_jobs"))
    assert response.status_code in (302, 403)
    assert "Chạy lại" not in response.content.decode()


def test_the_platform_proposes_its_periodic_jobs_as_data(db):
    names = set(ScheduledJob.objects.values_list("name", flat=True))
    assert "Kiểm tra toàn vẹn nhật ký kiểm toán" in names
    sched = ScheduledJob.objects.get(name="Kiểm tra toàn vẹn nhật ký kiểm toán")
    sched.cron = "0 4 * * *"
    sched.save()
    jobs.ensure_schedules()  # staff edits are kept
    assert ScheduledJob.objects.get(pk=sched.pk).cron == "0 4 * * *"


def test_the_scheduler_enqueues_a_due_job_once_and_moves_it_on(db):
    sched = ScheduledJob.objects.create(
        name="Viết dấu thử", task_path="tests.core.jobs_for_tests.write_marker", cron="0 7 * * *",
        kwargs={"path": "/tmp/doingoai-sched.txt", "text": "7 giờ"},
    )
    ScheduledJob.objects.exclude(pk=sched.pk).update(enabled=False)  # the apps' own schedules
    six = datetime.datetime(2025, 3, 12, 6, 0, tzinfo=HCM)
    assert jobs.run_due(six) == []  # first sight: the next time is computed, nothing runs
    sched.refresh_from_db()
    assert sched.next_run_at.astimezone(HCM) == datetime.datetime(2025, 3, 12, 7, 0, tzinfo=HCM)
    seven = datetime.datetime(2025, 3, 12, 7, 0, 5, tzinfo=HCM)
    assert jobs.run_due(seven) == ["Viết dấu thử"]
    assert jobs.run_due(seven) == []  # a second scheduler at the same moment enqueues nothing
    sched.refresh_from_db()
    assert sched.next_run_at.astimezone(HCM) == datetime.datetime(2025, 3, 13, 7, 0, tzinfo=HCM)
    assert JobRecord.objects.filter(task_path=sched.task_path).count() == 1


def test_a_disabled_or_broken_schedule_does_not_stop_the_others(db):
    now = timezone.now()
    ScheduledJob.objects.create(name="Hỏng", task_path="khong.ton.tai", cron="* * * * *", next_run_at=now)
    ScheduledJob.objects.create(name="Tắt", task_path="tests.core.jobs_for_tests.write_marker", cron="* * * * *",
                                next_run_at=now, enabled=False)
    ScheduledJob.objects.create(name="Tốt", task_path="tests.core.jobs_for_tests.write_marker", cron="* * * * *",
                                next_run_at=now, kwargs={"path": "/tmp/doingoai-ok.txt", "text": "ok"})
    assert jobs.run_due(now + datetime.timedelta(seconds=1)) == ["Tốt"]


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_command_runs_once(doingoai_bin, subprocess_env):
    ScheduledJob.objects.create(
        name="Ngay bây giờ", task_path="tests.core.jobs_for_tests.write_marker", cron="* * * * *",
        next_run_at=timezone.now() - datetime.timedelta(minutes=1), kwargs={"path": "/tmp/doingoai-now.txt", "text": "x"},
    )
    proc = subprocess.run([doingoai_bin, "scheduler", "--once"], env=subprocess_env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Đã đưa vào hàng đợi: Ngay bây giờ" in proc.stdout
