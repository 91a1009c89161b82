"""Takedown requests (yêu cầu gỡ bỏ): a person drafts a request to a platform or an agency to
remove a URL, cites the legal basis and sends it; the 24-hour clock of Decree 147/2024 starts
when it is sent; the request is acknowledged, complied with, or becomes overdue.

Every transition is a compare-and-set on the status (a double click finds the work done and is
told so), made by a person and written to the audit log with the legal basis."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doingoai.core import audit

from . import clocks
from .access import can_use
from .models import Clock, LegalBasis, TakedownRequest

RULE = "takedown-24h"
Status = TakedownRequest.Status
# A moment typed by hand may run a little ahead of the server's clock.
SKEW = dt.timedelta(minutes=5)


def _allowed(user) -> None:
    if not can_use(user):
        raise ValidationError(_("Bạn không có quyền xử lý yêu cầu gỡ bỏ."))


def _basis(legal_basis) -> LegalBasis | None:
    if legal_basis in (None, ""):
        return None
    if isinstance(legal_basis, LegalBasis):
        return legal_basis
    try:
        return LegalBasis.objects.get(pk=int(legal_basis))
    except (LegalBasis.DoesNotExist, TypeError, ValueError):
        raise ValidationError(_("Căn cứ pháp lý đã chọn không còn trong danh mục.")) from None


def _describe(req: TakedownRequest) -> dict:
    return {"target": req.target, "url": req.url, "case": req.case_id,
            "legal_basis": str(req.legal_basis) if req.legal_basis_id else ""}


def create(case, user, target: str, url: str, legal_basis=None, note: str = "") -> TakedownRequest:
    """A draft request; a second identical submit returns the first draft."""
    _allowed(user)
    target, url = (target or "").strip(), (url or "").strip()
    if not target:
        raise ValidationError(_("Xin ghi cơ quan, nền tảng nhận yêu cầu gỡ bỏ."))
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError(_("Địa chỉ cần gỡ phải là một địa chỉ web đầy đủ, bắt đầu bằng "
                                "http:// hoặc https://.")) from None
    basis = _basis(legal_basis)
    with transaction.atomic():
        existing = TakedownRequest.objects.select_for_update().filter(
            case=case, target=target, url=url, status=Status.DRAFT).first()
        if existing is not None:
            return existing
        req = TakedownRequest.objects.create(case=case, target=target, url=url, legal_basis=basis,
                                             note=(note or "").strip(), created_by=user)
        audit.record("cases.takedown.create", req, changes=_describe(req), user=user)
    return req


def _who(user) -> str:
    if user is None:
        return _("(không rõ)")
    return user.get_full_name() or user.get_username()


def _at(at, req: TakedownRequest | None, what: str) -> dt.datetime:
    """A moment typed by a person (or now): not in the future, not before the request was sent
    (typed to the minute, so the minute of sending counts)."""
    now = timezone.now()
    if at is None:
        return now
    if timezone.is_naive(at):
        at = at.replace(tzinfo=clocks.LOCAL)
    if at > now + SKEW:
        raise ValidationError(_("Thời điểm %(what)s không thể ở tương lai.") % {"what": what})
    sent = req.sent_at if req is not None else None
    if sent:
        if at < sent.replace(second=0, microsecond=0):
            raise ValidationError(_("Thời điểm %(what)s không thể trước thời điểm gửi yêu cầu (%(sent)s).")
                                  % {"what": what, "sent": f"{timezone.localtime(sent):%d/%m/%Y %H:%M}"})
        at = max(at, sent)
    return min(at, now)


def _refused(req: TakedownRequest, doing: str) -> ValidationError:
    req.refresh_from_db()
    return ValidationError(_("Không thể %(doing)s: yêu cầu gỡ bỏ này đang ở trạng thái «%(status)s» "
                             "(có thể vừa được người khác cập nhật); xin tải lại trang.")
                           % {"doing": doing, "status": req.get_status_display()})


def send(request: TakedownRequest, user, at: dt.datetime | None = None) -> TakedownRequest:
    """draft → sent, by ``user``, at ``at`` (default now: a letter sent earlier in the day is
    recorded with its own time); starts the 24-hour clock from that moment."""
    _allowed(user)
    req = request
    if not req.legal_basis_id:
        raise ValidationError(_("Xin chọn căn cứ pháp lý trước khi gửi yêu cầu gỡ bỏ."))
    now = _at(at, None, _("gửi"))
    with transaction.atomic():
        claimed = TakedownRequest.objects.filter(pk=req.pk, status=Status.DRAFT).update(
            status=Status.SENT, sent_by=user, sent_at=now)
        if not claimed:
            req.refresh_from_db()
            if req.status != Status.DRAFT and req.sent_at:
                raise ValidationError(_("Yêu cầu gỡ bỏ này đã được gửi lúc %(at)s (người gửi: %(who)s).")
                                      % {"at": f"{timezone.localtime(req.sent_at):%d/%m/%Y %H:%M}",
                                         "who": _who(req.sent_by)})
            raise _refused(req, _("gửi"))
        req.refresh_from_db()
        clock = clocks.start(req, RULE, started_at=now)
        audit.record("cases.takedown.send", req, user=user, changes={
            **_describe(req), "status": [Status.DRAFT, Status.SENT], "due_at": clock.due_at,
        })
    return req


def acknowledge(request: TakedownRequest, user, at: dt.datetime | None = None) -> TakedownRequest:
    """The platform confirmed receipt: sent → acknowledged (an overdue request keeps its status
    and gets the time of acknowledgement)."""
    _allowed(user)
    req = request
    req.refresh_from_db()
    at = _at(at, req, _("xác nhận"))
    with transaction.atomic():
        claimed = TakedownRequest.objects.filter(pk=req.pk, status=Status.SENT).update(
            status=Status.ACKNOWLEDGED, acknowledged_at=at)
        if not claimed:
            claimed = TakedownRequest.objects.filter(
                pk=req.pk, status=Status.OVERDUE, acknowledged_at__isnull=True).update(acknowledged_at=at)
        if not claimed:
            raise _refused(req, _("ghi nhận xác nhận"))
        before = req.status
        req.refresh_from_db()
        audit.record("cases.takedown.acknowledge", req, user=user, changes={
            **_describe(req), "status": [before, req.status], "acknowledged_at": at})
    return req


def complied(request: TakedownRequest, user, at: dt.datetime | None = None) -> TakedownRequest:
    """The content was removed: sent/acknowledged/overdue → complied; the clock finishes, met or
    late."""
    _allowed(user)
    req = request
    req.refresh_from_db()
    at = _at(at, req, _("gỡ bỏ"))
    before = req.status
    with transaction.atomic():
        claimed = TakedownRequest.objects.filter(
            pk=req.pk, status__in=[Status.SENT, Status.ACKNOWLEDGED, Status.OVERDUE]).update(
            status=Status.COMPLIED, complied_at=at)
        if not claimed:
            raise _refused(req, _("ghi nhận đã gỡ bỏ"))
        finished = clocks.finish(req, RULE, at=at)
        req.refresh_from_db()
        audit.record("cases.takedown.complied", req, user=user, changes={
            **_describe(req), "status": [before, Status.COMPLIED], "complied_at": at,
            "clock": [c.state for c in finished],
        })
    return req


def mark_overdue(now: dt.datetime | None = None) -> int:
    """Sent or acknowledged requests whose 24-hour clock has run out → overdue (the periodic
    job). Returns how many were marked."""
    now = now or timezone.now()
    late_ids = Clock.objects.filter(
        rule__code=RULE, state=Clock.State.RUNNING, due_at__lt=now,
        content_type__app_label=TakedownRequest._meta.app_label,
        content_type__model=TakedownRequest._meta.model_name,
    ).values_list("object_id", flat=True)
    marked = 0
    for req in TakedownRequest.objects.filter(pk__in=list(late_ids),
                                              status__in=[Status.SENT, Status.ACKNOWLEDGED]):
        if TakedownRequest.objects.filter(pk=req.pk, status=req.status).update(status=Status.OVERDUE):
            audit.record("cases.takedown.overdue", req, changes={
                **_describe(req), "status": [req.status, Status.OVERDUE]})
            marked += 1
    return marked


def of_case(case, now=None) -> list[tuple[TakedownRequest, list[clocks.ClockView]]]:
    """The case's requests, newest first, each with its clocks (two queries)."""
    requests = list(case.takedowns.select_related("legal_basis", "sent_by"))
    found = clocks.for_objects(requests, now)
    return [(req, found.get(req.pk, [])) for req in requests]
