"""What the importer reads out of a plan: plain dataclasses, no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..timeline import Timeline
from .units import UnitMatch

__all__ = ["Signer", "PlanDocument", "ParsedTask", "ParsedPlan"]


@dataclass
class Signer:
    title: str
    name: str


@dataclass
class PlanDocument:
    number: str = ""
    kind: str = ""
    date: date | None = None
    title: str = ""
    issuer: str = ""
    issuer_parent: str = ""
    place: str = ""
    basis: list[str] = field(default_factory=list)
    signer: Signer | None = None
    recipients: list[str] = field(default_factory=list)

    @property
    def year(self) -> int | None:
        return self.date.year if self.date else None


@dataclass
class ParsedTask:
    no: int
    title: str
    content: list[str]
    lead: UnitMatch | None
    coordinators: list[UnitMatch]
    and_related_units: bool
    timeline: Timeline
    title_as_read: str = ""


@dataclass
class ParsedPlan:
    document: PlanDocument
    tasks: list[ParsedTask]
    warnings: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    # The document's fields, also reachable from the plan itself (parsed.number …).
    number = property(lambda self: self.document.number)
    kind = property(lambda self: self.document.kind)
    date = property(lambda self: self.document.date)
    title = property(lambda self: self.document.title)
    issuer = property(lambda self: self.document.issuer)
    issuer_parent = property(lambda self: self.document.issuer_parent)
    place = property(lambda self: self.document.place)
    basis = property(lambda self: self.document.basis)
    signer = property(lambda self: self.document.signer)
    recipients = property(lambda self: self.document.recipients)

    @property
    def new_units(self) -> list[str]:
        """Names of the units the plan names that are not in the registry, in order, once."""
        names: list[str] = []
        for task in self.tasks:
            for match in [task.lead, *task.coordinators]:
                if match is not None and match.is_new and match.name not in names:
                    names.append(match.name)
        return names

    def to_contract(self) -> dict:
        """The plan as the stable JSON contract of ``doingoai plans import --json``."""
        doc = self.document
        return {
            "document": {
                "number": doc.number,
                "date": doc.date.isoformat() if doc.date else "",
                "title": doc.title,
                "issuer": doc.issuer,
            },
            "tasks": [
                {
                    "no": task.no,
                    "title": task.title,
                    "lead": task.lead.name if task.lead else "",
                    "coordinators": [c.name for c in task.coordinators],
                    "timeline": {
                        "text": task.timeline.text,
                        "start": task.timeline.start.isoformat() if task.timeline.start else None,
                        "end": task.timeline.end.isoformat() if task.timeline.end else None,
                    },
                }
                for task in self.tasks
            ],
        }
