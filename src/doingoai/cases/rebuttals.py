"""Clarifications (bài cải chính, làm rõ thông tin): drafted from a case and the argument
library, approved through a Wagtail workflow, published on the public site with ClaimReview
markup (``cases.claimreview``), recorded as evidence on the plan (tasks 9 and 10).

    clarification = rebuttals.draft_from_case(case, user, arguments=[...])   # a draft + revision
    rebuttals.ensure_workflow()        # the workflow "Duyệt bài cải chính" and the permissions
    rebuttals.status(clarification)    # ("draft" | "moderation" | "scheduled" | "published", label)

The snippet (``wagtail_hooks/rebuttals.py``) gives Wagtail's draft and publish, revisions and
their comparison, locking, scheduled publishing and the workflow: a drafter (Thanh tra viên,
Chuyên viên, Biên tập viên of the cases units) submits the draft; a Kiểm duyệt viên or a unit
head approves it ("Kiểm duyệt"); a leader of the department approves it ("Lãnh đạo duyệt"),
which publishes it. Only leaders hold the publish permission, so nobody below them can skip a
step. Publication (now or at its scheduled time) is recorded once per clarification on the
plan's tasks bound to ``cases.clarification`` (by default 9 and 10).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.apps import apps as django_apps
from django.db import IntegrityError, transaction
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.signals import published

from doingoai.core import permissions, vntext
from doingoai.core.models import Role
from doingoai.plans import evidence

from .models import Argument, Case, Clarification, Classification

__all__ = [
    "EVIDENCE_SOURCE", "WORKFLOW_NAME", "REVIEW_TASK", "LEADER_TASK", "RATING_FOR_CLASSIFICATION",
    "draft_from_case", "open_draft", "body_from_arguments", "status", "ensure_workflow",
    "record_publication", "CLARIFICATION_PERMISSIONS",
]

EVIDENCE_SOURCE = "cases.clarification"
evidence.register_source(EVIDENCE_SOURCE, "Bài cải chính, làm rõ thông tin đã đăng", (9, 10))

WORKFLOW_NAME = "Duyệt bài cải chính"
REVIEW_TASK = "Kiểm duyệt"
LEADER_TASK = "Lãnh đạo duyệt"
REVIEW_ROLES = (Role.KIEM_DUYET_VIEN, Role.TRUONG_DON_VI)
LEADER_ROLES = (Role.LANH_DAO,)

RATING_FOR_CLASSIFICATION = {
    Classification.FALSE: Clarification.Rating.FALSE,
    Classification.DISTORTED: Clarification.Rating.MISLEADING,
    Classification.UNOFFICIAL: Clarification.Rating.UNPROVEN,
    Classification.DEFAMATION: Clarification.Rating.FALSE,
    Classification.HOSTILE: Clarification.Rating.MISLEADING,
}

# Who may do what with clarifications (Django permissions of the role groups). Drafters write;
# reviewers also lock and delete drafts; only leaders publish (the last workflow step publishes
# with the approver's permission), so that nobody skips the leaders' approval.
_WRITE = ["add_clarification", "change_clarification", "view_clarification"]
CLARIFICATION_PERMISSIONS: dict[str, list[str]] = {
    Role.THANH_TRA_VIEN: _WRITE,
    Role.CHUYEN_VIEN: _WRITE,
    Role.BIEN_TAP_VIEN: _WRITE,
    Role.KIEM_DUYET_VIEN: _WRITE + ["lock_clarification", "unlock_clarification"],
    Role.TRUONG_DON_VI: _WRITE + ["lock_clarification", "unlock_clarification", "delete_clarification"],
    Role.LANH_DAO: _WRITE + ["lock_clarification", "unlock_clarification", "delete_clarification",
                             "publish_clarification"],
}
# Kept by ``core.permissions.ensure_role_groups`` (which sets each group's permissions anew).
for _role, _codenames in CLARIFICATION_PERMISSIONS.items():
    for _codename in _codenames:
        if f"cases.{_codename}" not in permissions.ROLE_GROUP_PERMISSIONS[_role]:
            permissions.ROLE_GROUP_PERMISSIONS[_role].append(f"cases.{_codename}")


# --- drafting --------------------------------------------------------------------------------

def open_draft(case: Case) -> Clarification | None:
    """The clarification of ``case`` being prepared (never published yet), if any."""
    return case.clarifications.filter(live=False, first_published_at__isnull=True).order_by("-pk").first()


_URL = re.compile(r"https?://[^\s<>\"']+")


def _source_html(line: str) -> str:
    parts, last = [], 0
    for match in _URL.finditer(line):
        url = match.group(0).rstrip(".,;)")
        end = match.start() + len(url)
        parts.append(str(escape(line[last:match.start()])))
        parts.append(f'<a href="{escape(url)}">{escape(url)}</a>')
        last = end
    parts.append(str(escape(line[last:])))
    return "".join(parts)


def body_from_arguments(arguments: Iterable[Argument]) -> str:
    """Rich text (Wagtail's stored HTML) presenting each argument with its sources as a list."""
    html = []
    for argument in arguments:
        html.append(f"<h3>{escape(argument.title)}</h3>")
        for paragraph in re.split(r"\n\s*\n|\n", argument.body or ""):
            if paragraph.strip():
                html.append(f"<p>{escape(paragraph.strip())}</p>")
        lines = argument.source_lines
        if lines:
            html.append(f"<p><b>{escape(_('Nguồn:'))}</b></p>")
            html.append("<ul>" + "".join(f"<li>{_source_html(line)}</li>" for line in lines) + "</ul>")
    return "".join(html)


def _slug_base(title: str) -> str:
    return (slugify(vntext.fold(title))[:80].strip("-") or "lam-ro-thong-tin")


def _first_appearance(case: Case):
    first = case.urls.select_related("article").order_by("added_at", "pk").first()
    if first is None:
        return "", None
    published_at = first.article.published_at if first.article_id else None
    return first.url, (timezone.localdate(published_at) if published_at else None)


def draft_from_case(case: Case, user, arguments: Iterable[Argument] = ()) -> Clarification:
    """A draft clarification of ``case``, filled from the case and the chosen ``arguments``,
    with its first revision by ``user``. A case has one draft in preparation at a time: when
    it has one already (a second click, another colleague), that draft is returned unchanged."""
    arguments = list(arguments)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        existing = open_draft(case)
        if existing is not None:
            return existing
        rating = RATING_FOR_CLASSIFICATION.get(case.classification, Clarification.Rating.UNPROVEN)
        title = (_("Làm rõ thông tin: %(title)s") % {"title": case.title})[:300]
        url, appeared = _first_appearance(case)
        verdict = Clarification.Rating(rating).label
        summary = " ".join(p for p in (f"{verdict}.", (case.summary or "").strip()) if p)
        clarification = Clarification(
            case=case, title=title, claim_reviewed=(case.claim or "").strip() or case.title, rating=rating,
            appearance_url=url, appearance_published=appeared, summary=summary,
            body=body_from_arguments(arguments), live=False,
        )
        _save_with_unique_slug(clarification, _slug_base(title))
        clarification.arguments.set(arguments)
        log(instance=clarification, action="wagtail.create", user=user, content_changed=True)
        # Not validated: a starting point that the editor's form completes (an empty body, no
        # address yet) before it can be submitted or published.
        clarification.save_revision(user=user, log_action=False, clean=False)
    return clarification


def _save_with_unique_slug(clarification: Clarification, base: str) -> None:
    taken = set(Clarification.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    n = 1
    while True:
        slug = base if n == 1 else f"{base}-{n}"
        n += 1
        if slug in taken:
            continue
        clarification.slug = slug
        try:
            with transaction.atomic():
                clarification.save()
            return
        except IntegrityError:
            if not Clarification.objects.filter(slug=slug).exists():
                raise
            taken.add(slug)  # taken meanwhile by a colleague: the next number


# --- status ----------------------------------------------------------------------------------

def status(clarification: Clarification) -> tuple[str, str]:
    """(code, label) of where the clarification stands, for lists and the case page."""
    if clarification.workflow_in_progress:
        task = clarification.current_workflow_task
        label = _("Đang chờ duyệt") + (f" ({task.name})" if task else "")
        return "moderation", label
    if clarification.live:
        if clarification.has_unpublished_changes:
            return "published", _("Đã đăng (có thay đổi chưa đăng)")
        return "published", _("Đã đăng")
    if clarification.go_live_at and clarification.go_live_at > timezone.now() and clarification.approved_schedule:
        return "scheduled", _("Hẹn giờ đăng")
    if clarification.expired:
        return "expired", _("Đã hết hạn")
    return "draft", _("Bản nháp")


# --- the workflow ----------------------------------------------------------------------------

def _groups(roles):
    from django.contrib.auth.models import Group

    with translation.override("vi"):
        return [Group.objects.get_or_create(name=permissions.group_name(role))[0] for role in roles]


def _permissions(codenames):
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(Clarification)
    found = []
    for codename in codenames:
        action = codename.split("_", 1)[0]
        permission, _made = Permission.objects.get_or_create(
            content_type=content_type, codename=codename,
            defaults={"name": f"Can {action} {Clarification._meta.verbose_name_raw}"},
        )
        found.append(permission)
    return found


def _task(workflow, name: str, groups):
    from wagtail.models import GroupApprovalTask

    task = None
    if workflow is not None:
        task = GroupApprovalTask.objects.filter(workflow_tasks__workflow=workflow, name=name).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=name)
    if not task.active:
        task.active = True
        task.save(update_fields=["active"])
    task.groups.set(groups)
    return task


@transaction.atomic
def ensure_workflow():
    """The workflow "Duyệt bài cải chính" (Kiểm duyệt → Lãnh đạo duyệt), assigned to
    clarifications, and the role groups' permissions on them. Idempotent; returns the
    workflow."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Workflow, WorkflowContentType, WorkflowTask

    for role, codenames in CLARIFICATION_PERMISSIONS.items():
        group = _groups([role])[0]
        group.permissions.add(*_permissions(codenames))
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    review = _task(workflow, REVIEW_TASK, _groups(REVIEW_ROLES))
    leader = _task(workflow, LEADER_TASK, _groups(LEADER_ROLES))
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
    elif not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    for order, task in enumerate((review, leader)):
        WorkflowTask.objects.update_or_create(workflow=workflow, task=task, defaults={"sort_order": order})
    WorkflowTask.objects.filter(workflow=workflow).exclude(task__in=[review, leader]).delete()
    content_type = ContentType.objects.get_for_model(Clarification)
    WorkflowContentType.objects.update_or_create(content_type=content_type, defaults={"workflow": workflow})
    return workflow


@receiver(post_migrate, dispatch_uid="doingoai-cases-clarification-workflow")
def _after_migrate(sender, **kwargs):
    # Once per migrate, after every app has created its permissions (as core's role groups).
    with_models = [a for a in django_apps.get_app_configs() if a.models_module is not None]
    if sender.label == with_models[-1].label:
        ensure_workflow()


# --- publication -----------------------------------------------------------------------------

def record_publication(clarification: Clarification) -> list:
    """Evidence on the plan, once per clarification: the first publication counts."""
    from django.contrib.contenttypes.models import ContentType

    from doingoai.plans.models import EvidenceLink

    already = EvidenceLink.objects.filter(
        update__source=EVIDENCE_SOURCE, content_type=ContentType.objects.get_for_model(Clarification),
        object_id=str(clarification.pk),
    ).exists()
    if already:
        return []
    day = timezone.localdate(clarification.first_published_at or timezone.now())
    return evidence.record(
        EVIDENCE_SOURCE,
        _("Đã đăng bài cải chính, làm rõ thông tin: %(title)s") % {"title": clarification.title},
        obj=clarification, day=day, label=clarification.title[:255], url=clarification.get_absolute_url(),
    )


@receiver(published, sender=Clarification, dispatch_uid="doingoai-cases-clarification-published")
def _on_published(sender, instance, **kwargs):
    if instance.live:  # not when only scheduled
        record_publication(instance)
