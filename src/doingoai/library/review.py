"""Removal and re-review of published items.

    review.remove(item, user, reason, legal_basis)          # unpublish, keep a tombstone
    review.review_queue(today=None) -> list[Due]            # what to look at again, and why
    review.record_review(item, user, outcome, note, legal_basis="")
    review.check_sources(now=None)                          # daily: did the source change?

Removing is a decision of a person who may publish or review (a leader of the department, a
Kiểm duyệt viên or a unit head): it needs a reason and its legal basis, unpublishes the item
(Wagtail's unpublish, logged by Wagtail too), keeps the row with its title, dates and the
removal note (the public page shows that tombstone; the files are no longer served, as
``access.can_view`` refuses a removed item) and writes ``library.removed`` to the audit log.
A removed item is never published again (``publishing.RemovedItemError``).

The re-review queue lists live items whose last review (or, never reviewed, their first
publication) is older than ``DOINGOAI_REVIEW_MONTHS`` months (12 by default), and items whose
source changed after their last review (``check_sources`` sets ``source_changed_at`` when a
monitored article's stored text no longer hashes as it did when captured, or the article is
gone). Every review is a ``Review`` row and a ``library.reviewed`` line of the audit log.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.actions.unpublish import UnpublishAction

from doingoai.core import audit, permissions

from . import publishing
from .access import can_use
from .models import Item, Review

__all__ = ["can_remove", "can_review", "remove", "Due", "review_queue", "due_count", "record_review",
           "check_sources", "removed_items", "months_ago"]

REMOVER_ROLES = frozenset({*permissions.REVIEWING_ROLES})


def can_remove(user) -> bool:
    """Leaders of the department, Kiểm duyệt viên and unit heads (of any unit) remove items."""
    if not can_use(user):
        return False
    return permissions.is_leader(user) or user.is_superuser or bool(permissions.unit_ids(user, REMOVER_ROLES))


can_review = can_remove


def _is_scheduled(item: Item) -> bool:
    return not item.live and item.revisions.filter(approved_go_live_at__isnull=False).exists()


def remove(item: Item, user, reason: str, legal_basis: str) -> Item:
    """Unpublish ``item`` (live or scheduled) for ``reason`` under ``legal_basis``; the row stays
    as a tombstone. Raises ``PermissionDenied`` or ``ValidationError`` (Vietnamese messages)."""
    if not can_remove(user):
        raise PermissionDenied(_("Chỉ lãnh đạo Sở, kiểm duyệt viên hoặc trưởng đơn vị được gỡ bỏ tài liệu."))
    reason, legal_basis = (reason or "").strip(), (legal_basis or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Xin nêu lý do gỡ bỏ.")
    if not legal_basis:
        errors["legal_basis"] = _("Xin nêu căn cứ pháp lý của việc gỡ bỏ (văn bản, điều khoản).")
    elif len(legal_basis) > 500:
        errors["legal_basis"] = _("Căn cứ pháp lý dài quá 500 ký tự.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Item.objects.select_for_update().get(pk=item.pk)
        if locked.removed_at is not None:
            raise ValidationError(_("Tài liệu này đã được gỡ bỏ lúc %(when)s.") % {
                "when": timezone.localtime(locked.removed_at).strftime("%d/%m/%Y %H:%M")})
        scheduled = _is_scheduled(locked)
        if not locked.live and not scheduled:
            raise ValidationError(_("Chỉ gỡ bỏ được tài liệu đã xuất bản hoặc đã hẹn giờ xuất bản; "
                                    "bản nháp thì sửa hoặc xóa."))
        was = publishing.status(locked)[0]
        state = locked.current_workflow_state
        if state is not None:
            state.cancel(user=user)
        locked.revisions.update(approved_go_live_at=None)
        now = timezone.now()
        locked.removed_at = now
        locked.removed_by = user
        locked.removal_reason = reason
        locked.removal_legal_basis = legal_basis
        if locked.live:
            # Saves the removal fields with it; the permission is ``can_remove``, checked above.
            UnpublishAction(locked, user=user).execute(skip_permission_checks=True)
        else:
            locked.save(update_fields=["removed_at", "removed_by", "removal_reason", "removal_legal_basis",
                                       "modified_at"])
        audit.record("library.removed", locked, user=user, changes={
            "trạng thái": [was, "removed"], "lý do": reason, "căn cứ pháp lý": legal_basis})
    return locked


# --- re-review -------------------------------------------------------------------------------

def months_ago(day: datetime.date, months: int) -> datetime.date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Due:
    item: Item
    reason: str  # "age" | "source"
    label: str
    since: datetime.datetime | None


def _cutoff(today: datetime.date | None) -> datetime.datetime:
    today = today or timezone.localdate()
    day = months_ago(today, settings.DOINGOAI_REVIEW_MONTHS)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _queue(today=None):
    cutoff = _cutoff(today)
    old = (Q(last_reviewed_at__isnull=True, first_published_at__lt=cutoff)
           | Q(last_reviewed_at__isnull=False, last_reviewed_at__lt=cutoff))
    changed = (Q(source_changed_at__isnull=False)
               & (Q(last_reviewed_at__isnull=True) | Q(source_changed_at__gt=F("last_reviewed_at"))))
    return Item.objects.filter(live=True, removed_at__isnull=True).filter(old | changed), cutoff


def review_queue(today: datetime.date | None = None) -> list[Due]:
    """Live items due for a re-review, the source changes first, then the oldest."""
    items, cutoff = _queue(today)
    found = []
    for item in items.select_related("owner_unit").order_by("first_published_at", "pk"):
        last = item.last_reviewed_at
        if item.source_changed_at and (last is None or item.source_changed_at > last):
            found.append(Due(item, "source", _("Nguồn đã thay đổi lúc %(when)s") % {
                "when": timezone.localtime(item.source_changed_at).strftime("%d/%m/%Y %H:%M")},
                item.source_changed_at))
        else:
            since = last or item.first_published_at
            if last:
                label = _("Rà soát lần cuối ngày %(day)s, quá %(n)s tháng")
            else:
                label = _("Xuất bản ngày %(day)s, quá %(n)s tháng chưa rà soát")
            found.append(Due(item, "age", label % {"day": timezone.localtime(since).strftime("%d/%m/%Y"),
                                                   "n": settings.DOINGOAI_REVIEW_MONTHS}, since))
    found.sort(key=lambda d: (d.reason != "source", d.since or timezone.now()))
    return found


def due_count(today: datetime.date | None = None) -> int:
    return _queue(today)[0].count()


@transaction.atomic
def record_review(item: Item, user, outcome: str, note: str = "", legal_basis: str = "") -> Review:
    """A person's re-review of a live item: kept, to be updated, or removed (which removes it,
    ``note`` being the reason). Takes it off the queue."""
    if not can_review(user):
        raise PermissionDenied(_("Chỉ lãnh đạo Sở, kiểm duyệt viên hoặc trưởng đơn vị được rà soát tài liệu."))
    if outcome not in Review.Outcome.values:
        raise ValidationError({"outcome": _("Kết quả rà soát không hợp lệ.")})
    note, legal_basis = (note or "").strip(), (legal_basis or "").strip()
    if outcome == Review.Outcome.UPDATED and not note:
        raise ValidationError({"note": _("Xin ghi rõ nội dung cần cập nhật.")})
    locked = Item.objects.select_for_update().get(pk=item.pk)
    if outcome == Review.Outcome.REMOVED:
        locked = remove(locked, user, note, legal_basis)
    elif locked.removed_at is not None or not locked.live:
        raise ValidationError(_("Chỉ rà soát tài liệu đang xuất bản."))
    now = timezone.now()
    review = Review.objects.create(item=locked, reviewer=user, at=now, outcome=outcome, note=note,
                                   legal_basis=legal_basis)
    fields = {"last_reviewed_at": now}
    if outcome != Review.Outcome.REMOVED and locked.source_article_id:
        # The reviewer has seen the source as it stands now: that is the new reference.
        article = locked.source_article
        if article is not None:
            fields["source_hash"] = publishing.text_hash(article.text)
    Item.objects.filter(pk=locked.pk).update(**fields)
    for name, value in fields.items():
        setattr(locked, name, value)
    audit.record("library.reviewed", locked, user=user, changes={
        "kết quả": outcome, "ghi chú": note, "căn cứ pháp lý": legal_basis})
    return review


def check_sources(now: datetime.datetime | None = None) -> int:
    """Items made from a monitored article whose stored text changed since capture (or whose
    article is gone) get ``source_changed_at``; returns how many were newly marked."""
    now = now or timezone.now()
    marked = 0
    candidates = (Item.objects.filter(removed_at__isnull=True, live=True)
                  .exclude(source_hash="")
                  .filter(Q(source_article__isnull=False) | Q(kind="article", source__startswith="http"))
                  .select_related("source_article"))
    for item in candidates.iterator():
        article = item.source_article
        if article is None:
            if not item.source_changed_at and item.source.startswith("http") and _was_from_article(item):
                marked += _mark(item, now, _("bài báo nguồn không còn"))
            continue
        if publishing.text_hash(article.text) != item.source_hash:
            if not item.source_changed_at or (item.last_reviewed_at and item.source_changed_at < item.last_reviewed_at):
                marked += _mark(item, now, _("nội dung bài báo nguồn đã thay đổi"))
    return marked


def _was_from_article(item: Item) -> bool:
    """An item captured from an article whose row was deleted (``source_article`` set null)."""
    return item.files.filter(mime="text/html", name__startswith="bai-bao-").exists()


def _mark(item: Item, now, why: str) -> int:
    done = Item.objects.filter(pk=item.pk).update(source_changed_at=now)
    if done:
        audit.record("library.source_changed", item, user=None, changes={"lý do": why})
    return done


def removed_items():
    """The tombstones, latest removal first."""
    return Item.objects.filter(removed_at__isnull=False).select_related("removed_by").order_by("-removed_at")
