"""The register of complaints and denunciations (khiếu nại, tố cáo) in external-information
activities, task 10 of the plan: receipt → acceptance decision → assignment → verification →
conclusion, each step one function, each decision recorded in the audit log, each statutory
period a clock (``cases.clocks``).

The law behind it: Luật Khiếu nại 2011 (thụ lý trong 10 ngày; giải quyết lần đầu trong 30
ngày, 45 ngày với vụ việc phức tạp hoặc ở vùng sâu, vùng xa, 60 ngày với cả hai) and Luật Tố
cáo 2018 (thụ lý trong 7 ngày làm việc; giải quyết trong 30 ngày, gia hạn một lần với vụ việc
phức tạp, hai lần với vụ việc đặc biệt phức tạp; giữ bí mật họ tên, địa chỉ, bút tích của
người tố cáo — Điều 9, Điều 47).

The sender's identity (name, address, contact) is shown only to the inspectors assigned to the
letter (``can_see_identity``), and each time it is shown the audit log records who saw it
(``identity``). Everybody else — leaders included — reads "(được bảo mật)". Lists, searches,
exports and the audit log never carry it; the conclusion of a denunciation never names the
denunciator."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doingoai.core import audit, documents, notify, numbering, permissions, seed
from doingoai.core.models import Organisation, Unit
from doingoai.core.vntext import fold

from . import access, clocks
from .models import Case, Clock, Complaint, ComplaintKind

CONFIDENTIAL = gettext_lazy("(được bảo mật)")
IDENTITY_FIELDS = ("complainant_name", "complainant_address", "complainant_contact")
NUMBER_SYMBOLS = {ComplaintKind.COMPLAINT: "KN", ComplaintKind.DENUNCIATION: "TC"}
ACCEPT_RULES = {
    ComplaintKind.COMPLAINT: "complaint-accept",
    ComplaintKind.DENUNCIATION: "denunciation-accept",
}
DUPLICATE_WINDOW = datetime.timedelta(days=30)
OLD_LETTER_AFTER = datetime.timedelta(days=30)
CLOCK_SKEW = datetime.timedelta(minutes=5)
OPEN_STATUSES = (Complaint.Status.RECEIVED, Complaint.Status.ACCEPTED, Complaint.Status.VERIFYING)
RESOLVE_RULES = (
    "complaint-resolve",
    "complaint-resolve-complex",
    "complaint-resolve-remote",
    "complaint-resolve-remote-complex",
    "denunciation-resolve",
)

REQUIRED = {
    "kind": gettext_lazy("Chưa chọn loại đơn (khiếu nại hay tố cáo)."),
    "received_at": gettext_lazy("Chưa nhập ngày nhận đơn."),
    "complainant_name": gettext_lazy("Chưa nhập họ và tên người gửi đơn."),
    "complainant_address": gettext_lazy("Chưa nhập địa chỉ người gửi đơn."),
    "subject": gettext_lazy("Chưa nhập nội dung tóm tắt của đơn."),
    "content": gettext_lazy("Chưa nhập nội dung đơn."),
}


class DuplicateComplaint(ValidationError):
    """The same sender wrote about the same matter less than 30 days ago and that letter is
    still open: ``existing`` is that letter (the form offers to open it)."""

    def __init__(self, existing: Complaint):
        self.existing = existing
        super().__init__(
            _(
                "Đơn này trùng với đơn số %(number)s nhận ngày %(day)s (cùng người gửi, cùng nội "
                "dung, đang được xử lý). Hãy mở đơn đó thay vì vào sổ lần nữa."
            )
            % {"number": existing.number, "day": _day(existing.received_at)},
            code="duplicate",
        )


def _day(moment: datetime.datetime | datetime.date | None) -> str:
    if moment is None:
        return ""
    if isinstance(moment, datetime.datetime):
        moment = timezone.localtime(moment).date()
    return moment.strftime("%d/%m/%Y")


theme_names = seed.theme_names


def is_assigned(user, complaint: Complaint) -> bool:
    if not getattr(user, "is_authenticated", False) or complaint.pk is None:
        return False
    return complaint.inspectors.filter(pk=user.pk).exists()


def can_assign(user) -> bool:
    """The chief inspector (head of the inspectorate) or a leader of the department."""
    return access.can_decide(user)


def can_decide(user) -> bool:
    """Acceptance, extension: decisions of the chief inspector or a leader."""
    return access.can_decide(user)


def can_conclude(user, complaint: Complaint) -> bool:
    return access.can_decide(user) or is_assigned(user, complaint)


def can_verify(user, complaint: Complaint) -> bool:
    return access.can_decide(user) or is_assigned(user, complaint)


# --- identity ---------------------------------------------------------------------------------


def can_see_identity(user, complaint: Complaint) -> bool:
    """Only the inspectors assigned to the letter: not leaders, not other inspectors."""
    return is_assigned(user, complaint)


def masked_identity() -> dict[str, str]:
    return {name: str(CONFIDENTIAL) for name in IDENTITY_FIELDS}


def identity(complaint: Complaint, user, request=None) -> dict[str, str]:
    """The sender's name, address and contact for an assigned inspector — the view written to
    the audit log — and "(được bảo mật)" for everybody else."""
    if not can_see_identity(user, complaint):
        return masked_identity()
    ip = None
    if request is not None:
        ip = getattr(request, "audit_ip", None) or request.META.get("REMOTE_ADDR", "")
    audit.record(
        "cases.complainant_viewed",
        complaint,
        user=user,
        ip_address=ip,
        changes={"xem": _("thông tin người gửi đơn")},
    )
    return {name: getattr(complaint, name) for name in IDENTITY_FIELDS}


# --- receipt ----------------------------------------------------------------------------------


def date_warnings(
    received_at: datetime.datetime, now: datetime.datetime | None = None
) -> list[str]:
    """Warnings (not errors) about the date of receipt: an old letter being registered late."""
    now = now or timezone.now()
    if received_at and now - received_at > OLD_LETTER_AFTER:
        return [
            _(
                "Ngày nhận đơn %(day)s đã cách đây %(days)s ngày: đơn được vào sổ muộn, thời hạn "
                "thụ lý tính từ ngày nhận đơn có thể đã qua."
            )
            % {"day": _day(received_at), "days": (now - received_at).days}
        ]
    return []


def find_duplicate(
    complainant_name: str,
    subject: str,
    received_at: datetime.datetime,
    exclude_pk: int | None = None,
) -> Complaint | None:
    """An open letter of the same sender (folded name) about the same matter (folded subject)
    received within 30 days of ``received_at``."""
    name, topic = fold(complainant_name).strip(), fold(subject).strip()
    if not name or not topic:
        return None
    near = (
        Complaint.objects.filter(
            status__in=OPEN_STATUSES,
            received_at__gte=received_at - DUPLICATE_WINDOW,
            received_at__lte=received_at + DUPLICATE_WINDOW,
        )
        .exclude(pk=exclude_pk)
        .order_by("received_at")
    )
    for candidate in near.only("pk", "number", "received_at", "complainant_name", "subject"):
        if (
            fold(candidate.complainant_name).strip() == name
            and fold(candidate.subject).strip() == topic
        ):
            return candidate
    return None


def _check_required(values: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, message in REQUIRED.items():
        value = values.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            errors[name] = [str(message)]
    kind = values.get("kind")
    if kind and kind not in ComplaintKind.values:
        errors["kind"] = [_("Loại đơn không hợp lệ: chọn khiếu nại hoặc tố cáo.")]
    received_at = values.get("received_at")
    if received_at is not None and "received_at" not in errors:
        if not isinstance(received_at, datetime.datetime):
            errors["received_at"] = [_("Ngày nhận đơn không hợp lệ (dd/mm/yyyy).")]
        elif received_at > timezone.now() + CLOCK_SKEW:
            errors["received_at"] = [
                _("Ngày nhận đơn %(day)s ở tương lai: hãy nhập ngày đã nhận đơn.")
                % {"day": _day(received_at)}
            ]
    unknown = [t for t in values.get("themes") or () if t not in theme_names()]
    if unknown:
        errors["themes"] = [
            _("Chủ đề không có trong danh mục: %(codes)s.") % {"codes": ", ".join(unknown)}
        ]
    for name, limit in (
        ("complainant_name", 200),
        ("complainant_address", 500),
        ("complainant_contact", 200),
        ("subject", 500),
    ):
        value = values.get(name) or ""
        if len(value.strip()) > limit:
            errors.setdefault(name, []).append(
                _("Tối đa %(limit)s ký tự (đang có %(n)s).")
                % {"limit": limit, "n": len(value.strip())}
            )
    return errors


@transaction.atomic
def receive(
    user,
    *,
    kind,
    received_at,
    complainant_name,
    complainant_address,
    complainant_contact,
    subject,
    content,
    themes=(),
    remote_area=False,
    case=None,
) -> Complaint:
    """Enter a letter in the register: its number ("05/KN", "03/TC"), and the acceptance
    clock from the day it was received. ``complaint.warnings`` lists what the person should
    know (a letter registered late)."""
    if not access.can_use(user):
        raise PermissionDenied(_("Bạn không có quyền vào sổ đơn khiếu nại, tố cáo."))
    if isinstance(received_at, datetime.date) and not isinstance(received_at, datetime.datetime):
        received_at = timezone.make_aware(
            datetime.datetime.combine(received_at, datetime.time(8, 0))
        )
    elif isinstance(received_at, datetime.datetime) and timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at)
    values = {
        "kind": kind,
        "received_at": received_at,
        "complainant_name": complainant_name,
        "complainant_address": complainant_address,
        "complainant_contact": complainant_contact,
        "subject": subject,
        "content": content,
        "themes": list(themes or ()),
    }
    errors = _check_required(values)
    if errors:
        raise ValidationError(errors)
    kind = ComplaintKind(kind)
    # Taking the number locks the register of the kind: a second submit of the same letter
    # waits here and then finds the first one as a duplicate.
    number = numbering.take_number(NUMBER_SYMBOLS[kind], timezone.localdate().year)
    existing = find_duplicate(complainant_name, subject, received_at)
    if existing is not None:
        raise DuplicateComplaint(existing)
    complaint = Complaint.objects.create(
        number=number,
        kind=kind,
        received_at=received_at,
        complainant_name=complainant_name.strip(),
        complainant_address=complainant_address.strip(),
        complainant_contact=(complainant_contact or "").strip(),
        subject=subject.strip(),
        content=content.strip(),
        themes=list(dict.fromkeys(themes or ())),
        remote_area=bool(remote_area),
        case=case,
        created_by=user,
    )
    _start_clock(complaint, ACCEPT_RULES[kind], received_at)
    audit.record(
        "cases.complaint_received",
        complaint,
        user=user,
        changes={
            "loại": str(kind.label),
            "ngày nhận": received_at,
            "chủ đề": complaint.themes,
            "vụ việc": case.pk if case else None,
        },
    )
    complaint.warnings = date_warnings(received_at)
    return complaint


# --- acceptance -------------------------------------------------------------------------------


def resolve_rule(complaint: Complaint) -> str:
    """The clock of the resolution, by kind, complexity and remoteness."""
    if complaint.kind == ComplaintKind.DENUNCIATION:
        return "denunciation-resolve"
    complex_ = complaint.complexity != Complaint.Complexity.NORMAL
    if complaint.remote_area and complex_:
        return "complaint-resolve-remote-complex"
    if complaint.remote_area:
        return "complaint-resolve-remote"
    if complex_:
        return "complaint-resolve-complex"
    return "complaint-resolve"


def _start_clock(complaint: Complaint, rule_code: str, at: datetime.datetime) -> Clock:
    try:
        return clocks.start(complaint, rule_code, started_at=at)
    except clocks.ClockError as exc:
        raise ValidationError(str(exc)) from exc


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _refresh(complaint: Complaint, fresh: Complaint) -> Complaint:
    """Bring the caller's object up to date (forms and views keep using it)."""
    for f in Complaint._meta.concrete_fields:
        setattr(complaint, f.attname, getattr(fresh, f.attname))
    return complaint


