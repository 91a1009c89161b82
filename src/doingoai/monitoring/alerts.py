"""Saved searches and alert rules: the last stage of the pipeline (… → store → index → alerts).

A saved search is the query and the other fields of the search screen, as submitted (rebuilt
into ``search.Filters`` by the search form itself). An alert rule is a saved search plus
conditions; ``evaluate`` runs after each ingest on the newly stored articles:

* a story rule alerts once per story (``Alert.key`` = "story:<id>", unique per rule) when an
  article of the story matches the saved search and the conditions (negative sentiment, a
  theme, a kind of source) and the story is carried by at least ``min_outlets`` outlets — a
  story that reaches that number when a later copy arrives alerts then;
* a spike rule (``spike``) counts the stories matching the search and the conditions per day of
  the platform's time zone (publication time, else collection time — as the statistics do) and
  alerts once a day ("spike:<yyyy-mm-dd>") when today's count is at least ``spike_min_count``
  and ``spike_ratio`` times the mean of the 14 days before (a baseline of 0: the minimum
  count is enough).

Delivery: in the app, by e-mail, by webhook (POST JSON, through the platform's safe fetcher:
public addresses only). ``IMMEDIATE`` rules deliver at once, ``HOURLY`` rules are delivered by
``send_summaries`` (one message per rule, every undelivered alert). Each channel's outcome is
kept in ``Alert.deliveries``; a failed channel is tried again by the next summaries (up to
``MAX_ATTEMPTS``) without sending again what succeeded.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doingoai.core import audit, notify

from . import search
from .labels import theme_names
from .models import Alert, AlertRule, Article, SavedSearch, Source

logger = logging.getLogger("doingoai.monitoring.alerts")

BASELINE_DAYS = 14
MAX_ATTEMPTS = 3  # tries of one channel for one alert
RETRY_WINDOW = datetime.timedelta(hours=24)
WEBHOOK_TIMEOUT = 10.0
_CHUNK = 2000

CHANNEL_APP, CHANNEL_EMAIL, CHANNEL_WEBHOOK = "app", "email", "webhook"
CHANNEL_LABELS = {CHANNEL_APP: gettext_lazy("Trong ứng dụng"), CHANNEL_EMAIL: gettext_lazy("Thư điện tử"),
                  CHANNEL_WEBHOOK: gettext_lazy("Webhook")}


# --- saved searches ----------------------------------------------------------------------------

def _filter_fields() -> list[str]:
    from .forms import SearchForm

    return [name for name in SearchForm.base_fields if name != "q"]


def params_of(cleaned_data: dict) -> dict:
    """The filters of a valid search form as stored in ``SavedSearch.filters``: strings and
    lists of strings (dates in ISO form), empty fields left out."""
    out: dict = {}
    for name in _filter_fields():
        value = cleaned_data.get(name)
        if value is None or value == "" or value is False:
            continue
        if isinstance(value, datetime.date):
            value = value.isoformat()
        elif hasattr(value, "values_list"):  # a queryset (sources)
            value = [str(pk) for pk in value.values_list("pk", flat=True)]
        elif isinstance(value, list | tuple):
            value = [str(v) for v in value]
        elif value is True:
            value = "on"
        if value in ([], ""):
            continue
        out[name] = value
    return out


def search_form(saved: SavedSearch):
    """The search form filled with a saved search (sources deleted since are left out)."""
    from .forms import SearchForm

    data = {"q": saved.query, **(saved.filters or {})}
    if data.get("source"):
        wanted = [str(s) for s in data["source"] if str(s).isdigit()]
        data["source"] = [str(pk) for pk in Source.objects.filter(pk__in=wanted).values_list("pk", flat=True)]
    return SearchForm(data=data)


def query_of(saved: SavedSearch) -> tuple[str, search.Filters]:
    """(query, Filters) of a saved search, as the search screen would run it. Raises
    ``search.QueryError`` when the stored fields are no longer valid."""
    form = search_form(saved)
    if not form.is_valid():
        problems = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        raise search.QueryError(_("Tìm kiếm đã lưu «%(name)s» không hợp lệ: %(problems)s")
                                % {"name": saved.name, "problems": problems})
    return form.cleaned_data.get("q") or "", form.filters()


def search_url(saved: SavedSearch) -> str:
    """The search screen running this saved search."""
    params = {"q": saved.query, **(saved.filters or {})}
    return reverse("monitoring_search") + "?" + urlencode(params, doseq=True)


def visible_searches(user):
    """The saved searches ``user`` sees: her own and those shared by others."""
    return (SavedSearch.objects.filter(Q(owner=user) | Q(shared=True))
            .select_related("owner").order_by("name", "id"))


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Hãy đặt tên cho tìm kiếm."))
    if len(name) > 200:
        raise ValidationError(_("Tên tìm kiếm dài quá 200 ký tự."))
    return name


def save_search(user, name: str, query: str, filters: dict, shared: bool = False) -> tuple[SavedSearch, bool]:
    """Keep a search under ``name``. Returns (saved search, created). Saving the same search
    again under the same name (a double submit) returns the existing one; another search under
    a name already used is refused."""
    name = _check_name(name)
    query = (query or "").strip()
    if not query:
        raise ValidationError(_("Chỉ lưu được một tìm kiếm có từ khóa."))
    try:
        search.parse_query(query)
    except search.QueryError as exc:
        raise ValidationError(str(exc)) from None
    existing = SavedSearch.objects.filter(owner=user, name=name).first()
    if existing is None:
        try:
            with transaction.atomic():
                saved = SavedSearch.objects.create(owner=user, name=name, query=query, filters=filters,
                                                   shared=shared)
                audit.record("create", saved, changes={"tên": name, "câu tìm kiếm": query, "bộ lọc": filters})
            return saved, True
        except IntegrityError:  # the same name saved at the same moment
            existing = SavedSearch.objects.get(owner=user, name=name)
    if existing.query == query and existing.filters == filters:
        return existing, False
    raise ValidationError(_("Bạn đã có một tìm kiếm tên «%(name)s»; hãy chọn tên khác.") % {"name": name})


def _own(saved: SavedSearch, user) -> None:
    if saved.owner_id != user.pk:
        raise PermissionDenied(_("Chỉ người tạo được sửa hoặc xóa tìm kiếm này."))


def rename_search(saved: SavedSearch, user, name: str) -> SavedSearch:
    _own(saved, user)
    name = _check_name(name)
    if name == saved.name:
        return saved
    if SavedSearch.objects.filter(owner=user, name=name).exclude(pk=saved.pk).exists():
        raise ValidationError(_("Bạn đã có một tìm kiếm tên «%(name)s»; hãy chọn tên khác.") % {"name": name})
    before = saved.name
    saved.name = name
    try:
        with transaction.atomic():
            saved.save(update_fields=["name", "updated_at"])
            audit.record("update", saved, changes={"tên": [before, name]})
    except IntegrityError:
        raise ValidationError(_("Bạn đã có một tìm kiếm tên «%(name)s»; hãy chọn tên khác.") % {"name": name}) from None
    return saved


def share_search(saved: SavedSearch, user, shared: bool) -> SavedSearch:
    _own(saved, user)
    if saved.shared != bool(shared):
        with transaction.atomic():
            saved.shared = bool(shared)
            saved.save(update_fields=["shared", "updated_at"])
            audit.record("update", saved, changes={"dùng chung": [not saved.shared, saved.shared]})
    return saved


def delete_search(saved: SavedSearch, user) -> None:
    """Delete a saved search and the owner's rules built on it; refused while other people's
    rules use it."""
    _own(saved, user)
    if saved.rules.exclude(owner=user).exists():
        raise ValidationError(_("Không xóa được: quy tắc cảnh báo của người khác đang dùng tìm kiếm này. "
                                "Hãy thôi dùng chung thay vì xóa."))
    with transaction.atomic():
        audit.record("delete", saved, changes={"tên": saved.name, "câu tìm kiếm": saved.query})
        saved.delete()


# --- alert rules -------------------------------------------------------------------------------

def rules_of(user):
    return AlertRule.objects.filter(owner=user).select_related("saved_search").order_by("name", "id")


def _rule_values(rule: AlertRule) -> dict:
    values = {f.name: f.value_from_object(rule) for f in rule._meta.concrete_fields
              if f.name not in ("id", "last_summary_at", "created_at")}
    values["recipients"] = sorted(rule.recipients.values_list("pk", flat=True)) if rule.pk else []
    return values


def save_rule(form, user) -> AlertRule:
    """Store a valid rule form (a new rule belongs to ``user``; only its owner changes a rule)."""
    rule = form.instance
    creating = rule.pk is None
    if creating:
        rule.owner = user
    elif rule.owner_id != user.pk:
        raise PermissionDenied(_("Chỉ người tạo được sửa quy tắc cảnh báo này."))
    before = {} if creating else _rule_values(AlertRule.objects.get(pk=rule.pk))
    with transaction.atomic():
        rule = form.save()
        after = _rule_values(rule)
        if creating:
            audit.record("create", rule, changes={k: [None, v] for k, v in after.items() if v not in (None, "", [])})
        else:
            changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
            if changes:
                audit.record("update", rule, changes=changes)
    return rule


def delete_rule(rule: AlertRule, user) -> None:
    if rule.owner_id != user.pk:
        raise PermissionDenied(_("Chỉ người tạo được xóa quy tắc cảnh báo này."))
    with transaction.atomic():
        audit.record("delete", rule, changes={"tên": rule.name, "tìm kiếm": rule.saved_search_id})
        rule.delete()


def alerts_of(user):
    """The alerts of ``user``'s rules, newest first."""
    return (Alert.objects.filter(rule__owner=user)
            .select_related("rule", "story", "article", "article__source").order_by("-created_at", "-id"))


