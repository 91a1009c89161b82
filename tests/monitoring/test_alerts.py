"""Alert rules: a saved search plus conditions, checked against every newly stored article.

A rule alerts once per story (a second copy of the story changes nothing); a rule with a
minimum of outlets alerts when the N-th outlet carries the story; negative sentiment, a theme
and a kind of source narrow what alerts; a spike rule compares today's number of matching
stories with the mean of the 14 days before. Alerts are delivered in the app, by e-mail through
a real (local) SMTP server and by webhook to a local HTTP endpoint — at once, or as one hourly
summary; a failing channel neither stops the others nor is lost: the next summary tries it
again."""

from __future__ import annotations

import datetime
import random
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from doingoai.core.models import Notification, Role
from doingoai.monitoring import alerts, search
from doingoai.monitoring.models import Alert, AlertRule, Article, Source
from doingoai.monitoring.pipeline.ingest import Incoming, ingest
from tests.monitoring.receivers import smtp_server, webhook_receiver

QUERY = "cảng Lạch Huyện"

# Words of the city's news; each story gets them in its own order, so that no two stories
# are near-duplicates (stories are told apart by word 3-grams).
WORDS = (
    "thành phố hội đồng nhân dân ủy ban phường xã quận huyện đảo cảng biển tàu hàng container bến "
    "khu công nghiệp doanh nghiệp nhà đầu tư vốn dự án đường cao tốc cầu sân bay du lịch lễ hội "
    "bãi tắm khách sạn di tích đền chùa trường học bệnh viện bác sĩ học sinh giáo viên nông dân "
    "ngư dân lúa gạo cá tôm muối rừng ngập mặn bão lũ triều cường đê kè nước sạch rác thải điện "
    "xe buýt công viên chợ siêu thị thương mại xuất khẩu nhập khẩu thuế ngân sách cán bộ công chức "
    "thanh niên phụ nữ cựu chiến binh văn nghệ thể thao bóng đá báo chí truyền hình phát thanh"
).split()


def story_text(n: int) -> str:
    words = random.Random(n).sample(WORDS, 60)
    return f"Tin về {QUERY}: " + " ".join(words) + "."


@pytest.fixture
def sources(db):
    kinds = {"hp": ("Báo Hải Phòng", Source.Kind.LOCAL), "tt": ("Báo Tuổi Trẻ", Source.Kind.NATIONAL),
             "tn": ("Báo Thanh Niên", Source.Kind.NATIONAL), "rt": ("Reuters", Source.Kind.FOREIGN)}
    return {key: Source.objects.create(name=name, kind=kind) for key, (name, kind) in kinds.items()}


@pytest.fixture
def owner(make_person):
    return make_person(Role.CHUYEN_VIEN, "TTBCXB")


_counter = iter(range(10**6))


def publish(source, n: int, when=None, *, title: str | None = None, text: str | None = None) -> Article:
    """Store one article of story ``n`` from ``source`` (a new address each time)."""
    item = Incoming(url=f"https://bao{source.pk}.vn/tin-{n}-{next(_counter)}.html",
                    title=title or f"Cảng Lạch Huyện: tin số {n}", text=text or story_text(n),
                    published=when if when is not None else timezone.now(), source=source)
    (outcome,) = ingest([item])
    assert outcome.created
    return outcome.article


def label(article: Article, *, sentiment: str | None = None, themes: list[str] | None = None) -> Article:
    """What an editor's correction does: the labels change and the index follows."""
    changes = {}
    if sentiment is not None:
        changes["sentiment"] = sentiment
    if themes is not None:
        changes["themes"] = themes
    Article.objects.filter(pk=article.pk).update(**changes)
    search.index_article_ids([article.pk])
    article.refresh_from_db()
    return article


def rule_for(owner, query: str = QUERY, name: str = "Cảng Lạch Huyện", **conditions) -> AlertRule:
    saved, _ = alerts.save_search(owner, f"Tìm {name}", query, {})
    return AlertRule.objects.create(name=name, owner=owner, saved_search=saved, **conditions)


def story_keys(rule) -> set[str]:
    return set(Alert.objects.filter(rule=rule).values_list("key", flat=True))


@pytest.fixture
def mailbox(settings):
    with smtp_server() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield server