def _status_error(complaint: Complaint) -> ValidationError:
    if complaint.status == Complaint.Status.CONCLUDED:
        return ValidationError(
            _("Đơn %(number)s đã có kết luận số %(conclusion)s ngày %(day)s.")
            % {
                "number": complaint.number,
                "conclusion": complaint.conclusion_number or "—",
                "day": _day(complaint.concluded_at),
            }
        )
    if complaint.status == Complaint.Status.REJECTED:
        return ValidationError(
            _("Đơn %(number)s đã có quyết định không thụ lý.") % {"number": complaint.number}
        )
    return ValidationError(
        _("Đơn %(number)s đang ở bước «%(status)s»: không thực hiện được thao tác này.")
        % {"number": complaint.number, "status": complaint.get_status_display()}
    )


@transaction.atomic
def accept(
    complaint: Complaint,
    user,
    note: str = "",
    complexity: str = Complaint.Complexity.NORMAL,
    *,
    at: datetime.datetime | None = None,
) -> Complaint:
    """The acceptance (thụ lý): ends the acceptance clock, starts the resolution clock."""
    if not can_decide(user):
        raise PermissionDenied(_("Chỉ Chánh Thanh tra Sở hoặc lãnh đạo Sở quyết định thụ lý đơn."))
    if complexity not in Complaint.Complexity.values:
        raise ValidationError({"complexity": [_("Tính chất vụ việc không hợp lệ.")]})
    fresh = _locked(complaint)
    if fresh.status != Complaint.Status.RECEIVED:
        if fresh.status == Complaint.Status.ACCEPTED:
            raise ValidationError(
                _("Đơn %(number)s đã được thụ lý ngày %(day)s.")
                % {"number": fresh.number, "day": _day(fresh.accepted_at)}
            )
        raise _status_error(fresh)
    at = at or timezone.now()
    fresh.status = Complaint.Status.ACCEPTED
    fresh.accepted_at = at
    fresh.acceptance_note = (note or "").strip()
    fresh.complexity = complexity
    fresh.save(update_fields=["status", "accepted_at", "acceptance_note", "complexity"])
    clocks.finish(fresh, ACCEPT_RULES[fresh.kind], at=at)
    rule = resolve_rule(fresh)
    _start_clock(fresh, rule, at)
    audit.record(
        "cases.complaint_accepted",
        fresh,
        user=user,
        changes={
            "trạng thái": [Complaint.Status.RECEIVED, Complaint.Status.ACCEPTED],
            "tính chất": fresh.get_complexity_display(),
            "thời hạn": rule,
            "ghi chú": fresh.acceptance_note,
        },
    )
    return _refresh(complaint, fresh)