def channel_outcomes(alert: Alert) -> list[tuple[str, bool, str]]:
    """(channel label, succeeded, detail) of each channel tried for ``alert``."""
    out = []
    for channel, label in CHANNEL_LABELS.items():
        outcome = (alert.deliveries or {}).get(channel)
        if outcome:
            out.append((str(label), bool(outcome.get("ok")), outcome.get("error") or outcome.get("detail") or ""))
    return out


# --- evaluation --------------------------------------------------------------------------------

def volume_day(article: Article) -> datetime.date:
    """The day an article counts for in volumes: publication, else collection, local time."""
    return timezone.localdate(article.counted_at or timezone.now())


def theme_label(code: str) -> str:
    return theme_names().get(code, code)


def _conditions_hold(rule: AlertRule, article: Article) -> bool:
    """The conditions on the article itself (the outlet count is the story's)."""
    if rule.negative_only and article.sentiment != Article.Sentiment.NEGATIVE:
        return False
    if rule.theme and rule.theme not in (article.themes or []):
        return False
    if rule.source_kind and (article.source is None or article.source.kind != rule.source_kind):
        return False
    return True


def _reason(rule: AlertRule, article: Article) -> str:
    parts = [_("khớp tìm kiếm «%(name)s»") % {"name": rule.saved_search.name}]
    if rule.negative_only:
        parts.append(_("sắc thái tiêu cực"))
    if rule.theme:
        parts.append(_("chủ đề «%(theme)s»") % {"theme": theme_label(rule.theme)})
    if rule.source_kind:
        parts.append(_("nguồn: %(kind)s") % {"kind": Source.Kind(rule.source_kind).label})
    outlets = article.story.outlet_count if article.story_id else (1 if article.source_id else 0)
    if rule.min_outlets > 1:
        parts.append(_("%(n)d cơ quan báo chí đã đăng (ngưỡng %(min)d)") % {"n": outlets, "min": rule.min_outlets})
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def _matches(query: str, filters: search.Filters, ids: Iterable[int]) -> set[int]:
    """Which of ``ids`` match the query and filters (asked of the index, a chunk at a time)."""
    ids = sorted(set(ids))
    found: set[int] = set()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        found.update(search.iter_matches(query, dataclasses.replace(filters, ids=chunk)))
    return found


