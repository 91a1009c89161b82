"""The audit log: append-only and hash-chained.

Every line carries the SHA-256 of the previous line's hash and of its own content, so that
``verify`` finds a line edited or deleted by hand. Business models are tracked by registering
them (``track``): their creation, each change (before/after of the changed fields) and their
deletion are written here with the person and address from ``core.context``. State changes,
sign-ins and other events are written with ``record``. Wagtail's own log (pages, snippets,
workflow) feeds the same chain, so there is one place to read.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import uuid
from dataclasses import dataclass, field

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from . import context
from .models import AuditEntry, AuditHead

GENESIS = "0" * 64
_tracked: dict[type[models.Model], frozenset[str]] = {}
_SECRET_FIELDS = frozenset({"password", "key", "secret", "token"})


# --- writing ---------------------------------------------------------------------------------

def _jsonable(value):
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (bytes, memoryview)):
        return hashlib.sha256(bytes(value)).hexdigest()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def _digest(prev_hash: str, content: dict) -> str:
    payload = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def _content(entry: AuditEntry) -> dict:
    """What the hash covers: every column but the id and the hashes themselves."""
    return {
        "timestamp": entry.timestamp.astimezone(datetime.UTC).isoformat(),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "actor_units": entry.actor_units,
        "ip_address": entry.ip_address,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "changes": entry.changes,
    }


def _actor_fields(user) -> dict:
    if user is None or not getattr(user, "is_authenticated", False):
        return {"actor": None, "actor_name": "", "actor_units": []}
    units = sorted({m.unit.code for m in user.memberships.select_related("unit")})
    name = user.get_full_name() or user.get_username()
    return {"actor": user, "actor_name": name[:255], "actor_units": units}


def record(action: str, obj: models.Model | None = None, *, changes: dict | None = None,
           object_type: str = "", object_id: str = "", object_repr: str = "", user=None,
           ip_address: str | None = None) -> AuditEntry:
    """Append one line. ``user``/``ip_address`` default to the current actor."""
    actor = context.current()
    user = user if user is not None else actor.user
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    entry = AuditEntry(
        timestamp=timezone.now(),
        ip_address=ip_address if ip_address is not None else actor.ip_address,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:255],
        changes=_jsonable(changes or {}),
        **_actor_fields(user),
    )
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        entry.prev_hash = head.last_hash
        entry.hash = _digest(entry.prev_hash, _content(entry))
        entry.save()
        AuditHead.objects.filter(pk=1).update(
            last_id=entry.pk, last_hash=entry.hash, count=models.F("count") + 1
        )
    return entry


# --- tracking models -------------------------------------------------------------------------

def track(model: type[models.Model], exclude: tuple[str, ...] = ()) -> None:
    """Write create/update/delete of ``model`` to the audit log. Secret fields (passwords,
    keys) are recorded as changed, never with their values."""
    _tracked[model] = frozenset(exclude)
    uid = f"doingoai-audit-{model._meta.label_lower}"
    pre_save.connect(_remember_before, sender=model, dispatch_uid=uid + "-pre")
    post_save.connect(_after_save, sender=model, dispatch_uid=uid + "-post")
    post_delete.connect(_after_delete, sender=model, dispatch_uid=uid + "-delete")


def _values(instance) -> dict:
    excluded = _tracked.get(type(instance), frozenset())
    values = {}
    for f in instance._meta.concrete_fields:
        if f.name in excluded:
            continue
        values[f.name] = _jsonable(f.value_from_object(instance))
    return values


def _redact(name: str, before, after) -> tuple:
    if name in _SECRET_FIELDS:
        return ("***", "*** (đã đổi)")
    return (before, after)


def _remember_before(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._audit_before = None
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_before = _values(old) if old is not None else None


def _after_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    after = _values(instance)
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        changes = {k: [None, v] for k, v in after.items() if k not in _SECRET_FIELDS and v not in (None, "", [], {})}
        record(AuditEntry.Action.CREATE, instance, changes=changes)
        return
    changes = {k: list(_redact(k, before.get(k), v)) for k, v in after.items() if before.get(k) != v}
    if changes:
        record(AuditEntry.Action.UPDATE, instance, changes=changes)


def _after_delete(sender, instance, **kwargs):
    before = {k: [v, None] for k, v in _values(instance).items() if k not in _SECRET_FIELDS}
    record(AuditEntry.Action.DELETE, instance, changes=before)


def state_change(obj: models.Model, field_name: str, before, after, note: str = "") -> AuditEntry:
    """Record a move of ``obj`` from one state to another (a workflow step, a decision)."""
    changes = {field_name: [_jsonable(before), _jsonable(after)]}
    if note:
        changes["ghi_chu"] = note
    return record(AuditEntry.Action.STATE, obj, changes=changes)


# --- sign-in events and Wagtail's own log ----------------------------------------------------

def _client_ip(request) -> str:
    return (getattr(request, "audit_ip", None) or request.META.get("REMOTE_ADDR", "")) if request else ""


def _on_login(sender, request, user, **kwargs):
    record(AuditEntry.Action.LOGIN, user, user=user, ip_address=_client_ip(request))


def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(AuditEntry.Action.LOGOUT, user, user=user, ip_address=_client_ip(request))


def _on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    record(AuditEntry.Action.LOGIN_FAILED, object_type="auth.user", object_repr=username,
           ip_address=_client_ip(request))


def _on_wagtail_log(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    record(
        f"wagtail:{instance.action}",
        object_type=instance.content_type.app_label + "." + instance.content_type.model
        if instance.content_type_id else "",
        object_id=str(getattr(instance, "page_id", None) or instance.object_id),
        object_repr=instance.label,
        changes=_jsonable(instance.data or {}),
        user=instance.user,
    )


def connect_default_trackers():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from wagtail.models import ModelLogEntry, PageLogEntry

    from .models import Membership, Organisation, ScheduledJob, Unit

    track(get_user_model(), exclude=("last_login",))
    track(Group)
    for model in (Organisation, Unit, Membership, ScheduledJob):
        track(model)
    user_logged_in.connect(_on_login, dispatch_uid="doingoai-audit-login")
    user_logged_out.connect(_on_logout, dispatch_uid="doingoai-audit-logout")
    user_login_failed.connect(_on_login_failed, dispatch_uid="doingoai-audit-login-failed")
    for log_model in (ModelLogEntry, PageLogEntry):
        post_save.connect(_on_wagtail_log, sender=log_model, dispatch_uid=f"doingoai-audit-{log_model.__name__}")


# --- verification ----------------------------------------------------------------------------

@dataclass
class Verification:
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(batch: int = 5000) -> Verification:
    """Walk the chain in order and recompute every hash.

    Finds a line whose content was edited (its hash no longer matches), a line deleted from
    the middle (the next line's link breaks) and lines cut from the end (the head disagrees)."""
    result = Verification()
    prev_hash, last_id = GENESIS, 0
    qs = AuditEntry.objects.order_by("id")
    while True:
        rows = list(qs.filter(id__gt=last_id)[:batch])
        if not rows:
            break
        for entry in rows:
            result.checked += 1
            if entry.prev_hash != prev_hash:
                result.problems.append(
                    f"Dòng #{entry.pk}: không nối với dòng trước (một dòng trước nó đã bị xóa hoặc sửa)."
                )
            if _digest(entry.prev_hash, _content(entry)) != entry.hash:
                result.problems.append(f"Dòng #{entry.pk}: nội dung đã bị sửa sau khi ghi.")
            prev_hash, last_id = entry.hash, entry.pk
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None:
        if head.last_hash != prev_hash or head.last_id != last_id:
            result.problems.append(
                f"Cuối chuỗi không khớp: sổ ghi dòng cuối là #{head.last_id}, bảng có dòng cuối #{last_id} "
                "(các dòng cuối đã bị xóa hoặc sửa)."
            )
        if head.count != result.checked:
            result.problems.append(
                f"Số dòng không khớp: đã ghi {head.count} dòng, bảng còn {result.checked} dòng."
            )
    elif result.checked:
        result.problems.append("Thiếu đầu chuỗi nhật ký.")
    return result
