"""The editorial side of the library: the workflow "Duyệt tài liệu thư viện", who may do what
with items, the evidence that publication leaves on task 5 of the plan, and the drafts made
from a monitored article or from an entry of the argument library.

    publishing.ensure_workflow()                  # workflow, tasks, role permissions (idempotent)
    publishing.status(item)                       # ("draft"|"moderation"|"scheduled"|"published"|"removed", label)
    publishing.draft_from_article(article, user)  # (item, created)
    publishing.draft_from_argument(argument, user)

Items are Wagtail snippets (``viewsets.ItemViewSet``): drafts, revisions and their comparison,
locking, scheduled publishing (``go_live_at``/``expire_at``, published by Wagtail's
``publish_scheduled`` command) and the workflow come from Wagtail. The workflow has three
steps: "Biên tập" (Biên tập viên), "Kiểm duyệt" (Kiểm duyệt viên, Trưởng đơn vị) and "Lãnh
đạo duyệt" (Lãnh đạo Sở); the last approval publishes. Steps and groups are changed in
Wagtail's own Settings → Workflows screen; ``ensure_workflow`` creates them once and never
overwrites what staff configured. Only leaders hold the publish permission, so nobody below
them skips a step; and nobody approves a step of an item she submitted or already approved at
an earlier step (``may_act``), so that three different people stand behind a publication.

A removed item (``review.remove``) keeps its row as a tombstone and is never published again:
publishing it raises ``RemovedItemError``; bringing the content back means a new item through
the whole workflow.

Fields that the machine or the review keep (processing state, the source's hash, the review
and removal notes …) are not the editors': a revision made before a background job or a
re-review finished must not put old values back when it is published (``SYSTEM_FIELDS``).
The text is the editors' (OCR corrections), except that a revision whose text is empty does
not wipe a text the OCR delivered later.
"""

from __future__ import annotations

import hashlib
import html
import re

from django.apps import apps as django_apps
from django.db import IntegrityError, transaction
from django.db.models.signals import post_migrate, pre_save
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.signals import published

from doingoai.core import audit, permissions, seed
from doingoai.core.models import Role
from doingoai.plans import evidence

from .models import Item, ItemFile, Kind

__all__ = [
    "EVIDENCE_SOURCE", "WORKFLOW_NAME", "TASKS", "ITEM_PERMISSIONS", "SYSTEM_FIELDS", "RemovedItemError",
    "ensure_workflow", "status", "may_act", "in_my_tasks", "record_publication",
    "draft_from_article", "draft_from_argument", "text_hash", "captured_copy",
]

EVIDENCE_SOURCE = "library.item"
evidence.register_source(EVIDENCE_SOURCE, "Tài liệu thư viện điện tử đã xuất bản", (5,))

WORKFLOW_NAME = "Duyệt tài liệu thư viện"
# (task name, roles whose groups approve it), in order.
TASKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Biên tập", (Role.BIEN_TAP_VIEN,)),
    ("Kiểm duyệt", (Role.KIEM_DUYET_VIEN, Role.TRUONG_DON_VI)),
    ("Lãnh đạo duyệt", (Role.LANH_DAO,)),
)

# Who may do what with items (Django permissions of the role groups). Every editing role
# writes drafts and submits them; reviewers also lock; only leaders publish (the last step
# publishes with the approver's permission). Deleting is for drafts never published (a hook
# refuses the rest: a published item is removed, with its tombstone, never deleted).
_WRITE = ["library.add_item", "library.change_item", "library.view_item", "library.view_collection"]
_LOCK = ["library.lock_item", "library.unlock_item"]
_COLLECTIONS = ["library.add_collection", "library.change_collection"]
ITEM_PERMISSIONS: dict[str, list[str]] = {
    Role.CHUYEN_VIEN: _WRITE,
    Role.BIEN_TAP_VIEN: _WRITE + _COLLECTIONS,
    Role.THANH_TRA_VIEN: _WRITE,
    Role.KIEM_DUYET_VIEN: _WRITE + _LOCK,
    Role.TRUONG_DON_VI: _WRITE + _LOCK + _COLLECTIONS + ["library.delete_item", "library.delete_collection"],
    Role.LANH_DAO: _WRITE + _LOCK + _COLLECTIONS + ["library.delete_item", "library.delete_collection",
                                                    "library.publish_item"],
}
# Kept by ``core.permissions.ensure_role_groups`` (which sets each group's permissions anew).
for _role, _perms in ITEM_PERMISSIONS.items():
    for _perm in _perms:
        if _perm not in permissions.ROLE_GROUP_PERMISSIONS[_role]:
            permissions.ROLE_GROUP_PERMISSIONS[_role].append(_perm)