def _story_key(article: Article) -> str:
    return f"story:{article.story_id}" if article.story_id else f"article:{article.pk}"


def _create(rule: AlertRule, key: str, reason: str, article: Article | None) -> Alert | None:
    """The alert, or None when this rule already alerted under ``key``."""
    try:
        with transaction.atomic():
            return Alert.objects.create(rule=rule, key=key, reason=reason, article=article,
                                        story=article.story if article is not None and article.story_id else None)
    except IntegrityError:
        return None


def _story_alerts(rule: AlertRule, query: str, filters: search.Filters, new: dict[int, Article]) -> list[Alert]:
    keys = {_story_key(a) for a in new.values()}
    done = set(Alert.objects.filter(rule=rule, key__in=keys).values_list("key", flat=True))
    fresh = {pk: a for pk, a in new.items() if _story_key(a) not in done}
    if not fresh:
        return []
    candidates = dict(fresh)
    if rule.min_outlets > 1:
        # A story reaching the threshold with this copy alerts even when the copy that matches
        # the search arrived earlier.
        grown = {a.story_id for a in fresh.values() if a.story_id and a.story.outlet_count >= rule.min_outlets}
        if grown:
            older = Article.objects.filter(story_id__in=grown).exclude(pk__in=list(candidates))
            candidates.update({a.pk: a for a in older.select_related("source", "story")})
    matched = _matches(query, filters, candidates)
    by_story: dict[str, list[Article]] = defaultdict(list)
    for pk in sorted(matched):
        article = candidates[pk]
        if not _conditions_hold(rule, article):
            continue
        outlets = article.story.outlet_count if article.story_id else (1 if article.source_id else 0)
        if outlets < rule.min_outlets:
            continue
        by_story[_story_key(article)].append(article)
    created = []
    for key, articles in by_story.items():
        article = next((a for a in articles if a.pk in fresh), articles[0])
        alert = _create(rule, key, _reason(rule, article), article)
        if alert is not None:
            created.append(alert)
    return created


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def daily_story_counts(rule: AlertRule, first: datetime.date, last: datetime.date,
                       query_filters: tuple[str, search.Filters] | None = None) -> dict[datetime.date, int]:
    """Per day from ``first`` to ``last``: how many stories have an article of that day
    (``volume_day``) that matches the rule's search and conditions."""
    query, filters = query_filters or query_of(rule.saved_search)
    start, end = _day_start(first), _day_start(last + datetime.timedelta(days=1))
    window = (Article.objects
              .filter(Q(published_at__gte=start, published_at__lt=end)
                      | Q(published_at__isnull=True, fetched_at__gte=start, fetched_at__lt=end))
              .select_related("source").only("id", "story_id", "published_at", "fetched_at", "sentiment", "themes",
                                             "source__kind"))
    articles = {a.pk: a for a in window.iterator(chunk_size=_CHUNK)}
    stories: dict[datetime.date, set] = defaultdict(set)
    for pk in _matches(query, filters, articles):
        article = articles[pk]
        if _conditions_hold(rule, article):
            stories[volume_day(article)].add(article.story_id or f"article:{pk}")
    return {first + datetime.timedelta(days=n): len(stories.get(first + datetime.timedelta(days=n), ()))
            for n in range((last - first).days + 1)}


