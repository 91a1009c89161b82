"""Reads of cases: which cases a person sees, the filters of the case list, the counts of the
dashboard.

A person sees the cases of her units among ``DOINGOAI_CASES_UNITS`` (where she holds an editing
role): the cases they own and the cases that passed through them at some step (a step handed to
a unit shares the case with it). Leaders see every case."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from doingoai.core import permissions, vntext

from . import access
from .models import Case, LegalBasis, Step

UNCLASSIFIED = "chua-phan-loai"  # the list's filter value for "Chưa phân loại" ("" means any)


def case_unit_ids(user) -> set[int]:
    """The units among ``DOINGOAI_CASES_UNITS`` where ``user`` holds an editing role."""
    return access.case_unit_ids(user, permissions.EDITING_ROLES)


def visible_cases(user) -> QuerySet[Case]:
    cases = Case.objects.select_related("owner_unit", "assignee", "story")
    if not access.can_use(user):
        return cases.none()
    if permissions.is_leader(user):
        return cases
    units = case_unit_ids(user)
    shared = Case.objects.filter(steps__unit__in=units).values("pk")
    return cases.filter(Q(owner_unit__in=units) | Q(pk__in=shared))


def can_view(user, case: Case) -> bool:
    """Whether ``user`` sees (and works on) ``case``."""
    if not access.can_use(user):
        return False
    if permissions.is_leader(user):
        return True
    units = case_unit_ids(user)
    return case.owner_unit_id in units or case.steps.filter(unit__in=units).exists()


@dataclass
class Filters:
    step: str = ""
    classification: str = ""
    origin: str = ""
    theme: str = ""
    overdue: bool = False
    open_only: bool = False
    mine: bool = False
    query: str = ""


def filtered(cases: QuerySet[Case], filters: Filters, user=None) -> QuerySet[Case]:
    if filters.step:
        cases = cases.filter(step=filters.step)
    if filters.classification == UNCLASSIFIED:
        cases = cases.filter(classification="")
    elif filters.classification:
        cases = cases.filter(classification=filters.classification)
    if filters.origin:
        cases = cases.filter(origin=filters.origin)
    if filters.theme:
        # JSON "contains" is not on every backend: themes are short codes, matched in the text.
        cases = cases.filter(themes__icontains=f'"{filters.theme}"')
    if filters.open_only:
        cases = cases.exclude(step=Step.CLOSED)
    if filters.overdue:
        cases = overdue(cases)
    if filters.mine and user is not None:
        cases = cases.filter(assignee=user)
    query = vntext.fold(filters.query or "").strip()
    if query:
        words = query.split()
        condition = Q()
        for word in words:
            condition &= Q(folded__contains=word)
        cases = cases.filter(condition | Q(number__icontains=filters.query.strip()))
    return cases


def overdue(cases: QuerySet[Case], now=None) -> QuerySet[Case]:
    return cases.exclude(step=Step.CLOSED).filter(step_due__lt=now or timezone.now())


def is_overdue(case: Case, now=None) -> bool:
    return case.is_open and case.step_due is not None and case.step_due < (now or timezone.now())


def my_open_cases(user) -> QuerySet[Case]:
    return visible_cases(user).filter(assignee=user).exclude(step=Step.CLOSED).order_by("step_due", "pk")


def counts(user) -> dict[str, int]:
    cases = visible_cases(user)
    open_cases = cases.exclude(step=Step.CLOSED)
    return {"open": open_cases.count(), "overdue": overdue(open_cases).count(),
            "mine": open_cases.filter(assignee=user).count()}


def history(case: Case):
    """The passages of ``case`` through the steps, oldest first."""
    return case.steps.select_related("unit", "person", "entered_by").order_by("entered_at", "pk")


def notes(case: Case):
    return case.notes.select_related("author").order_by("created_at", "pk")


def active_legal_bases():
    return LegalBasis.objects.filter(active=True).order_by("title", "provision")
