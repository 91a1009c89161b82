"""Sections of a case's page, contributed by each area through the hook
``register_case_panel`` (evidence, clocks and takedowns, claim suggestions, clarifications,
complaints …). A hook function takes ``(request, case)`` and returns a ``CasePanel`` or None;
the case page renders them in ``order``."""

from __future__ import annotations

from dataclasses import dataclass, field

from wagtail import hooks

PANEL_HOOK = "register_case_panel"


@dataclass
class CasePanel:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


def for_case(request, case) -> list[CasePanel]:
    panels = [hook(request, case) for hook in hooks.get_hooks(PANEL_HOOK)]
    return sorted((p for p in panels if p is not None), key=lambda p: p.order)