def _spike_alert(rule: AlertRule, query: str, filters: search.Filters, new: dict[int, Article]) -> list[Alert]:
    today = timezone.localdate()
    key = f"spike:{today.isoformat()}"
    todays = [pk for pk, a in new.items() if volume_day(a) == today and _conditions_hold(rule, a)]
    if not todays or Alert.objects.filter(rule=rule, key=key).exists() or not _matches(query, filters, todays):
        return []
    # Today's count first: below the minimum, the 14 days before need not be read.
    count = daily_story_counts(rule, today, today, (query, filters))[today]
    if count < rule.spike_min_count:
        return []
    before = daily_story_counts(rule, today - datetime.timedelta(days=BASELINE_DAYS),
                                today - datetime.timedelta(days=1), (query, filters))
    baseline = sum(before.values()) / BASELINE_DAYS
    if baseline > 0 and count < rule.spike_ratio * baseline:
        return []
    reason = _("Số tin khớp tìm kiếm «%(name)s» tăng đột biến ngày %(day)s: %(count)d câu chuyện, "
               "trung bình %(days)d ngày trước là %(baseline)s.") % {
        "name": rule.saved_search.name, "day": today.strftime("%d/%m/%Y"), "count": count,
        "days": BASELINE_DAYS, "baseline": f"{baseline:.1f}".replace(".", ","),
    }
    alert = _create(rule, key, reason, None)
    return [alert] if alert is not None else []