@transaction.atomic
def reject(complaint: Complaint, user, reason: str) -> Complaint:
    """The decision not to accept (không thụ lý), with its reason."""
    if not can_decide(user):
        raise PermissionDenied(
            _("Chỉ Chánh Thanh tra Sở hoặc lãnh đạo Sở quyết định không thụ lý đơn.")
        )
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Hãy ghi lý do không thụ lý (căn cứ pháp lý).")]})
    fresh = _locked(complaint)
    if fresh.status != Complaint.Status.RECEIVED:
        raise _status_error(fresh)
    fresh.status = Complaint.Status.REJECTED
    fresh.acceptance_note = reason.strip()
    fresh.save(update_fields=["status", "acceptance_note"])
    clocks.finish(fresh, ACCEPT_RULES[fresh.kind])
    audit.record(
        "cases.complaint_rejected",
        fresh,
        user=user,
        changes={
            "trạng thái": [Complaint.Status.RECEIVED, Complaint.Status.REJECTED],
            "lý do": fresh.acceptance_note,
        },
    )
    return _refresh(complaint, fresh)


# --- assignment and verification --------------------------------------------------------------


def eligible_inspectors():
    """People who may be assigned: the inspectors (Thanh tra viên) of the inspectorate."""
    return [
        u
        for u in access.inspectorate_staff().order_by("last_name", "first_name")
        if access.is_inspector(u)
    ]