# --- which articles alert ----------------------------------------------------------------------

def test_a_rule_alerts_once_per_story_even_when_a_second_copy_arrives(sources, owner):
    rule = rule_for(owner)
    first = publish(sources["hp"], 1)
    assert alerts.evaluate([first.pk]) == 1
    copy = publish(sources["tt"], 1)
    assert copy.story_id == first.story_id  # the same story, from another outlet
    assert alerts.evaluate([copy.pk]) == 0
    assert alerts.evaluate([first.pk, copy.pk]) == 0  # a job run twice changes nothing
    alert = Alert.objects.get(rule=rule)
    assert alert.key == f"story:{first.story_id}" and alert.article_id == first.pk
    assert alert.reason.startswith("Khớp tìm kiếm «Tìm Cảng Lạch Huyện»")
    note = Notification.objects.get(user=owner)
    assert note.title.startswith("Cảnh báo «Cảng Lạch Huyện»") and note.url.endswith(f"/{first.pk}/")
    assert alert.deliveries["app"]["ok"] and alert.delivered_at is not None


def test_an_article_outside_the_saved_search_does_not_alert(sources, owner):
    rule_for(owner)
    other = publish(sources["hp"], 2, title="Lễ hội hoa phượng đỏ", text="Thành phố khai mạc lễ hội hoa phượng đỏ "
                    "với nhiều hoạt động văn hóa, thể thao và du lịch hấp dẫn.")
    assert alerts.evaluate([other.pk]) == 0 and not Alert.objects.exists()


def test_min_outlets_fires_when_the_nth_outlet_carries_the_story(sources, owner):
    rule = rule_for(owner, min_outlets=3)
    first = publish(sources["hp"], 3)
    assert alerts.evaluate([first.pk]) == 0
    same_outlet = publish(sources["hp"], 3)  # a second copy from the same outlet counts once
    assert alerts.evaluate([same_outlet.pk]) == 0
    second = publish(sources["tt"], 3)
    assert alerts.evaluate([second.pk]) == 0
    third = publish(sources["tn"], 3)
    assert third.story.outlet_count == 3
    assert alerts.evaluate([third.pk]) == 1
    alert = Alert.objects.get(rule=rule)
    assert alert.key == f"story:{first.story_id}" and alert.article_id == third.pk
    assert "3 cơ quan báo chí đã đăng" in alert.reason
    fourth = publish(sources["rt"], 3, text=story_text(3))
    assert alerts.evaluate([fourth.pk]) == 0 and Alert.objects.filter(rule=rule).count() == 1


def test_negative_theme_and_kind_conditions_narrow_what_alerts(sources, owner):
    negative = rule_for(owner, name="Tiêu cực", negative_only=True)
    environment = rule_for(owner, name="Môi trường", theme="moi-truong")
    foreign = rule_for(owner, name="Báo nước ngoài", source_kind=Source.Kind.FOREIGN)
    a = label(publish(sources["hp"], 10), sentiment="negative", themes=["kinh-te-dau-tu"])
    b = label(publish(sources["tt"], 11), sentiment="positive", themes=["moi-truong", "du-lich"])
    c = label(publish(sources["rt"], 12), sentiment="neutral", themes=[])
    alerts.evaluate([a.pk, b.pk, c.pk])
    assert story_keys(negative) == {f"story:{a.story_id}"}
    assert story_keys(environment) == {f"story:{b.story_id}"}
    assert story_keys(foreign) == {f"story:{c.story_id}"}
    assert "chủ đề «Môi trường»" in Alert.objects.get(rule=environment).reason
    assert "Báo chí nước ngoài" in Alert.objects.get(rule=foreign).reason


def test_the_search_answers_for_given_articles_only(sources):
    a, b = publish(sources["hp"], 20), publish(sources["tt"], 21)
    everything = search.Filters()
    assert set(search.iter_matches(QUERY, everything)) == {a.pk, b.pk}
    only_b = search.Filters(ids=[b.pk, 10**9])
    assert list(search.iter_matches(QUERY, only_b)) == [b.pk] and search.count(QUERY, only_b) == 1
    assert search.search(QUERY, filters=only_b).total == 1
    assert list(search.iter_matches(QUERY, search.Filters(ids=[]))) == []