def evaluate(article_ids: Iterable[int]) -> int:
    """Check the newly stored articles against every active rule; create the alerts and
    deliver those of ``IMMEDIATE`` rules. Returns how many alerts were created."""
    ids = sorted({int(i) for i in article_ids})
    if not ids:
        return 0
    rules = list(AlertRule.objects.filter(active=True).select_related("saved_search", "owner"))
    if not rules:
        return 0
    new = {a.pk: a for a in Article.objects.filter(pk__in=ids).select_related("source", "story")}
    if not new:
        return 0
    total = 0
    for rule in rules:
        try:
            query, filters = query_of(rule.saved_search)
            made = (_spike_alert if rule.spike else _story_alerts)(rule, query, filters, new)
        except search.QueryError as exc:
            logger.warning("Quy tắc cảnh báo %s bị bỏ qua: %s", rule.pk, exc)
            continue
        total += len(made)
        if made and rule.mode == AlertRule.Mode.IMMEDIATE:
            deliver(rule, made)
    return total


# --- delivery ----------------------------------------------------------------------------------

def _absolute(path: str) -> str:
    return str(getattr(settings, "WAGTAILADMIN_BASE_URL", "")).rstrip("/") + path


def recipients_of(rule: AlertRule) -> list:
    people = {rule.owner.pk: rule.owner}
    people.update({u.pk: u for u in rule.recipients.all()})
    return [u for u in people.values() if u.is_active]


def channels_of(rule: AlertRule) -> list[str]:
    out = []
    if rule.by_app:
        out.append(CHANNEL_APP)
    if rule.by_email:
        out.append(CHANNEL_EMAIL)
    if rule.webhook_url:
        out.append(CHANNEL_WEBHOOK)
    return out


def _title(alert: Alert) -> str:
    if alert.story_id:
        return alert.story.title
    if alert.article_id:
        return alert.article.title
    return alert.reason


def _article_link(alert: Alert) -> str:
    if alert.article_id:
        return _absolute(reverse("monitoring_articles:inspect", args=[alert.article_id]))
    return _absolute(search_url(alert.rule.saved_search))


def _lines(alert: Alert, number: int | None = None) -> list[str]:
    head = f"{number}. " if number is not None else ""
    lines = [head + _title(alert)]
    article = alert.article
    if article is not None:
        meta = [article.source.name if article.source_id else "—"]
        if article.published_at:
            meta.append(timezone.localtime(article.published_at).strftime("%d/%m/%Y %H:%M"))
        if alert.story_id:
            meta.append(_("%(n)d cơ quan báo chí đăng") % {"n": alert.story.outlet_count})
        lines.append("   " + " · ".join(meta))
    lines.append("   " + _("Lý do: %(reason)s") % {"reason": alert.reason})
    if article is not None:
        lines.append("   " + _("Bài gốc: %(url)s") % {"url": article.url})
    lines.append("   " + _("Xem trên hệ thống: %(url)s") % {"url": _article_link(alert)})
    return lines