@transaction.atomic
def assign(complaint: Complaint, user, inspectors) -> Complaint:
    """Give the letter to inspectors (they alone will see the sender's identity)."""
    if not can_assign(user):
        raise PermissionDenied(
            _("Chỉ Chánh Thanh tra Sở hoặc lãnh đạo Sở giao đơn cho thanh tra viên.")
        )
    people = list({u.pk: u for u in inspectors}.values())
    if not people:
        raise ValidationError({"inspectors": [_("Hãy chọn ít nhất một thanh tra viên.")]})
    wrong = [p for p in people if not access.is_inspector(p)]
    if wrong:
        raise ValidationError(
            {
                "inspectors": [
                    _("Không phải thanh tra viên của Thanh tra Sở: %(names)s.")
                    % {"names": ", ".join(_person(p) for p in wrong)}
                ]
            }
        )
    fresh = _locked(complaint)
    if fresh.status in (Complaint.Status.CONCLUDED, Complaint.Status.REJECTED):
        raise _status_error(fresh)
    before = sorted(fresh.inspectors.values_list("pk", flat=True))
    fresh.inspectors.set(people)
    after = sorted(p.pk for p in people)
    if before != after:
        audit.record(
            "cases.complaint_assigned",
            fresh,
            user=user,
            changes={"thanh tra viên": [before, after], "tên": [_person(p) for p in people]},
        )
        new = [p for p in people if p.pk not in before]
        notify.in_app(
            new,
            _("Bạn được giao xử lý đơn %(number)s") % {"number": fresh.number},
            fresh.subject,
            url=fresh.get_absolute_url(),
            key=f"complaint-assigned-{fresh.pk}",
        )
    return complaint


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


@transaction.atomic
def start_verification(complaint: Complaint, user) -> Complaint:
    if not can_verify(user, complaint):
        raise PermissionDenied(
            _("Chỉ thanh tra viên được giao, Chánh Thanh tra hoặc lãnh đạo Sở tiến hành xác minh.")
        )
    fresh = _locked(complaint)
    if fresh.status == Complaint.Status.VERIFYING:
        return _refresh(complaint, fresh)  # a second click: already under way
    if fresh.status != Complaint.Status.ACCEPTED:
        raise _status_error(fresh)
    fresh.status = Complaint.Status.VERIFYING
    fresh.save(update_fields=["status"])
    audit.record(
        "cases.complaint_verifying",
        fresh,
        user=user,
        changes={"trạng thái": [Complaint.Status.ACCEPTED, Complaint.Status.VERIFYING]},
    )
    return _refresh(complaint, fresh)