# --- spikes ------------------------------------------------------------------------------------

def noon(days_ago: int) -> datetime.datetime:
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def test_a_spike_alerts_once_a_day_against_the_14_day_baseline(sources, owner):
    spike = {"spike": True, "spike_min_count": 3}
    double = rule_for(owner, name="Gấp đôi", spike_ratio=2, **spike)
    eightfold = rule_for(owner, name="Gấp tám", spike_ratio=8, **spike)
    twelvefold = rule_for(owner, name="Gấp mười hai", spike_ratio=12, **spike)
    new_theme = rule_for(owner, name="Chủ đề mới", spike_ratio=2, theme="su-co-thien-tai", spike=True,
                         spike_min_count=2)
    # 5 stories in the 14 days before today (mean 5/14 ≈ 0.36 a day); 6 older ones do not count.
    for n, days_ago in enumerate([1, 3, 5, 9, 14, 15, 15, 15, 20, 20, 30]):
        publish(sources["hp"], 100 + n, noon(days_ago))
    today = [label(publish(sources["hp"], 200), themes=["su-co-thien-tai"]),
             label(publish(sources["tt"], 201, None), themes=["su-co-thien-tai"])]
    assert alerts.evaluate([a.pk for a in today]) == 1  # 2 stories: only the theme never seen before
    assert story_keys(new_theme) == {f"spike:{timezone.localdate().isoformat()}"}
    copy = publish(sources["tn"], 201)  # the same story again: still 2 stories
    assert alerts.evaluate([copy.pk]) == 0
    third = publish(sources["rt"], 202)
    assert alerts.evaluate([third.pk]) == 2  # 3 ≥ 2 × 0.36 and 3 ≥ 8 × 0.36; not 12 × 0.36
    assert Alert.objects.filter(rule=double).count() == Alert.objects.filter(rule=eightfold).count() == 1
    assert not Alert.objects.filter(rule=twelvefold).exists()
    reason = Alert.objects.get(rule=double).reason
    assert "3 câu chuyện" in reason and "0,4" in reason and timezone.localdate().strftime("%d/%m/%Y") in reason
    fourth = publish(sources["hp"], 203)
    assert alerts.evaluate([fourth.pk]) == 0  # once a day; and 4 < 12 × 0.36
    counts = alerts.daily_story_counts(double, timezone.localdate() - datetime.timedelta(days=14),
                                       timezone.localdate())
    assert counts[timezone.localdate()] == 4 and sum(counts.values()) == 9


def test_an_article_without_publication_time_counts_on_the_day_it_was_collected(sources, owner):
    rule = rule_for(owner, spike=True, spike_min_count=1)
    undated = publish(sources["hp"], 300, None)
    Article.objects.filter(pk=undated.pk).update(published_at=None)
    search.index_article_ids([undated.pk])
    assert alerts.evaluate([undated.pk]) == 1 and story_keys(rule) == {f"spike:{timezone.localdate().isoformat()}"}


# --- delivery ----------------------------------------------------------------------------------

def test_the_hourly_summary_sends_one_email_with_every_alert(sources, owner, make_person, mailbox):
    colleague = make_person(Role.CHUYEN_VIEN, "TTBCXB")
    rule = rule_for(owner, mode=AlertRule.Mode.HOURLY, by_app=False, by_email=True)
    rule.recipients.add(colleague)
    articles = [publish(sources["hp"], 400 + n, title=f"Cảng Lạch Huyện đón tàu thứ {n}") for n in range(3)]
    assert alerts.evaluate([a.pk for a in articles]) == 3
    assert mailbox.messages == [] and not Alert.objects.filter(delivered_at__isnull=False).exists()
    assert alerts.send_summaries() == 3
    (mail,) = mailbox.messages
    assert sorted(mail.recipients) == sorted([owner.email, colleague.email])
    assert mail["Subject"] == "[doingoai] Tổng hợp cảnh báo «Cảng Lạch Huyện»: 3 tin"
    for n in range(3):
        assert f"Cảng Lạch Huyện đón tàu thứ {n}" in mail.body
    assert "Lý do: Khớp tìm kiếm" in mail.body and articles[0].url in mail.body
    assert all(a.deliveries["email"]["ok"] and a.delivered_at for a in Alert.objects.all())
    assert AlertRule.objects.get(pk=rule.pk).last_summary_at is not None
    assert alerts.send_summaries() == 0 and len(mailbox.messages) == 1


