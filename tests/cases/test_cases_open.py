"""Opening a case: from a monitored article or story, from an address typed by a staff member,
from a public report. One address (by its canonical key) and one story never make two open
cases, not even when the same button is pressed twice at the same moment."""

from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from doingoai.cases import services
from doingoai.cases.models import Capture, Case, CaseURL, Origin, PublicReport, Step, StepRecord
from doingoai.core import vntext
from doingoai.core.models import AuditEntry
from doingoai.monitoring.models import Source
from doingoai.monitoring.pipeline.canonical import canonical_url, key_of
from doingoai.monitoring.pipeline.ingest import Incoming, ingest

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
FALSE_TITLE = "Tin đồn cảng Lạch Huyện đóng cửa vì Hải Phòng sáp nhập Hải Dương"
FALSE_TEXT = (
    "Một số trang mạng lan truyền thông tin cảng Lạch Huyện sẽ ngừng hoạt động từ tháng 7 vì Hải Phòng sáp nhập "
    "Hải Dương. Thông tin này không có căn cứ. Cảng vẫn tiếp nhận tàu bình thường, lượng hàng qua cảng tăng so với "
    "cùng kỳ năm trước. Ban quản lý cảng khẳng định không có kế hoạch dừng khai thác bến nào trong năm nay."
)


def make_story(urls=("https://tinmoi24h.net/lach-huyen-dong-cua.html",
                     "https://baomoi-tin.com/cang-lach-huyen-ngung.htm")):
    """One story of copies of the same false report on two outlets; returns its articles."""
    sources = [Source.objects.create(name=f"Trang tin {i}", kind=Source.Kind.NATIONAL, country="VN")
               for i, _ in enumerate(urls)]
    out = ingest([
        Incoming(url, FALSE_TITLE, FALSE_TEXT + (" Theo mạng xã hội." if i else ""),
                 datetime(2025, 6, 2, 8 + i, 0, tzinfo=HCM), source=sources[i])
        for i, url in enumerate(urls)
    ])
    articles = [o.article for o in out]
    assert articles[0].story_id is not None and articles[0].story_id == articles[-1].story_id
    return articles


def test_a_case_opened_from_an_address_gets_a_number_its_first_step_and_an_evidence_capture(inspector):
    case, created = services.open_from_url(inspector, "https://facebook.com/trang-gia/posts/123?fbclid=abc",
                                           "Bài đăng sai về cầu Hoàng Văn Thụ", "Cầu Hoàng Văn Thụ bị nứt, sắp sập")
    assert created
    year = timezone.localdate().year
    assert case.number == f"01/{year}/VV"
    assert case.origin == Origin.STAFF and case.step == Step.RECEIVED
    assert case.owner_unit.code == "TTS" and case.assignee == inspector and case.opened_by == inspector
    assert case.folded == vntext.fold("Bài đăng sai về cầu Hoàng Văn Thụ Cầu Hoàng Văn Thụ bị nứt, sắp sập")
    (first,) = StepRecord.objects.filter(case=case)
    assert first.step == Step.RECEIVED and first.unit.code == "TTS" and first.person == inspector
    assert first.due is not None and first.due > timezone.now() and case.step_due == first.due
    (url,) = case.urls.all()
    assert url.url_key == key_of(canonical_url("https://facebook.com/trang-gia/posts/123"))
    assert Capture.objects.filter(case_url=url).count() == 1
    entry = AuditEntry.objects.get(action="cases.open", object_id=str(case.pk))
    assert entry.actor == inspector and entry.changes["number"] == case.number


def test_numbers_follow_each_other(inspector):
    first, _ = services.open_from_url(inspector, "https://example.vn/a", "Vụ thứ nhất")
    second, _ = services.open_from_url(inspector, "https://example.vn/b", "Vụ thứ hai")
    assert int(first.number.split("/")[0]) + 1 == int(second.number.split("/")[0])


def test_the_same_address_in_another_form_finds_the_open_case(inspector, press_specialist):
    case, _ = services.open_from_url(inspector, "https://www.tinmoi24h.net/bai-viet.html?utm_source=zalo", "Tin sai")
    again, created = services.open_from_url(press_specialist, "http://tinmoi24h.net/bai-viet.html", "Tin sai (lần 2)")
    assert not created and again == case
    assert Case.objects.count() == 1 and case.urls.count() == 1


def test_a_closed_case_does_not_hold_its_address(inspector):
    case, _ = services.open_from_url(inspector, "https://example.vn/tin-cu", "Tin cũ")
    Case.objects.filter(pk=case.pk).update(step=Step.CLOSED)
    new, created = services.open_from_url(inspector, "https://example.vn/tin-cu", "Tin cũ xuất hiện lại")
    assert created and new != case


def test_an_article_opens_a_case_with_its_lead_story_and_article_link(press_specialist):
    article, _other = make_story()
    case, created = services.open_from_article(press_specialist, article)
    assert created and case.origin == Origin.MONITORING and case.story == article.story
    assert case.title == FALSE_TITLE and case.claim.startswith("Một số trang mạng lan truyền")
    assert case.owner_unit.code == "TTBCXB"
    assert list(case.urls.values_list("article", flat=True)) == [article.pk]