@transaction.atomic
def record_verification(complaint: Complaint, user, text: str) -> Complaint:
    """Write (or rewrite) the result of the verification."""
    if not can_verify(user, complaint):
        raise PermissionDenied(
            _(
                "Chỉ thanh tra viên được giao, Chánh Thanh tra hoặc lãnh đạo Sở "
                "ghi kết quả xác minh."
            )
        )
    if not (text or "").strip():
        raise ValidationError({"verification": [_("Hãy nhập kết quả xác minh.")]})
    fresh = _locked(complaint)
    if fresh.status not in (Complaint.Status.ACCEPTED, Complaint.Status.VERIFYING):
        raise _status_error(fresh)
    before = fresh.status
    fresh.status = Complaint.Status.VERIFYING
    fresh.verification = text.strip()
    fresh.save(update_fields=["status", "verification"])
    audit.record(
        "cases.complaint_verification",
        fresh,
        user=user,
        changes={"trạng thái": [before, fresh.status], "kết quả xác minh": fresh.verification},
    )
    return _refresh(complaint, fresh)


# --- the resolution clock ---------------------------------------------------------------------


def resolution_clock(complaint: Complaint) -> Clock | None:
    ct = ContentType.objects.get_for_model(Complaint)
    return (
        Clock.objects.filter(content_type=ct, object_id=complaint.pk, rule__code__in=RESOLVE_RULES)
        .select_related("rule")
        .order_by("-started_at")
        .first()
    )


def extensions_allowed(complaint: Complaint, clock: Clock | None = None) -> int:
    """How many times the resolution may be extended: never for a complaint; for a
    denunciation as its rule says for its complexity (once complex, twice very complex)."""
    if complaint.kind != ComplaintKind.DENUNCIATION:
        return 0
    clock = clock or resolution_clock(complaint)
    return clocks.max_extensions(clock, complaint) if clock is not None else 0


def can_extend(user, complaint: Complaint) -> bool:
    if not can_decide(user) or complaint.status not in (
        Complaint.Status.ACCEPTED,
        Complaint.Status.VERIFYING,
    ):
        return False
    clock = resolution_clock(complaint)
    return (
        clock is not None
        and clock.state == Clock.State.RUNNING
        and clock.extensions < extensions_allowed(complaint, clock)
    )


@transaction.atomic
def extend_resolution(complaint: Complaint, user, reason: str) -> Clock:
    """Extend the resolution of a denunciation (Luật Tố cáo 2018, Điều 30): once when it is
    complex, twice when it is very complex; complaints have no extension."""
    if not can_decide(user):
        raise PermissionDenied(_("Chỉ Chánh Thanh tra Sở hoặc lãnh đạo Sở quyết định gia hạn."))
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Hãy ghi lý do gia hạn.")]})
    fresh = _locked(complaint)
    if fresh.kind != ComplaintKind.DENUNCIATION:
        raise ValidationError(_("Luật Khiếu nại không cho gia hạn thời hạn giải quyết khiếu nại."))
    if fresh.status not in (Complaint.Status.ACCEPTED, Complaint.Status.VERIFYING):
        raise _status_error(fresh)
    clock = resolution_clock(fresh)
    if clock is None or clock.state != Clock.State.RUNNING:
        raise ValidationError(
            _("Đơn %(number)s không có thời hạn giải quyết đang tính.") % {"number": fresh.number}
        )
    allowed = extensions_allowed(fresh, clock)
    if clock.extensions >= allowed:
        if allowed == 0:
            raise ValidationError(
                _(
                    "Tố cáo có tính chất «%(complexity)s» không được gia hạn; chỉ vụ việc "
                    "phức tạp (một lần) hoặc đặc biệt phức tạp (hai lần) được gia hạn."
                )
                % {"complexity": fresh.get_complexity_display()}
            )
        raise ValidationError(
            _("Đã gia hạn %(n)s lần, là số lần tối đa cho vụ việc «%(complexity)s».")
            % {"n": clock.extensions, "complexity": fresh.get_complexity_display()}
        )
    before = clock.due_at
    try:
        clock = clocks.extend(clock, user, reason.strip())
    except clocks.ClockError as exc:
        raise ValidationError(str(exc)) from exc
    audit.record(
        "cases.complaint_extended",
        fresh,
        user=user,
        changes={
            "hạn": [before, clock.due_at],
            "lần gia hạn": clock.extensions,
            "lý do": reason.strip(),
        },
    )
    return clock


# --- conclusion -------------------------------------------------------------------------------