def _message(rule: AlertRule, alerts: list[Alert]) -> tuple[str, str]:
    """(subject, plain-text body) of one message about ``alerts`` of ``rule``."""
    if len(alerts) == 1:
        subject = _("Cảnh báo «%(rule)s»: %(title)s") % {"rule": rule.name, "title": _title(alerts[0])[:150]}
        body = _lines(alerts[0])
    else:
        subject = _("Tổng hợp cảnh báo «%(rule)s»: %(n)d tin") % {"rule": rule.name, "n": len(alerts)}
        body = []
        for number, alert in enumerate(alerts, 1):
            body += [*_lines(alert, number), ""]
    text = "\n".join([
        _("Quy tắc cảnh báo: %(rule)s") % {"rule": rule.name},
        _("Tìm kiếm: %(name)s (%(query)s)") % {"name": rule.saved_search.name, "query": rule.saved_search.query},
        "", *[line.rstrip() for line in body], "",
        _("Thư gửi tự động từ hệ thống theo dõi báo chí. Quản lý quy tắc cảnh báo: %(url)s")
        % {"url": _absolute(reverse("monitoring_alert_rules"))},
    ])
    return subject, text.replace("\n\n\n", "\n\n")


def _send_app(rule: AlertRule, alerts: list[Alert], people: list) -> str:
    subject, body = _message(rule, alerts)
    url = reverse("monitoring_alerts")
    if len(alerts) == 1:
        key = f"canh-bao:{alerts[0].pk}"
        if alerts[0].article_id:
            url = reverse("monitoring_articles:inspect", args=[alerts[0].article_id])
    else:
        digest = hashlib.sha256(",".join(str(a.pk) for a in alerts).encode()).hexdigest()[:24]
        key = f"canh-bao-tong-hop:{rule.pk}:{digest}"
    sent = notify.in_app(people, subject, body, url, key)
    return _("%(n)d người nhận") % {"n": sent}


def _send_email(rule: AlertRule, alerts: list[Alert], people: list) -> str:
    subject, body = _message(rule, alerts)
    sent = notify.email(people, subject, body)
    if not sent:
        return _("không có địa chỉ thư nào")
    return _("đã gửi tới %(n)d địa chỉ") % {"n": len({u.email for u in people if u.email})}


class WebhookError(Exception):
    pass


def webhook_payload(rule: AlertRule, alerts: list[Alert]) -> dict:
    return {
        "rule": {"id": rule.pk, "name": rule.name, "saved_search": rule.saved_search.name},
        "sent_at": timezone.now().isoformat(),
        "alerts": [{
            "id": a.pk,
            "key": a.key,
            "story_id": a.story_id,
            "title": _title(a),
            "url": a.article.url if a.article_id else _absolute(search_url(rule.saved_search)),
            "link": _article_link(a),
            "outlet_count": a.story.outlet_count if a.story_id else None,
            "reason": a.reason,
            "created_at": a.created_at.isoformat(),
        } for a in alerts],
    }


def post_webhook(url: str, payload: dict) -> int:
    """POST ``payload`` as JSON to ``url`` through the safe fetcher's client: http(s) only, and
    refused before connecting when the host resolves to a non-public address (loopback only
    with ``DOINGOAI_FETCH_ALLOW_LOOPBACK``). Returns the status; raises ``WebhookError``."""
    import httpx

    from .pipeline import fetch

    try:
        target = httpx.URL(url.strip())
        host = target.raw_host.decode("ascii")
    except (httpx.InvalidURL, UnicodeError, ValueError, TypeError) as exc:
        raise WebhookError(_("Địa chỉ webhook không hợp lệ (%(error)s).") % {"error": exc}) from None
    if target.scheme not in ("http", "https") or not host:
        raise WebhookError(_("Địa chỉ webhook phải là http hoặc https."))
    if target.userinfo:
        raise WebhookError(_("Địa chỉ webhook không được kèm tên đăng nhập/mật khẩu."))
    timeout = fetch.Timeouts(connect=WEBHOOK_TIMEOUT, read=WEBHOOK_TIMEOUT, total=WEBHOOK_TIMEOUT)
    policy = fetch.FetchPolicy(timeout=timeout, retries=0)
    port = target.port or (443 if target.scheme == "https" else 80)
    try:
        addresses = fetch.resolve_public(host, port, allow_loopback=policy.allow_loopback)
    except fetch.BlockedAddress as exc:
        raise WebhookError(exc.message) from None
    except Exception as exc:  # DNS failure
        raise WebhookError(str(exc)) from None
    with fetch.make_client(policy) as client:
        client.pins.set(host, addresses)
        try:
            response = client.post(target, json=payload, headers={"User-Agent": "doingoai/1.0 (canh bao bao chi)"})
        except fetch.BlockedAddress as exc:
            raise WebhookError(exc.message) from None
        except httpx.HTTPError as exc:
            raise WebhookError(_("Không gửi được webhook: %(error)s") % {"error": exc}) from None
    if not 200 <= response.status_code < 300:
        raise WebhookError(_("Máy nhận webhook trả lời mã %(status)d.") % {"status": response.status_code})
    return response.status_code