def test_a_failing_channel_does_not_stop_the_others_and_is_retried_by_the_next_summary(
        sources, owner, mailbox, settings):
    settings.DOINGOAI_FETCH_ALLOW_LOOPBACK = True
    with webhook_receiver([500, 200]) as hook:
        rule = rule_for(owner, by_email=True, webhook_url=hook.url("/canh-bao"))
        mailbox.refuse = True
        article = publish(sources["hp"], 500)
        assert alerts.evaluate([article.pk]) == 1
        alert = Alert.objects.get(rule=rule)
        assert alert.deliveries["app"]["ok"] and Notification.objects.filter(user=owner).count() == 1
        assert not alert.deliveries["email"]["ok"] and not alert.deliveries["webhook"]["ok"]
        assert "500" in alert.deliveries["webhook"]["error"] and alert.delivered_at is not None
        assert "Thư điện tử: lỗi" in _alerts_page(owner)
        mailbox.refuse = False
        assert alerts.send_summaries() == 1
        alert.refresh_from_db()
        assert alert.deliveries["email"]["ok"] and alert.deliveries["email"]["attempts"] == 2
        assert alert.deliveries["webhook"]["ok"] and len(hook.received) == 2
        assert len(mailbox.messages) == 1 and Notification.objects.filter(user=owner).count() == 1
        assert alerts.send_summaries() == 0