def conclusion_symbol(complaint: Complaint) -> str:
    """ "KL-TTS" (kết luận nội dung tố cáo) or "QĐ-TTS" (quyết định giải quyết khiếu nại)."""
    kind = "KL" if complaint.kind == ComplaintKind.DENUNCIATION else "QĐ"
    return f"{kind}-{settings.DOINGOAI_CASES_UNIT}"


@transaction.atomic
def conclude(
    complaint: Complaint,
    user,
    conclusion: str,
    number: str | None = None,
    *,
    at: datetime.datetime | None = None,
) -> Complaint:
    """The conclusion (kết luận nội dung tố cáo / quyết định giải quyết khiếu nại): ends the
    clocks. A second submit finds the letter concluded and says so."""
    if not can_conclude(user, complaint):
        raise PermissionDenied(
            _("Chỉ thanh tra viên được giao, Chánh Thanh tra Sở hoặc lãnh đạo Sở kết luận đơn.")
        )
    if not (conclusion or "").strip():
        raise ValidationError({"conclusion": [_("Hãy nhập nội dung kết luận.")]})
    number = (number or "").strip()
    fresh = _locked(complaint)
    if fresh.status not in (Complaint.Status.ACCEPTED, Complaint.Status.VERIFYING):
        if fresh.status == Complaint.Status.RECEIVED:
            raise ValidationError(
                _("Đơn %(number)s chưa được thụ lý: chưa kết luận được.") % {"number": fresh.number}
            )
        raise _status_error(fresh)
    at = at or timezone.now()
    if number:
        if Complaint.objects.filter(conclusion_number=number).exclude(pk=fresh.pk).exists():
            raise ValidationError(
                {
                    "number": [
                        _("Số văn bản %(number)s đã được dùng cho một kết luận khác.")
                        % {"number": number}
                    ]
                }
            )
    else:
        number = numbering.take_number(conclusion_symbol(fresh), timezone.localtime(at).year)
    before = fresh.status
    fresh.status = Complaint.Status.CONCLUDED
    fresh.conclusion = conclusion.strip()
    fresh.conclusion_number = number
    fresh.concluded_at = at
    fresh.concluded_by = user
    fresh.save(
        update_fields=["status", "conclusion", "conclusion_number", "concluded_at", "concluded_by"]
    )
    clocks.finish(fresh, at=at)
    audit.record(
        "cases.complaint_concluded",
        fresh,
        user=user,
        changes={"trạng thái": [before, fresh.status], "số": number, "kết luận": fresh.conclusion},
    )
    return _refresh(complaint, fresh)


# --- the conclusion as an official document ---------------------------------------------------


def _issuing(complaint: Complaint, signer) -> tuple[str, str, str, documents.Signature]:
    """(parent body, issuer, place, signature): a leader issues in the name of the department,
    anybody else in the name of its inspectorate."""
    day = (
        timezone.localtime(complaint.concluded_at).date()
        if complaint.concluded_at
        else timezone.localdate()
    )
    org = Organisation.on(day)
    if org is not None:
        department, parent, place = org.name, org.parent_name, org.place
    else:
        doc = seed.reference_plan()["document"]
        department, parent, place = (
            doc["issuer"],
            doc["issuer_parent"],
            doc.get("place") or "Hải Phòng",
        )
    inspectorate = Unit.objects.filter(code=settings.DOINGOAI_CASES_UNIT).first()
    inspectorate_name = inspectorate.name if inspectorate else _("Thanh tra Sở")
    name = _person(signer) if signer else ""
    if signer is not None and permissions.is_leader(signer):
        return parent, department, place, documents.Signature(_("Giám đốc"), _("Giám đốc"), name)
    if signer is not None and access.can_decide(signer):
        return (
            department,
            inspectorate_name,
            place,
            documents.Signature(_("Chánh Thanh tra"), _("Chánh Thanh tra"), name),
        )
    return (
        department,
        inspectorate_name,
        place,
        documents.Signature(_("Chánh Thanh tra"), _("Thanh tra viên"), name, "TL."),
    )


def _paragraphs(text: str) -> list:
    blocks, bullets = [], []
    for line in (text or "").splitlines():
        line = line.strip()
        if line.startswith(("- ", "– ")):
            bullets.append(line[2:])
            continue
        if bullets:
            blocks.append(documents.Bullets(bullets))
            bullets = []
        if line:
            blocks.append(documents.Paragraph(line))
    if bullets:
        blocks.append(documents.Bullets(bullets))
    return blocks or [documents.Paragraph("…")]