SYSTEM_FIELDS = (
    "processing", "progress", "processing_error", "pages", "ocr", "source_hash", "source_changed_at",
    "last_reviewed_at", "removed_at", "removed_by", "removal_reason", "removal_legal_basis",
    "created_by", "created_at", "source_article", "source_argument",
)


class RemovedItemError(Exception):
    """A removed item cannot be published again."""

    def __init__(self, item=None):
        super().__init__(_("Tài liệu đã bị gỡ bỏ; không thể xuất bản lại. Muốn đưa nội dung trở lại, "
                           "xin tạo tài liệu mới và trình duyệt từ đầu."))
        self.item = item


# --- the workflow and the permissions --------------------------------------------------------

def _groups(roles):
    from django.contrib.auth.models import Group

    with translation.override("vi"):
        return [Group.objects.get_or_create(name=permissions.group_name(role))[0] for role in roles]


def _permissions(perms):
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    found = []
    for perm in perms:
        app_label, codename = perm.split(".")
        model = django_apps.get_model(app_label, codename.split("_", 1)[1])
        content_type = ContentType.objects.get_for_model(model)
        permission, _made = Permission.objects.get_or_create(
            content_type=content_type, codename=codename,
            defaults={"name": f"Can {codename.split('_', 1)[0]} {model._meta.verbose_name_raw}"},
        )
        found.append(permission)
    return found


@transaction.atomic
def ensure_workflow():
    """The workflow "Duyệt tài liệu thư viện" (Biên tập → Kiểm duyệt → Lãnh đạo duyệt), made
    once and assigned to items unless staff assigned another; the role groups' permissions on
    items and collections. Idempotent; returns the workflow."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowContentType, WorkflowTask

    for role, perms in ITEM_PERMISSIONS.items():
        _groups([role])[0].permissions.add(*_permissions(perms))
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
        for order, (name, roles) in enumerate(TASKS):
            task = GroupApprovalTask.objects.create(name=name)
            task.groups.set(_groups(roles))
            WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=order)
    content_type = ContentType.objects.get_for_model(Item)
    WorkflowContentType.objects.get_or_create(content_type=content_type, defaults={"workflow": workflow})
    return workflow


@receiver(post_migrate, dispatch_uid="doingoai-library-workflow")
def _after_migrate(sender, **kwargs):
    # Once per migrate, after every app has created its permissions (as core's role groups).
    with_models = [a for a in django_apps.get_app_configs() if a.models_module is not None]
    if sender.label == with_models[-1].label:
        ensure_workflow()


def may_act(item: Item, user) -> bool:
    """Whether ``user`` may take a decision on the item's current workflow step: not the
    person who submitted it, nor one who approved an earlier step of the same round."""
    from wagtail.models import TaskState

    state = item.current_workflow_state
    if state is None or not getattr(user, "is_authenticated", False):
        return False
    if state.requested_by_id == user.pk:
        return False
    return not state.task_states.filter(status=TaskState.STATUS_APPROVED, finished_by=user).exists()


def in_my_tasks(user):
    """Task states of items waiting for ``user``'s decision (in her groups, not her own)."""
    from wagtail.models import TaskState

    states = (TaskState.objects.reviewable_by(user)
              .filter(workflow_state__base_content_type__app_label="library",
                      workflow_state__base_content_type__model="item")
              .exclude(workflow_state__requested_by=user)
              .select_related("workflow_state", "task"))
    found = []
    items = Item.objects.in_bulk([int(s.workflow_state.object_id) for s in states])
    for state in states:
        item = items.get(int(state.workflow_state.object_id))
        if item is not None and may_act(item, user):
            found.append((item, state))
    return found


# --- the state of an item --------------------------------------------------------------------