def _alerts_page(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.get(reverse("monitoring_alerts")).content.decode()


def test_the_webhook_receives_the_rule_and_its_alerts_as_json(sources, owner, settings):
    settings.DOINGOAI_FETCH_ALLOW_LOOPBACK = True
    with webhook_receiver() as hook:
        rule = rule_for(owner, by_app=False, webhook_url=hook.url("/nhan"))
        first = publish(sources["hp"], 600)
        publish(sources["tt"], 600)
        alerts.evaluate([first.pk])
    (posted,) = hook.received
    assert posted.path == "/nhan" and posted.headers["content-type"] == "application/json"
    payload = posted.json
    assert payload["rule"] == {"id": rule.pk, "name": "Cảng Lạch Huyện", "saved_search": "Tìm Cảng Lạch Huyện"}
    (sent,) = payload["alerts"]
    assert sent["story_id"] == first.story_id and sent["title"] == "Cảng Lạch Huyện: tin số 600"
    assert sent["url"] == first.url and sent["outlet_count"] == 2 and sent["reason"].startswith("Khớp tìm kiếm")


def test_a_webhook_to_the_server_itself_is_refused_without_the_test_setting(sources, owner, settings):
    settings.DOINGOAI_FETCH_ALLOW_LOOPBACK = False
    with webhook_receiver() as hook:
        rule = rule_for(owner, webhook_url=hook.url("/nhan"))
        alerts.evaluate([publish(sources["hp"], 700).pk])
        assert hook.received == []
    outcome = Alert.objects.get(rule=rule).deliveries["webhook"]
    assert not outcome["ok"] and "loopback" in outcome["error"]
    with pytest.raises(alerts.WebhookError, match="mạng riêng"):
        alerts.post_webhook("http://10.0.0.7/nhan", {})


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_evaluates_the_rules_after_an_ingest_and_sends_the_email(
        sources, owner, subprocess_env, doingoai_bin, empty_queue):
    rule = rule_for(owner, by_email=True)
    with smtp_server() as mail:
        article = publish(sources["hp"], 800)  # ingest enqueues evaluate_alerts once committed
        try:
            env = {**subprocess_env, "EMAIL_URL": f"smtp://127.0.0.1:{mail.port}"}
            proc = subprocess.run([doingoai_bin, "worker", "--burst"], env=env, capture_output=True, text=True,
                                  timeout=120)
            assert proc.returncode == 0, proc.stdout + proc.stderr
        finally:
            search.remove([article.pk])
    alert = Alert.objects.get(rule=rule)
    assert alert.article_id == article.pk and alert.deliveries["email"]["ok"]
    (message,) = mail.messages
    assert message["Subject"] == f"[doingoai] Cảnh báo «Cảng Lạch Huyện»: {article.title}"


# --- screens -----------------------------------------------------------------------------------

def test_a_person_creates_a_rule_through_the_form_and_another_cannot_see_or_change_it(
        sources, owner, make_person, signed_in, client):
    saved, _ = alerts.save_search(owner, "Cảng biển", QUERY, {})
    signed_in(owner)
    page = client.get(reverse("monitoring_alert_rule_create"))
    assert page.status_code == 200 and "Môi trường" in page.content.decode()
    bad = client.post(reverse("monitoring_alert_rule_create"), {
        "name": "Sai", "saved_search": saved.pk, "min_outlets": 0, "spike_ratio": 2, "spike_min_count": 5,
        "mode": "immediate", "by_app": "on", "webhook_url": "ftp://example.com/x"})
    assert bad.status_code == 200 and "http" in bad.content.decode() and not AlertRule.objects.exists()
    data = {"name": "Tin xấu về cảng", "saved_search": saved.pk, "negative_only": "on", "theme": "kinh-te-dau-tu",
            "source_kind": "national", "min_outlets": 2, "spike_ratio": 2, "spike_min_count": 5,
            "mode": "hourly", "by_email": "on", "active": "on"}
    response = client.post(reverse("monitoring_alert_rule_create"), data)
    assert response.status_code == 302 and response["Location"] == reverse("monitoring_alert_rules")
    again = client.post(reverse("monitoring_alert_rule_create"), data)  # a second submit adds nothing
    assert "Bạn đã có một quy tắc cảnh báo tên «Tin xấu về cảng»" in again.content.decode()
    rule = AlertRule.objects.get(name="Tin xấu về cảng")
    assert rule.owner == owner and rule.negative_only and rule.theme == "kinh-te-dau-tu"
    assert "Tin xấu về cảng" in client.get(reverse("monitoring_alert_rules")).content.decode()

    other = make_person(Role.CHUYEN_VIEN, "TTBCXB")
    signed_in(other)
    assert "Tin xấu về cảng" not in client.get(reverse("monitoring_alert_rules")).content.decode()
    assert client.get(reverse("monitoring_alert_rule_edit", args=[rule.pk])).status_code == 404
    client.post(reverse("monitoring_alert_rule_edit", args=[rule.pk]), {**data, "name": "Của tôi"})
    client.post(reverse("monitoring_alert_rule_delete", args=[rule.pk]))
    assert AlertRule.objects.get(pk=rule.pk).name == "Tin xấu về cảng"

    signed_in(owner)
    assert client.post(reverse("monitoring_alert_rule_delete", args=[rule.pk])).status_code == 302
    assert client.post(reverse("monitoring_alert_rule_delete", args=[rule.pk])).status_code == 302
    assert not AlertRule.objects.exists()


def test_the_alerts_screen_shows_my_alerts_newest_first_and_not_others(sources, owner, make_person, signed_in):
    rule_for(owner)
    other = make_person(Role.CHUYEN_VIEN, "TTBCXB")
    rule_for(other, query="Lạch Huyện", name="Của người khác")
    older = publish(sources["hp"], 900, title="Cảng Lạch Huyện: tin cũ hơn")
    alerts.evaluate([older.pk])
    newer = publish(sources["hp"], 901, title="Cảng Lạch Huyện: tin mới hơn")
    alerts.evaluate([newer.pk])
    body = signed_in(owner).get(reverse("monitoring_alerts")).content.decode()
    assert body.index("tin mới hơn") < body.index("tin cũ hơn")
    assert "Của người khác" not in body and "Trong ứng dụng: thành công" in body
    assert reverse("monitoring_articles:inspect", args=[newer.pk]) in body


def test_the_screens_are_closed_to_the_system_administrator(make_person, signed_in):
    client = signed_in(make_person(Role.QUAN_TRI, "VPS"))
    for name in ("monitoring_alert_rules", "monitoring_alert_rule_create", "monitoring_alerts",
                 "monitoring_saved_searches"):
        assert client.get(reverse(name)).status_code == 403