def conclusion_document(complaint: Complaint, user=None) -> documents.OfficialDocument:
    """The conclusion in the Decree 30 layout: "KẾT LUẬN NỘI DUNG TỐ CÁO" or "QUYẾT ĐỊNH GIẢI
    QUYẾT KHIẾU NẠI (LẦN ĐẦU)". A denunciation never names the denunciator (Luật Tố cáo 2018,
    Điều 47); a complaint decision names the complainant, unless it is rendered for ``user``
    who may not see the identity ("(được bảo mật)" then)."""
    signer = complaint.concluded_by
    parent, issuer, place, signature = _issuing(complaint, signer)
    day = (
        timezone.localtime(complaint.concluded_at).date()
        if complaint.concluded_at
        else timezone.localdate()
    )
    received = _day(complaint.received_at)
    body: list = []
    masked = False
    if complaint.kind == ComplaintKind.DENUNCIATION:
        kind, title = _("Kết luận"), _("Nội dung tố cáo")
        body += [
            documents.Paragraph(_("Căn cứ Luật Tố cáo ngày 12 tháng 6 năm 2018;"), italic=True),
            documents.Paragraph(
                _(
                    "Căn cứ Nghị định số 31/2019/NĐ-CP ngày 10 tháng 4 năm 2019 của Chính phủ "
                    "quy định chi tiết một số điều và biện pháp tổ chức thi hành Luật Tố cáo;"
                ),
                italic=True,
            ),
            documents.Paragraph(
                _(
                    "Xét đơn tố cáo số %(number)s nhận ngày %(day)s về việc %(subject)s "
                    "(thông tin người tố cáo được giữ bí mật theo quy định);"
                )
                % {"number": complaint.number, "day": received, "subject": complaint.subject},
                italic=True,
            ),
            documents.Paragraph(
                _("Căn cứ kết quả xác minh nội dung tố cáo, %(issuer)s kết luận như sau:")
                % {"issuer": issuer}
            ),
            documents.Heading(_("I. NỘI DUNG TỐ CÁO")),
        ]
        recipients = [_("Người tố cáo"), _("Người bị tố cáo"), _("Giám đốc Sở (để b/c)")]
    else:
        kind, title = _("Quyết định"), _("Giải quyết khiếu nại (lần đầu)")
        masked = user is not None and not can_see_identity(user, complaint)
        name = str(CONFIDENTIAL) if masked else complaint.complainant_name
        body += [
            documents.Paragraph(_("Căn cứ Luật Khiếu nại ngày 11 tháng 11 năm 2011;"), italic=True),
            documents.Paragraph(
                _(
                    "Căn cứ Nghị định số 124/2020/NĐ-CP ngày 19 tháng 10 năm 2020 của Chính "
                    "phủ quy định chi tiết một số điều và biện pháp thi hành Luật Khiếu nại;"
                ),
                italic=True,
            ),
            documents.Paragraph(
                _(
                    "Xét đơn khiếu nại số %(number)s nhận ngày %(day)s của %(name)s về việc "
                    "%(subject)s;"
                )
                % {
                    "number": complaint.number,
                    "day": received,
                    "name": name,
                    "subject": complaint.subject,
                },
                italic=True,
            ),
            documents.Heading(_("I. NỘI DUNG KHIẾU NẠI")),
        ]
        recipients = [_("Người khiếu nại"), _("Người bị khiếu nại"), _("Giám đốc Sở (để b/c)")]
    body += _paragraphs(complaint.content)
    body.append(documents.Heading(_("II. KẾT QUẢ XÁC MINH")))
    body += _paragraphs(complaint.verification)
    body.append(documents.Heading(_("III. KẾT LUẬN")))
    body += _paragraphs(complaint.conclusion)
    if complaint.kind == ComplaintKind.COMPLAINT:
        body.append(
            documents.Paragraph(
                _(
                    "Trong thời hạn 30 ngày kể từ ngày nhận được quyết định này mà không "
                    "đồng ý, người khiếu nại có quyền khiếu nại lần hai hoặc khởi kiện "
                    "vụ án hành chính tại Tòa án theo quy định của pháp luật."
                )
            )
        )
    if complaint.kind == ComplaintKind.DENUNCIATION or masked:
        # The last guard: the denunciator's name must not be printed even if typed in a text.
        body = [_scrub(block, complaint) for block in body]
    return documents.OfficialDocument(
        parent_body=parent.upper(),
        issuer=issuer.upper(),
        number=complaint.conclusion_number or f"/{conclusion_symbol(complaint)}",
        place=place,
        date=day,
        kind=kind,
        title=title,
        body=body,
        recipients=recipients,
        signature=signature,
        archive_note=f"VT, {settings.DOINGOAI_CASES_UNIT}, hồ sơ {complaint.number}",
    )