def status(item: Item) -> tuple[str, str]:
    """(code, Vietnamese label) of where the item stands."""
    if item.removed_at is not None:
        return "removed", _("Đã gỡ bỏ")
    if item.workflow_in_progress:
        task = item.current_workflow_task
        return "moderation", _("Đang chờ duyệt (%(task)s)") % {"task": task.name if task else ""}
    if item.live:
        if item.has_unpublished_changes:
            return "published", _("Đã xuất bản, có bản sửa chưa duyệt")
        return "published", _("Đã xuất bản")
    if item.go_live_at and item.go_live_at > timezone.now() and item.revisions.filter(
            approved_go_live_at__isnull=False).exists():
        return "scheduled", _("Hẹn xuất bản lúc %(when)s") % {
            "when": timezone.localtime(item.go_live_at).strftime("%d/%m/%Y %H:%M")}
    if item.expired:
        return "expired", _("Đã hết hạn hiển thị")
    return "draft", _("Bản nháp")


# --- guards around publication ----------------------------------------------------------------

@receiver(pre_save, sender=Item, dispatch_uid="doingoai-library-item-guard")
def _guard(sender, instance, raw=False, update_fields=None, **kwargs):
    """A removed item is never published again; remember the stored values of the machine's
    and the review's fields, which ``_after_publish`` restores."""
    if raw or instance.pk is None or update_fields is not None:
        return
    stored = Item.objects.filter(pk=instance.pk).values(*[Item._meta.get_field(f).attname for f in SYSTEM_FIELDS],
                                                        "text").first()
    if stored is None:
        return
    if stored["removed_at"] is not None and instance.live:
        raise RemovedItemError(instance)
    instance._library_stored = stored


@receiver(published, sender=Item, dispatch_uid="doingoai-library-item-published")
def _after_publish(sender, instance, **kwargs):
    stored = getattr(instance, "_library_stored", None)
    if stored:
        changed = []
        for name in SYSTEM_FIELDS:
            attname = Item._meta.get_field(name).attname
            if getattr(instance, attname) != stored[attname]:
                setattr(instance, attname, stored[attname])
                changed.append(name)
        if not (instance.text or "").strip() and (stored["text"] or "").strip():
            instance.text = stored["text"]
            changed.append("text")
        if changed:
            instance.save(update_fields=changed)
    if instance.live:  # not when only scheduled
        record_publication(instance)


def record_publication(item: Item) -> list:
    """Evidence on the plan, once per item: the first publication counts."""
    from django.contrib.contenttypes.models import ContentType

    from doingoai.plans.models import EvidenceLink

    already = EvidenceLink.objects.filter(
        update__source=EVIDENCE_SOURCE, content_type=ContentType.objects.get_for_model(Item),
        object_id=str(item.pk),
    ).exists()
    if already:
        return []
    day = timezone.localdate(item.first_published_at or timezone.now())
    return evidence.record(
        EVIDENCE_SOURCE, _("Đã xuất bản tài liệu thư viện điện tử: %(title)s") % {"title": item.title},
        obj=item, day=day, unit=item.owner_unit, label=item.title[:255], url=item.get_absolute_url(),
    )


# --- drafts from other modules ---------------------------------------------------------------

def text_hash(text: str) -> str:
    """SHA-256 of a source's text, as captured (``Item.source_hash``)."""
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()


def _open_draft_for(**source) -> Item | None:
    """The item already made from this source and not removed (one per source)."""
    return Item.objects.filter(removed_at__isnull=True, **source).order_by("-pk").first()


def _lead(text: str) -> str:
    from doingoai.monitoring.digests import lead_of

    return lead_of(text or "", 400)


_CAPTURE_STYLE = ("body{font-family:'Noto Serif',serif;max-width:46em;margin:2em auto;padding:0 1em;"
                  "line-height:1.5}header{border-bottom:1px solid #999;margin-bottom:1.5em;font-size:.9em;"
                  "color:#333}")


def captured_copy(article, captured_at=None) -> bytes:
    """A self-contained HTML copy of the article (its stored, sanitised HTML, cleaned again),
    headed by its source address and the time of capture."""
    from doingoai.monitoring import sanitise

    captured_at = timezone.localtime(captured_at or timezone.now())
    body = sanitise.clean(article.html or "")
    if not body:
        body = "".join(f"<p>{html.escape(p.strip())}</p>" for p in re.split(r"\n+", article.text or "") if p.strip())
    outlet = article.source.name if article.source_id else ""
    url = html.escape(article.url, quote=True)
    published_at = (timezone.localtime(article.published_at).strftime("%d/%m/%Y %H:%M")
                    if article.published_at else "—")
    header = (
        f"<header><p><strong>{html.escape(_('Bản lưu của bài báo'))}</strong></p>"
        f"<p>{html.escape(_('Nguồn'))}: <a href=\"{url}\">{url}</a></p>"
        f"<p>{html.escape(_('Cơ quan báo chí'))}: {html.escape(outlet or '—')} · "
        f"{html.escape(_('Đăng lúc'))}: {published_at}</p>"
        f"<p>{html.escape(_('Lưu lúc'))}: {captured_at.strftime('%d/%m/%Y %H:%M')} (Asia/Ho_Chi_Minh)</p></header>"
    )
    lang = html.escape(article.language or "vi", quote=True)
    page = (f"<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            f"<title>{html.escape(article.title)}</title><style>{_CAPTURE_STYLE}</style></head>"
            f"<body>{header}<article><h1>{html.escape(article.title)}</h1>{body}</article></body></html>")
    return page.encode("utf-8")


