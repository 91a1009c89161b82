"""Who is acting and from where, for the current request, job or command.

Set by ``RequestContextMiddleware`` for web requests and by ``acting_as`` for commands and
jobs; read by the audit log. A context variable, so threads and async tasks keep their own."""

from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user: object | None = None
    ip_address: str = ""
    via: str = "system"  # "web", "command", "job", "system"


_NOBODY = Actor()
_current: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("doingoai_actor", default=None)


def current() -> Actor:
    return _current.get() or _NOBODY


@contextlib.contextmanager
def acting_as(user=None, ip_address: str = "", via: str = "command"):
    token = _current.set(Actor(user=user, ip_address=ip_address, via=via))
    try:
        yield
    finally:
        _current.reset(token)