def redact(text: str, complaint: Complaint) -> str:
    """``text`` with the sender's name, address and contact replaced by "(được bảo mật)"
    (a letter's content often begins "Tôi là …"): what pages show to those who may not see
    the identity, and what a denunciation's conclusion prints."""
    text = text or ""
    for secret in (
        complaint.complainant_name,
        complaint.complainant_address,
        complaint.complainant_contact,
    ):
        secret = (secret or "").strip()
        if len(secret) >= 3:
            text = re.sub(re.escape(secret), str(CONFIDENTIAL), text, flags=re.IGNORECASE)
    return text


def _scrub(block, complaint: Complaint):
    def clean(text: str) -> str:
        return redact(text, complaint)

    if isinstance(block, documents.Paragraph):
        return documents.Paragraph(clean(block.text), bold=block.bold, italic=block.italic)
    if isinstance(block, documents.Bullets):
        return documents.Bullets([clean(item) for item in block.items])
    if isinstance(block, documents.Heading):
        return documents.Heading(clean(block.text), level=block.level)
    return block


def conclusion_files(complaint: Complaint, user=None) -> tuple[bytes, bytes]:
    doc = conclusion_document(complaint, user)
    return documents.render_docx(doc), documents.render_pdf(doc)


def file_stem(complaint: Complaint) -> str:
    prefix = (
        "ket-luan-to-cao"
        if complaint.kind == ComplaintKind.DENUNCIATION
        else "quyet-dinh-giai-quyet-khieu-nai"
    )
    number = (complaint.conclusion_number or f"du-thao-{complaint.pk}").replace("/", "-")
    return f"{prefix}-{fold(number).replace(' ', '-')}"


# --- selectors --------------------------------------------------------------------------------


def sees_all(user) -> bool:
    """Leaders and the inspectorate see the whole register."""
    if permissions.is_leader(user):
        return True
    inspectorate = set(
        Unit.objects.filter(code=settings.DOINGOAI_CASES_UNIT).values_list("pk", flat=True)
    )
    return bool(permissions.unit_ids(user, permissions.EDITING_ROLES) & inspectorate)


def visible(user) -> QuerySet[Complaint]:
    """The register as ``user`` may read it: everything for the inspectorate and the leaders;
    for others of the cases units, the letters linked to their units' cases."""
    if not access.can_use(user):
        return Complaint.objects.none()
    qs = Complaint.objects.all()
    if sees_all(user):
        return qs
    mine = permissions.unit_ids(user, permissions.EDITING_ROLES)
    return qs.filter(case__owner_unit_id__in=mine)


def overdue_ids(now: datetime.datetime | None = None) -> QuerySet:
    ct = ContentType.objects.get_for_model(Complaint)
    return Clock.objects.filter(
        content_type=ct, state=Clock.State.RUNNING, due_at__lt=now or timezone.now()
    ).values("object_id")


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    status: str = ""
    theme: str = ""
    overdue: bool = False
    q: str = ""


def search(user, filters: Filters = Filters()) -> QuerySet[Complaint]:
    """The register filtered; the free text matches the number and the subject (with or
    without diacritics), never the sender."""
    qs = visible(user)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.theme:
        qs = qs.filter(
            pk__in=[c.pk for c in qs.only("pk", "themes") if filters.theme in (c.themes or [])]
        )
    if filters.overdue:
        qs = qs.filter(pk__in=overdue_ids())
    if filters.q.strip():
        wanted = fold(filters.q).strip()
        qs = qs.filter(
            pk__in=[
                c.pk
                for c in qs.only("pk", "number", "subject")
                if wanted in fold(f"{c.number} {c.subject}")
            ]
        )
    return qs.order_by("-received_at", "-pk")


def open_for_inspector(user) -> QuerySet[Complaint]:
    if not getattr(user, "is_authenticated", False):
        return Complaint.objects.none()
    return Complaint.objects.filter(inspectors=user, status__in=OPEN_STATUSES).distinct()


def linked_to_case(case, user) -> QuerySet[Complaint]:
    return visible(user).filter(case=case)


def visible_cases(user) -> QuerySet[Case]:
    """The cases a letter may be linked to by ``user``."""
    if sees_all(user):
        return Case.objects.all()
    return Case.objects.filter(
        owner_unit_id__in=permissions.unit_ids(user, permissions.EDITING_ROLES)
    )


def assignable_users():
    return get_user_model().objects.filter(pk__in=[u.pk for u in eligible_inspectors()])


__all__ = [
    "CONFIDENTIAL",
    "DuplicateComplaint",
    "Filters",
    "accept",
    "assign",
    "can_see_identity",
    "conclude",
    "conclusion_document",
    "conclusion_files",
    "extend_resolution",
    "identity",
    "receive",
    "record_verification",
    "reject",
    "search",
    "start_verification",
    "visible",
]
