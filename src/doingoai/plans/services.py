"""Every change to plans goes through these functions (views, commands and jobs call them)."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doingoai.core import audit, permissions
from doingoai.core.models import Unit

from . import evidence
from .models import Event, EvidenceLink, Plan, ProgressUpdate, Task, UpdateAttachment


class DuplicatePlanError(Exception):
    """A plan with this number already exists for the year."""

    def __init__(self, plan: Plan):
        self.plan = plan
        super().__init__(
            _("Kế hoạch số %(number)s năm %(year)s đã có trong hệ thống. Chọn “cập nhật” để thay bằng bản mới, hoặc hủy.")
            % {"number": plan.number, "year": plan.year}
        )


# --- rights on a task --------------------------------------------------------------------------

def task_unit_ids(task: Task) -> tuple[int, list[int]]:
    return task.lead_unit_id, [u.pk for u in task.coordinators.all()]


def can_view_task(user, task: Task) -> bool:
    lead, coordinators = task_unit_ids(task)
    return permissions.can_view(user, lead, coordinators)


def can_set_progress(user, task: Task) -> bool:
    """The lead unit sets status and progress; its head and the leaders may too."""
    return permissions.can_edit(user, task.lead_unit_id) or permissions.can_approve(user, task.lead_unit_id)


def units_that_can_update(user, task: Task) -> list[Unit]:
    """The units in whose name ``user`` may add an update to ``task``."""
    lead, coordinators = task_unit_ids(task)
    ids = [u for u in [lead, *coordinators] if permissions.can_edit(user, u)]
    return list(Unit.objects.filter(pk__in=ids))


def can_import(user) -> bool:
    """Leaders, and the staff of any unit (a plan is checked by a person before it is saved)."""
    return permissions.is_leader(user) or bool(permissions.unit_ids(user, permissions.EDITING_ROLES))


# --- changes -----------------------------------------------------------------------------------

@transaction.atomic
def set_progress(task: Task, user, *, status: str, progress: int) -> Task:
    if not can_set_progress(user, task):
        raise PermissionDenied(_("Chỉ đơn vị chủ trì được cập nhật trạng thái và tiến độ nhiệm vụ."))
    if status not in Task.Status.values:
        raise ValidationError(_("Trạng thái không hợp lệ."))
    if not 0 <= int(progress) <= 100:
        raise ValidationError(_("Tiến độ phải từ 0 đến 100%."))
    task = Task.objects.select_for_update().get(pk=task.pk)
    before = (task.status, task.progress)
    task.status, task.progress = status, int(progress)
    if status == Task.Status.DONE:
        task.progress = 100
    task.save(update_fields=["status", "progress", "updated_at"])
    if before != (task.status, task.progress):
        audit.state_change(task, "trạng thái, tiến độ", list(before), [task.status, task.progress])
    return task


@transaction.atomic
def add_update(task: Task, user, *, unit: Unit, text: str, day: datetime.date | None = None,
               figures: list | None = None, files=(), links=()) -> ProgressUpdate:
    """``files``: uploaded files; ``links``: (label, url) pairs or platform objects."""
    if unit not in units_that_can_update(user, task):
        raise PermissionDenied(_("Chỉ đơn vị chủ trì hoặc phối hợp của nhiệm vụ được cập nhật kết quả."))
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Nội dung cập nhật không được để trống."))
    day = day or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError(_("Ngày cập nhật không được ở tương lai."))
    update = ProgressUpdate.objects.create(task=task, unit=unit, author=user, date=day, text=text, figures=figures or [])
    for upload in files:
        UpdateAttachment.objects.create(update=update, file=upload, name=upload.name[:255])
    for link in links:
        if isinstance(link, tuple):
            EvidenceLink.objects.create(update=update, label=link[0][:255], url=link[1])
        else:
            EvidenceLink.objects.create(
                update=update, content_type=ContentType.objects.get_for_model(link), object_id=str(link.pk),
                label=str(link)[:255], url=link.get_absolute_url() if hasattr(link, "get_absolute_url") else "",
            )
    audit.record("create", update, changes={"nhiệm vụ": task.no, "đơn vị": unit.code, "nội dung": text[:500]})
    return update


# --- import --------------------------------------------------------------------------------------

def _unit_for(match, registry: dict[str, Unit]) -> Unit:
    """The registered unit of a match, or a new external unit with the name as read."""
    if match.code and match.code in registry:
        return registry[match.code]
    unit = Unit.objects.filter(name__iexact=match.name).first()
    if unit is None:
        code = _new_unit_code(match.name)
        unit = Unit.objects.create(code=code, name=match.name, internal=False)
        registry[code] = unit
    return unit


def _new_unit_code(name: str) -> str:
    from doingoai.core import vntext

    initials = "".join(w[0] for w in vntext.fold(name).split() if w[:1].isalnum()).upper()[:12] or "DV"
    code, n = initials, 1
    while Unit.objects.filter(code=code).exists():
        n += 1
        code = f"{initials}-{n}"
    return code


@transaction.atomic
def save_parsed_plan(parsed, *, source_path=None, source_name: str = "", source_bytes: bytes | None = None,
                     update: bool = False, owner_unit: Unit | None = None) -> Plan:
    """Store an imported plan (``plans.importer`` output). An existing plan with the same number
    and year is replaced only with ``update=True``; its tasks' progress and updates are kept
    for tasks whose number stays."""
    doc = parsed.document
    year = doc.date.year
    existing = Plan.objects.filter(number=doc.number, year=year).first()
    if existing is not None and not update:
        raise DuplicatePlanError(existing)
    plan = existing or Plan(number=doc.number, year=year)
    plan.kind = doc.kind or "Kế hoạch"
    plan.issuer = doc.issuer
    plan.issuer_parent = doc.issuer_parent or ""
    plan.place = doc.place or ""
    plan.date = doc.date
    plan.title = doc.title
    plan.basis = list(doc.basis or [])
    plan.signer_title = (doc.signer.title if doc.signer else "") or ""
    plan.signer_name = (doc.signer.name if doc.signer else "") or ""
    plan.recipients = list(doc.recipients or [])
    if owner_unit is not None:
        plan.owner_unit = owner_unit
    plan.save()
    if source_bytes is not None or source_path is not None:
        data = source_bytes if source_bytes is not None else open(source_path, "rb").read()
        name = source_name or getattr(source_path, "name", None) or str(source_path).rsplit("/", 1)[-1]
        plan.source_file.save(name, ContentFile(data), save=True)

    registry = {u.code: u for u in Unit.objects.all()}
    kept = {t.no: t for t in plan.tasks.all()}
    for parsed_task in parsed.tasks:
        task = kept.pop(parsed_task.no, None) or Task(plan=plan, no=parsed_task.no)
        lead = parsed_task.lead
        if lead is None:
            raise ValidationError(_("Nhiệm vụ %(no)s chưa có đơn vị chủ trì.") % {"no": parsed_task.no})
        task.title = parsed_task.title
        task.content = list(parsed_task.content)
        task.lead_unit = _unit_for(lead, registry)
        task.and_related_units = parsed_task.and_related_units
        timeline = parsed_task.timeline
        task.timeline_text = timeline.text
        task.timeline_kind = timeline.kind
        task.start, task.end, task.continuous = timeline.start, timeline.end, timeline.continuous
        if not task.evidence_sources:
            task.evidence_sources = evidence.default_sources_for(task.no)
        task.save()
        task.coordinators.set([_unit_for(m, registry) for m in parsed_task.coordinators])
    for gone in kept.values():  # tasks no longer in the new version of the plan
        gone.delete()
    return plan


def load_reference_events(plan: Plan, anniversaries: list[dict]) -> int:
    made = 0
    for row in anniversaries:
        day = datetime.date.fromisoformat(row["date"]) if row.get("date") else None
        _, created = Event.objects.get_or_create(plan=plan, name=row["name"], defaults={"date": day})
        made += created
    return made