def _send_webhook(rule: AlertRule, alerts: list[Alert], people: list) -> str:
    status = post_webhook(rule.webhook_url, webhook_payload(rule, alerts))
    return _("máy nhận trả lời mã %(status)d") % {"status": status}


_SENDERS = {CHANNEL_APP: _send_app, CHANNEL_EMAIL: _send_email, CHANNEL_WEBHOOK: _send_webhook}


def _needs(alert: Alert, channel: str) -> bool:
    outcome = (alert.deliveries or {}).get(channel)
    return not outcome or (not outcome.get("ok") and int(outcome.get("attempts", 0)) < MAX_ATTEMPTS)


def deliver(rule: AlertRule, alerts: list[Alert]) -> dict[str, bool]:
    """Send ``alerts`` of ``rule`` (one message per channel) by each channel that still needs
    it; a failing channel does not stop the others. Returns {channel: succeeded}."""
    alerts = [a for a in alerts if a is not None]
    if not alerts:
        return {}
    people = recipients_of(rule)
    now = timezone.now()
    results: dict[str, bool] = {}
    for channel in channels_of(rule):
        todo = [a for a in alerts if _needs(a, channel)]
        if not todo:
            continue
        try:
            outcome = {"ok": True, "detail": _SENDERS[channel](rule, todo, people)}
        except Exception as exc:  # any failure of an outside party is recorded
            logger.warning("Cảnh báo của quy tắc %s không gửi được qua %s: %s", rule.pk, channel, exc)
            outcome = {"ok": False, "error": str(exc)[:500] or exc.__class__.__name__}
        results[channel] = outcome["ok"]
        for alert in todo:
            attempts = int(((alert.deliveries or {}).get(channel) or {}).get("attempts", 0)) + 1
            alert.deliveries = {**(alert.deliveries or {}), channel: {**outcome, "at": now.isoformat(),
                                                                       "attempts": attempts}}
    for alert in alerts:
        alert.delivered_at = alert.delivered_at or now
    Alert.objects.bulk_update(alerts, ["deliveries", "delivered_at"])
    return results


def send_summaries() -> int:
    """One message per rule (and channel) with every alert not delivered yet — the alerts of
    ``HOURLY`` rules — and the alerts whose delivery failed on a channel (tried again up to
    ``MAX_ATTEMPTS`` times within ``RETRY_WINDOW``). Returns how many alerts were sent."""
    now = timezone.now()
    failed = Q(deliveries__app__ok=False) | Q(deliveries__email__ok=False) | Q(deliveries__webhook__ok=False)
    pending = (Alert.objects.filter(rule__active=True)
               .filter(Q(delivered_at__isnull=True) | (Q(created_at__gte=now - RETRY_WINDOW) & failed))
               .select_related("rule", "rule__saved_search", "rule__owner", "story", "article", "article__source")
               .order_by("rule_id", "created_at", "id"))
    by_rule: dict[int, list[Alert]] = defaultdict(list)
    for alert in pending:
        if alert.delivered_at is None or any(_needs(alert, c) for c in channels_of(alert.rule)):
            by_rule[alert.rule_id].append(alert)
    sent = 0
    for alerts in by_rule.values():
        rule = alerts[0].rule
        deliver(rule, alerts)
        if rule.mode == AlertRule.Mode.HOURLY:
            AlertRule.objects.filter(pk=rule.pk).update(last_summary_at=now)
        sent += len(alerts)
    return sent
