"""The health of the sources: the figures of each source, the silence alert — once per
silence, again after the source resumed and stopped — and the screens that show them."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from doingoai.core import dashboard
from doingoai.core.models import JobRecord, Notification, Role
from doingoai.monitoring import health
from doingoai.monitoring.models import Source, SourceCheck
from doingoai.monitoring.pipeline.ingest import Incoming, ingest

HOUR = datetime.timedelta(hours=1)
POLL_TASK = "doingoai.monitoring.tasks.poll_source"
TEXT = ("Ủy ban nhân dân thành phố Hải Phòng chỉ đạo các sở, ngành đẩy nhanh tiến độ các công trình trọng điểm, "
        "bảo đảm an toàn giao thông và vệ sinh môi trường trên địa bàn.")


def make_source(name="Báo Hải Phòng điện tử", **fields) -> Source:
    fields.setdefault("kind", Source.Kind.LOCAL)
    fields.setdefault("polling", True)
    return Source.objects.create(name=name, **fields)


def publish(source: Source, *moments: datetime.datetime) -> None:
    """Articles of ``source`` published at ``moments`` (stored through the pipeline)."""
    ingest([Incoming(url=f"https://baohaiphong.vn/tin-{source.pk}-{m.timestamp():.0f}.html",
                     title=f"Tin thời sự Hải Phòng lúc {timezone.localtime(m):%H:%M ngày %d/%m/%Y}",
                     text=f"{TEXT} Cập nhật lúc {timezone.localtime(m):%H:%M ngày %d/%m/%Y}.", published=m,
                     source=source) for m in moments])


def six_pm_two_days_ago() -> datetime.datetime:
    """A fixed point in the past (articles before it are never "after their fetch")."""
    day = timezone.localtime() - datetime.timedelta(days=2)
    return day.replace(hour=18, minute=0, second=0, microsecond=0)


# --- The figures ----------------------------------------------------------------------------------


def test_the_figures_of_a_source_that_publishes_every_two_hours(db):
    now = six_pm_two_days_ago()
    source = make_source(poll_minutes=30)
    publish(source, *(now - (2 * k + 1) * HOUR for k in range(36)))  # 17:00, 15:00 … over three days
    publish(source, now - datetime.timedelta(days=20))  # outside the fortnight

    found = health.figures(source, now)

    assert found.last_article_at == now - HOUR
    assert found.today == 9  # 01:00, 03:00 … 17:00
    assert found.week == found.fortnight == 36
    assert found.per_day_7 == pytest.approx(36 / 7) and found.per_day_14 == pytest.approx(36 / 14)
    assert found.usual_minutes == 120 and found.usual_measured and found.usual_text == "2 giờ"
    assert found.status == health.Status.OK and found.status_label == "Bình thường"
    # Silent after more than DOINGOAI_SILENCE_FACTOR (4) × 2 hours without an article.
    assert health.figures(source, now + 7 * HOUR).status == health.Status.OK
    later = health.figures(source, now + 9 * HOUR)
    assert later.status == health.Status.SILENT and later.status_label == "Im lặng"
    assert later.silent_since == now - HOUR


def test_the_figures_of_many_sources_take_the_same_few_queries_as_of_one(db, django_assert_max_num_queries):
    start = six_pm_two_days_ago()
    made = [make_source(f"Nguồn {n}") for n in range(6)]
    for n, source in enumerate(made):
        publish(source, *(start - datetime.timedelta(hours=h * (n + 1)) for h in range(5)))
    with django_assert_max_num_queries(3):
        found = health.figures_for(Source.objects.all())
    assert [f.usual_minutes for f in found] == [60.0 * (n + 1) for n in range(6)]


def test_with_few_articles_the_polling_interval_stands_in_and_twice_it_is_the_least_silence(db):
    now = six_pm_two_days_ago()
    sparse = make_source("Cổng thông tin quận Ngô Quyền", poll_minutes=45)
    publish(sparse, now - 2 * HOUR)
    found = health.figures(sparse, now)
    assert found.usual_minutes == 45 and not found.usual_measured and found.usual_text == "45 phút"
    assert health.figures(sparse, now - 2 * HOUR + datetime.timedelta(minutes=179)).status == health.Status.OK
    assert health.figures(sparse, now - 2 * HOUR + datetime.timedelta(minutes=181)).status == health.Status.SILENT

    busy = make_source("Báo điện tử đăng dồn dập", poll_minutes=360)  # a burst every ten minutes
    publish(busy, *(now - k * datetime.timedelta(minutes=10) for k in range(1, 10)))
    assert health.figures(busy, now).usual_minutes == 10
    # 4 × 10 minutes is far less than two polls apart: silence waits for 2 × 6 hours.
    assert health.figures(busy, now + 11 * HOUR).status == health.Status.OK
    assert health.figures(busy, now + 13 * HOUR).status == health.Status.SILENT


def test_failing_sources_are_in_error_and_sources_not_polled_are_off(db):
    failing = make_source("Báo lỗi", error_streak=3, last_error="Không tải được nguồn RSS/Atom: quá thời gian chờ.")
    off = make_source("Báo tạm dừng", polling=False)
    retired = make_source("Báo ngừng theo dõi", active=False, polling=True)
    statuses = {f.source.name: f.status_label for f in health.figures_for([failing, off, retired])}
    assert statuses == {"Báo lỗi": "Lỗi", "Báo tạm dừng": "Tắt", "Báo ngừng theo dõi": "Tắt"}


# --- The silence alert ----------------------------------------------------------------------------


def test_a_silent_source_is_reported_once_and_again_after_it_resumed_and_stopped(db, make_person):
    staff = make_person(Role.CHUYEN_VIEN, "TTBCXB")
    head = make_person(Role.TRUONG_DON_VI, "TTBCXB")
    elsewhere = make_person(Role.CHUYEN_VIEN, "VPS")
    now = timezone.now()
    source = make_source("Báo An ninh Hải Phòng", poll_minutes=15)
    publish(source, *(now - (10 + k) * HOUR for k in range(48)))  # hourly, stopped ten hours ago
    quiet = make_source("Báo chưa lấy tin lần nào")  # no article, no poll: nothing to measure
    not_polled = make_source("Báo không tự động lấy tin", polling=False)
    publish(not_polled, now - 50 * HOUR, now - 40 * HOUR, now - 30 * HOUR)

    assert health.check_silence(now) == 1
    assert health.check_silence(now + HOUR) == 0  # the same silence: not twice

    def told():
        return Notification.objects.filter(title="Nguồn tin «Báo An ninh Hải Phòng» im lặng bất thường")

    assert sorted(n.user_id for n in told()) == sorted([staff.pk, head.pk])
    assert not Notification.objects.filter(user=elsewhere).exists()
    note = told().first()
    assert "Không có bài mới từ" in note.body and "bình thường cứ khoảng 1 giờ có một bài" in note.body
    assert note.url == reverse("monitoring_source_health_detail", args=[source.pk])
    assert len(mail.outbox) == 1 and sorted(mail.outbox[0].to) == sorted([staff.email, head.email])
    assert "im lặng bất thường" in mail.outbox[0].subject
    source.refresh_from_db()
    assert source.silence_alerted_at == now
    quiet.refresh_from_db()
    assert quiet.silence_alerted_at is None

    publish(source, now + 2 * HOUR)  # the source publishes again
    assert health.check_silence(now + 3 * HOUR) == 0
    source.refresh_from_db()
    assert source.silence_alerted_at is None  # the episode is over

    assert health.check_silence(now + 20 * HOUR) == 1  # … and it falls silent once more
    assert told().count() == 4 and len(mail.outbox) == 2


def test_a_source_that_never_brought_an_article_is_silent_counted_from_its_first_poll(db, make_person):
    make_person(Role.CHUYEN_VIEN, "TTBCXB")
    now = timezone.now()
    source = make_source("Trang tin mới thêm", poll_minutes=30)
    SourceCheck.objects.create(source=source, at=now - 3 * HOUR, ok=True, message="Lấy tin thành công.")
    assert health.check_silence(now) == 1
    body = Notification.objects.get().body
    assert "Chưa có bài nào kể từ lần lấy tin đầu tiên" in body


# --- The screens -----------------------------------------------------------------------------------


@pytest.fixture
def sources(db):
    now = timezone.now()
    fine = make_source("Báo Hải Phòng điện tử", official=True, poll_minutes=30)
    publish(fine, *(now - (k + 1) * HOUR / 2 for k in range(6)))
    broken = make_source("Báo <script>alert(1)</script> lỗi", error_streak=2, last_error_at=now,
                         last_error="Không đọc được nguồn RSS/Atom: <img src=x onerror=alert(2)>")
    SourceCheck.objects.create(source=broken, ok=False, url="https://baoloi.vn/rss/<script>.rss", status=500,
                               message="Không tải được nguồn RSS/Atom: máy chủ trả <script>alert(3)</script>")
    silent = make_source("Đài Phát thanh và Truyền hình", poll_minutes=30)
    publish(silent, now - 30 * HOUR, now - 31 * HOUR, now - 32 * HOUR)
    off = make_source("Báo tạm dừng theo dõi", active=False)
    return {"fine": fine, "broken": broken, "silent": silent, "off": off}


def test_a_specialist_sees_every_source_with_its_figures_and_filters_by_status(sources, make_person, signed_in):
    client = signed_in(make_person(Role.CHUYEN_VIEN, "TTBCXB"))
    body = client.get(reverse("monitoring_source_health")).content.decode()
    assert "Tình trạng nguồn tin" in body
    for status in ("Bình thường", "Lỗi", "Im lặng", "Tắt"):
        assert f"{status} (1)" in body
    assert body.index('data-status="loi"') < body.index('data-status="im-lang"') < body.index('data-status="binh-thuong"')
    assert "Bài/ngày (7 ngày)" in body and "Nhịp đăng bình thường" in body and "30 phút" in body
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<img src=x" not in body

    only_silent = client.get(reverse("monitoring_source_health"), {"trang-thai": "im-lang"}).content.decode()
    assert "Đài Phát thanh và Truyền hình" in only_silent and "Báo Hải Phòng điện tử" not in only_silent

    by_name = client.get(reverse("monitoring_source_health"), {"sap-xep": "-ten"}).content.decode()
    assert by_name.index("Đài Phát thanh") < by_name.index("Báo tạm dừng") < by_name.index("Báo Hải Phòng")


def test_a_source_page_shows_its_checks_escaped_and_a_button_to_poll_it_now(sources, make_person, signed_in,
                                                                            empty_queue):
    broken = sources["broken"]
    client = signed_in(make_person(Role.CHUYEN_VIEN, "TTBCXB"))
    body = client.get(reverse("monitoring_source_health_detail", args=[broken.pk])).content.decode()
    assert "Lỗi" in body and "máy chủ trả &lt;script&gt;alert(3)&lt;/script&gt;" in body
    assert "<script>alert(" not in body and "onerror=alert(2)>" not in body
    assert "Lấy tin ngay" in body and 'name="csrfmiddlewaretoken"' in body

    url = reverse("monitoring_source_poll_now", args=[broken.pk])
    token = ""  # the page was loaded before any poll was planned
    first = client.post(url, {"token": token}, follow=True).content.decode()
    assert "Đã đưa nguồn tin" in first
    second = client.post(url, {"token": token}, follow=True).content.decode()  # a double click
    assert "vừa được đưa vào hàng đợi" in second
    assert [r.args for r in JobRecord.objects.filter(task_path=POLL_TASK)] == [[broken.pk]]
    assert client.get(url).status_code == 405


def test_the_health_screens_are_closed_to_a_person_without_a_unit_role(sources, make_person, signed_in, empty_queue):
    client = signed_in(make_person(Role.QUAN_TRI, "VPS"))
    source = sources["fine"]
    assert client.get(reverse("monitoring_source_health")).status_code == 403
    assert client.get(reverse("monitoring_source_health_detail", args=[source.pk])).status_code == 403
    assert client.post(reverse("monitoring_source_poll_now", args=[source.pk]), {"token": ""}).status_code == 403
    assert not JobRecord.objects.filter(task_path=POLL_TASK).exists()


def test_the_dashboard_counts_failing_and_silent_sources_for_monitoring_people(sources, make_person):
    sources["silent"].silence_alerted_at = timezone.now()
    sources["silent"].save()
    counter = next(c for c in dashboard.counters(make_person(Role.CHUYEN_VIEN, "TTBCXB"))
                   if c.label == "Nguồn tin lỗi hoặc im lặng")
    assert counter.value == 2 and counter.url.startswith(reverse("monitoring_source_health"))
    admin_counters = dashboard.counters(make_person(Role.QUAN_TRI, "VPS"))
    assert all(c.label != "Nguồn tin lỗi hoặc im lặng" for c in admin_counters)