def test_a_story_opens_one_case_with_every_article_address(inspector):
    articles = make_story()
    case, created = services.open_from_story(inspector, articles[0].story)
    assert created and case.story == articles[0].story
    assert sorted(case.urls.values_list("article", flat=True)) == sorted(a.pk for a in articles)
    assert Capture.objects.filter(case_url__case=case).count() == 2


def test_the_same_story_never_opens_two_cases(inspector, press_specialist):
    first, second = make_story()
    case, _ = services.open_from_article(press_specialist, first)
    again, created = services.open_from_article(inspector, second)  # another outlet's copy
    assert not created and again == case
    assert sorted(case.urls.values_list("article", flat=True)) == sorted([first.pk, second.pk])
    from_story, created = services.open_from_story(inspector, first.story)
    assert not created and from_story == case and Case.objects.count() == 1


def test_a_malformed_address_is_refused_with_a_message(inspector):
    for bad in ("tinmoi24h.net/bai-viet", "ftp://example.vn/tep", "javascript:alert(1)", ""):
        with pytest.raises(ValidationError) as caught:
            services.open_from_url(inspector, bad, "Tin sai")
        assert "địa chỉ" in caught.value.messages[0].lower()
    assert Case.objects.count() == 0


def test_a_title_is_needed_unless_the_address_is_a_monitored_article(inspector):
    with pytest.raises(ValidationError, match="Xin nhập tiêu đề"):
        services.open_from_url(inspector, "https://example.vn/khong-tieu-de", "")
    (article, *_rest) = make_story()
    case, _ = services.open_from_url(inspector, article.url, "")
    assert case.title == FALSE_TITLE and case.urls.get().article == article


def test_owner_unit_is_the_openers_case_unit_else_the_inspectorate(inspector, press_specialist, leader, units):
    assert services.open_from_url(inspector, "https://example.vn/1", "Một")[0].owner_unit.code == "TTS"
    assert services.open_from_url(press_specialist, "https://example.vn/2", "Hai")[0].owner_unit.code == "TTBCXB"
    led = services.open_from_url(leader, "https://example.vn/3", "Ba")[0]
    assert led.owner_unit.code == "TTS" and led.assignee is None  # a leader is not a member of TTS


def test_a_public_report_opens_a_case_of_the_inspectorate(units, inspector):
    report = services.submit_report(url="https://tinmoi24h.net/hai-phong-cam-duong.html",
                                    description="Bài viết nói Hải Phòng cấm toàn bộ đường ven biển, không đúng.",
                                    contact="nguoidan@example.vn", address="203.0.113.7")
    report.refresh_from_db()
    case = report.case
    assert case.origin == Origin.PUBLIC and case.owner_unit.code == "TTS" and case.opened_by is None
    assert report.receipt in case.title and case.claim.startswith("Bài viết nói Hải Phòng")
    assert report.client_key and "203.0.113.7" not in report.client_key
    assert inspector.notifications.filter(url=case.get_absolute_url()).exists()


def test_a_second_report_of_the_same_address_joins_the_open_case_and_is_kept_as_a_note(units):
    first = services.submit_report(url="https://tinmoi24h.net/x.html", description="Tin sai lần một.",
                                   address="203.0.113.7")
    second = services.submit_report(url="https://www.tinmoi24h.net/x.html?utm_medium=social",
                                    description="Tôi cũng thấy tin sai này.", address="198.51.100.1")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.case == second.case and Case.objects.count() == 1
    assert second.case.notes.filter(text__contains="Tôi cũng thấy tin sai này.").exists()
    assert PublicReport.objects.filter(case=first.case).count() == 2


def test_adding_an_address_of_another_open_case_is_refused(inspector):
    case, _ = services.open_from_url(inspector, "https://example.vn/mot", "Một")
    services.open_from_url(inspector, "https://example.vn/hai", "Hai")
    with pytest.raises(ValidationError, match="đã thuộc vụ việc"):
        services.add_url(case, "https://example.vn/hai", inspector)
    added = services.add_url(case, "https://example.vn/ba", inspector)
    assert added.case == case and Capture.objects.filter(case_url=added).count() == 1
    assert services.add_url(case, "https://example.vn/ba?utm_source=x", inspector) == added  # no second capture
    assert Capture.objects.filter(case_url=added).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_double_submit_at_the_same_moment_opens_one_case(inspector):
    barrier = threading.Barrier(4)
    results, errors = [], []

    def submit():
        try:
            barrier.wait()
            results.append(services.open_from_url(inspector, "https://tinmoi24h.net/cung-luc.html", "Bấm hai lần"))
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Case.objects.count() == 1 and CaseURL.objects.count() == 1
    assert sorted(created for _, created in results) == [False, False, False, True]
    assert len({case.pk for case, _ in results}) == 1
