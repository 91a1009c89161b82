"""Importing a plan through the staff UI: upload → read → a person corrects → save.

What was read waits in the data directory (``imports/<token>/``) until it is confirmed, so
that nothing reaches the database before a person has looked at every task."""

from __future__ import annotations

import datetime
import json
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from doingoai.core import seed
from doingoai.core.models import Unit

from . import importer, services, timeline
from .models import Plan

MAX_BYTES = 50 * 1024 * 1024
MAX_AGE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class ImportFailed(Exception):
    pass


@dataclass
class Pending:
    token: str
    user_id: int
    filename: str
    directory: Path
    data: dict

    @property
    def file(self) -> Path:
        return self.directory / "source"


def _root() -> Path:
    return Path(settings.DATA_DIR) / "imports"


def unit_refs() -> list:
    """The units to match against: the database's, or the shipped reference registry when the
    database has none yet (a fresh install, a dry run before ``migrate``)."""
    try:
        units = [importer.UnitRef(u.code, u.name, tuple(u.aliases or ()), u.internal) for u in Unit.objects.all()]
    except DatabaseError:
        units = []
    if units:
        return units
    return [
        importer.UnitRef(row["code"], row["name"], tuple(row.get("aliases", ())), row.get("internal", True))
        for row in seed.reference_plan()["units"]
    ]


def unit_choices():
    return Unit.objects.order_by("-internal", "name")


def _match(m) -> dict:
    return {"code": m.code or "", "name": m.name, "new": bool(m.is_new)}


def to_data(parsed, extracted) -> dict:
    doc = parsed.document
    return {
        "document": {
            "number": doc.number, "kind": doc.kind, "date": doc.date.isoformat(), "title": doc.title,
            "issuer": doc.issuer, "issuer_parent": doc.issuer_parent, "place": doc.place,
            "basis": list(doc.basis), "recipients": list(doc.recipients),
            "signer_title": doc.signer.title if doc.signer else "", "signer_name": doc.signer.name if doc.signer else "",
        },
        "tasks": [
            {
                "no": t.no, "title": t.title, "content": list(t.content),
                "lead": _match(t.lead) if t.lead else None,
                "coordinators": [_match(c) for c in t.coordinators],
                "and_related_units": t.and_related_units, "timeline": t.timeline.text,
                "start": t.timeline.start.isoformat() if t.timeline.start else None,
                "end": t.timeline.end.isoformat() if t.timeline.end else None,
            }
            for t in parsed.tasks
        ],
        "warnings": list(parsed.warnings),
        "ocr": extracted.ocr, "pages": extracted.pages,
    }


def start(upload, user) -> Pending:
    if upload.size > MAX_BYTES:
        raise ImportFailed(_("Tệp lớn hơn 50 MB."))
    token = secrets.token_urlsafe(24)
    directory = _root() / token
    directory.mkdir(parents=True)
    source = directory / "source"
    with open(source, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    try:
        extracted = importer.extract_text(source)
        parsed = importer.parse(extracted.text, unit_refs())
    except importer.PlanImportError as exc:
        shutil.rmtree(directory, ignore_errors=True)
        raise ImportFailed(str(exc)) from None
    meta = {"user_id": user.pk, "filename": Path(upload.name).name[:200], "created": time.time(),
            "data": to_data(parsed, extracted)}
    (directory / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return Pending(token, user.pk, meta["filename"], directory, meta["data"])


def load(token: str, user) -> Pending | None:
    if not _TOKEN.match(token or ""):
        return None
    directory = _root() / token
    try:
        meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if meta["user_id"] != user.pk or time.time() - meta["created"] > MAX_AGE_SECONDS:
        return None
    return Pending(token, meta["user_id"], meta["filename"], directory, meta["data"])


def existing_plan(data: dict) -> Plan | None:
    year = datetime.date.fromisoformat(data["document"]["date"]).year
    return Plan.objects.filter(number=data["document"]["number"], year=year).first()


def _date(text: str) -> datetime.date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise ValidationError(_("Ngày “%(text)s” không đúng dạng dd/mm/yyyy.") % {"text": text})


def _unit(value: str, by_code: dict) -> SimpleNamespace | None:
    value = (value or "").strip()
    if not value:
        return None
    if value.startswith("new:"):
        name = value[4:].strip()
        return SimpleNamespace(code=None, name=name, is_new=True) if name else None
    unit = by_code.get(value)
    if unit is None:
        raise ValidationError(_("Đơn vị có mã %(code)s không có trong danh mục.") % {"code": value})
    return SimpleNamespace(code=unit.code, name=unit.name, is_new=False)


def from_post(data: dict, post) -> SimpleNamespace:
    """The plan as the person corrected it on the review screen."""
    doc = data["document"]
    number = post.get("number", doc["number"]).strip()
    if not number:
        raise ValidationError(_("Thiếu số, ký hiệu của kế hoạch."))
    day = _date(post.get("date", "")) if post.get("date") else datetime.date.fromisoformat(doc["date"])
    by_code = {u.code: u for u in Unit.objects.all()}
    tasks = []
    for i, task in enumerate(data["tasks"]):
        if post.get(f"task-{i}-skip") == "1":
            continue
        lead = _unit(post.get(f"task-{i}-lead", ""), by_code)
        if lead is None:
            raise ValidationError(_("Nhiệm vụ %(no)s chưa có đơn vị chủ trì.") % {"no": task["no"]})
        coordinators = [_unit(code, by_code) for code in post.getlist(f"task-{i}-coordinators")]
        for name in post.get(f"task-{i}-new-coordinators", "").split(";"):
            if name.strip():
                coordinators.append(SimpleNamespace(code=None, name=name.strip(), is_new=True))
        text = post.get(f"task-{i}-timeline", task["timeline"]).strip()
        tasks.append(SimpleNamespace(
            no=task["no"], title=post.get(f"task-{i}-title", task["title"]).strip() or task["title"],
            content=task["content"], lead=lead, coordinators=[c for c in coordinators if c],
            and_related_units=task["and_related_units"], timeline=timeline.parse(text, day.year),
        ))
    if not tasks:
        raise ValidationError(_("Kế hoạch không còn nhiệm vụ nào."))
    document = SimpleNamespace(
        number=number, kind=doc["kind"], date=day, title=post.get("title", doc["title"]).strip() or doc["title"],
        issuer=post.get("issuer", doc["issuer"]).strip() or doc["issuer"], issuer_parent=doc["issuer_parent"],
        place=doc["place"], basis=doc["basis"], recipients=doc["recipients"],
        signer=SimpleNamespace(title=doc["signer_title"], name=doc["signer_name"]),
    )
    return SimpleNamespace(document=document, tasks=tasks)


def confirm(pending: Pending, post, user, *, update: bool = False) -> Plan:
    edited = from_post(pending.data, post)
    owner = Unit.objects.filter(code=post.get("owner_unit", "")).first()
    plan = services.save_parsed_plan(
        edited, source_bytes=pending.file.read_bytes(), source_name=pending.filename, update=update, owner_unit=owner,
    )
    shutil.rmtree(pending.directory, ignore_errors=True)
    return plan
