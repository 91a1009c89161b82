"""Buttons other apps put on the page of an article or a story, through the hook
``register_monitoring_action``: each hook function takes ``(request, obj)`` (an ``Article``
or a ``Story``) and returns a list of ``Action`` (or an empty list)."""

from __future__ import annotations

from dataclasses import dataclass

from wagtail import hooks

ACTION_HOOK = "register_monitoring_action"


@dataclass(frozen=True)
class Action:
    label: str
    url: str
    post: bool = True  # a form with one button (CSRF-protected), or a plain link
    icon: str = ""


def for_object(request, obj) -> list[Action]:
    found: list[Action] = []
    for hook in hooks.get_hooks(ACTION_HOOK):
        found += hook(request, obj) or []
    return found