def _save_revision(item: Item, user):
    item.save_revision(user=user, log_action=True)
    return item


def draft_from_article(article, user) -> tuple[Item, bool]:
    """A draft item from a monitored article, with a captured copy; (item, created). One
    item per article: a second call gives the existing one back, unless it was removed."""
    from django.core.files.base import ContentFile

    existing = _open_draft_for(source_article=article)
    if existing is not None:
        return existing, False
    outlet = article.source.name if article.source_id else ""
    with transaction.atomic():
        # Serialise the clicks on this article: the second waits, then finds the first's item.
        type(article).objects.select_for_update().filter(pk=article.pk).first()
        existing = _open_draft_for(source_article=article)
        if existing is not None:
            return existing, False
        now = timezone.now()
        item = Item.objects.create(
            kind=Kind.ARTICLE, title=(article.title or "")[:500],
            creator=(article.author or outlet or "").strip(), publisher=outlet[:300],
            date=timezone.localdate(article.published_at) if article.published_at else None,
            source=article.url[:1000], language=article.language or "vi", description=_lead(article.text),
            text=article.text or "", themes=list(article.themes or []), source_article=article,
            source_hash=text_hash(article.text), format="text/html", created_by=user, created_at=now,
            live=False, owner_unit=_default_unit(user),
        )
        body = captured_copy(article, now)
        stored = ItemFile(item=item, role=ItemFile.Role.ORIGINAL, name=f"bai-bao-{article.pk}.html",
                          mime="text/html", size=len(body), sha256=hashlib.sha256(body).hexdigest(), created_at=now)
        stored.file.save(stored.name, ContentFile(body), save=False)
        try:
            stored.save()
        except IntegrityError:  # pragma: no cover - the row lock above prevents it
            stored.file.delete(save=False)
            raise
        _save_revision(item, user)
        audit.record("library.drafted", item, user=user, changes={
            "nguồn": "monitoring.article", "bài báo": article.pk, "địa chỉ": article.url})
    return item, True


def draft_from_argument(argument, user) -> tuple[Item, bool]:
    """A draft item from an entry of the argument library; (item, created). One item per
    entry, unless the previous one was removed."""

    existing = _open_draft_for(source_argument=argument)
    if existing is not None:
        return existing, False
    names = seed.theme_names()
    kind = Kind.DOCUMENT if argument.kind == "document" else Kind.ARTICLE
    with transaction.atomic():
        type(argument).objects.select_for_update().filter(pk=argument.pk).first()
        existing = _open_draft_for(source_argument=argument)
        if existing is not None:
            return existing, False
        sources = [line.strip() for line in (argument.sources or "").splitlines() if line.strip()]
        item = Item.objects.create(
            kind=kind, title=argument.title[:500], text=argument.body or "", description=_lead(argument.body),
            source="\n".join(sources)[:1000], relation="\n".join(sources[1:]),
            subject="\n".join(names.get(c, c) for c in (argument.themes or [])),
            themes=list(argument.themes or []), source_argument=argument, source_hash=text_hash(argument.body),
            owner_unit=argument.owner_unit or _default_unit(user), created_by=user, live=False,
        )
        _save_revision(item, user)
        audit.record("library.drafted", item, user=user, changes={
            "nguồn": "cases.argument", "tư liệu": argument.pk})
    return item, True


def _default_unit(user):
    """The unit of the person's first editing membership (the owner of what she drafts)."""
    from doingoai.core.models import Unit

    mine = sorted(permissions.unit_ids(user, permissions.EDITING_ROLES))
    return Unit.objects.filter(pk=mine[0]).first() if mine else None
