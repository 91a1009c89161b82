"""Demo of the library for ``make run``: the collection «Biển, đảo» (first), «Văn bản quy phạm
pháp luật về biển» and «Hình ảnh biển đảo Hải Phòng», and about thirty items written for the
project about Hai Phong's sea and islands (``data/demo-items.json``: public, verifiable facts;
the official documents are marked as samples).

The files are made at load time in a temporary folder — official documents in the Decree 30
layout (``core.documents``: PDF and DOCX), articles as PDF and DOCX, sketch maps, a poster and
illustrations drawn with Pillow, a short WAV, and one scanned-looking page saved as an
image-only PDF — and each goes through ``ingest.ingest_file`` as an upload would: the scan and
the pictures are recognised by OCR there and then; the editor puts right the words the OCR
misread on the drawings, the scan keeps its text as recognised.

Then the people of the workflow act: the editor (bientap) describes each item (Dublin Core),
the leader (lanhdao) publishes most of them (evidence on task 5 of the plan, when the plan of
the publication's year is active); two items submitted by the specialist (chuyenvien) and
approved at «Biên tập» wait at «Kiểm duyệt»; one stays a draft; one picture is removed by the
reviewer (kiemduyet) with its reason and legal basis (a tombstone); one article is dated as
published 13 months ago, so that the re-review queue shows it. The catalogue's index follows
through ``index_receivers`` when the transaction commits.

Idempotent: once «Biển, đảo» holds items, a second run changes nothing. Everything is made in
one transaction: a failure leaves no half-loaded demo (and no stored file) behind. Without
Tesseract's Vietnamese the items are skipped with a message (no PDF or image can be ingested).
"""

from __future__ import annotations

import datetime
import html
import json
import logging
import math
import random
import struct
import tempfile
import wave
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from doingoai.core import documents
from doingoai.core.demo import loader
from doingoai.core.models import Organisation, Unit

from . import index_receivers, ingest, ocr, publishing, review
from .models import Access, Collection, Item, ItemFile

__all__ = [
    "DATA",
    "MAIN_COLLECTION",
    "BACKDATED_MONTHS",
    "MAKERS",
    "load_library",
    "demo_data",
    "picture_text",
    "scan_image",
]

logger = logging.getLogger("doingoai.library")

DATA = Path(__file__).resolve().parent / "data" / "demo-items.json"
MAIN_COLLECTION = "bien-dao"
BACKDATED_MONTHS = 13
FONT_DIR = Path("/usr/share/fonts/truetype/noto")
LIBRARY_UNIT = "TTTT"
SCAN_DPI = 250
A4_INCHES = (8.27, 11.69)
SIGNATURE = documents.Signature("Giám đốc", "Phó Giám đốc", "Nguyễn Văn A", "KT.")


def demo_data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


# --- the loader ---------------------------------------------------------------------------------


@loader(order=50)
def load_library(data: dict | None = None) -> str:
    """Load the demo collection and items (``data``: the contents of ``DATA`` by default);
    returns a one-line message."""
    publishing.ensure_workflow()
    data = data or demo_data()
    collections = _collections(data["collections"])
    main = collections[MAIN_COLLECTION]
    held = main.items.count()
    if held:
        return f"Thư viện điện tử: bộ sưu tập «{main.name}» đã có {held} tài liệu."
    people = _people()
    if people is None:
        return "Thư viện điện tử: bỏ qua tài liệu mẫu (thiếu người dùng mẫu)."
    try:
        ocr.check_languages(ocr.DEFAULT_LANGUAGES)  # the ingest of any PDF or image needs it
    except ocr.OcrError as exc:
        return (
            f"Thư viện điện tử: bỏ qua tài liệu mẫu. {exc} Cài gói tesseract-ocr-vie rồi chạy lại "
            f"«doingoai demo»."
        )
    unit = Unit.objects.filter(code=LIBRARY_UNIT).first()
    stored: list[str] = []
    try:
        with (
            tempfile.TemporaryDirectory(prefix="doingoai-library-demo-") as tmp,
            transaction.atomic(),
        ):
            made = [
                _load_item(spec, data["defaults"], people, unit, Path(tmp), stored)
                for spec in data["items"]
            ]
    except BaseException:
        _delete_files(stored)
        raise
    states = [state for _, state in made]
    scanned = sum(
        1
        for (item, _), spec in zip(made, data["items"], strict=True)
        if spec["make"] == "scan" and item.ocr
    )
    return (
        f"Thư viện điện tử: bộ sưu tập «{main.name}» với {len(made)} tài liệu mẫu "
        f"({states.count('published') + states.count('old')} đã xuất bản, "
        f"{states.count('moderation')} chờ kiểm duyệt, {states.count('draft')} bản nháp, "
        f"{states.count('removed')} đã gỡ bỏ); {scanned} bản quét đã nhận dạng chữ (OCR)."
    )


def _delete_files(names: list[str]) -> None:
    """The files stored for items that a failed load rolled back."""
    storage = ItemFile._meta.get_field("file").storage
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("Không xóa được tệp %s", name)


def _collections(rows: list[dict]) -> dict[str, Collection]:
    found = {}
    for row in rows:
        collection, _ = Collection.objects.get_or_create(
            slug=row["slug"],
            defaults={
                k: row[k] for k in ("name", "name_en", "order", "description", "description_en")
            },
        )
        found[row["slug"]] = collection
    return found


def _people() -> dict | None:
    wanted = {
        "editor": "bientap",
        "specialist": "chuyenvien",
        "reviewer": "kiemduyet",
        "leader": "lanhdao",
    }
    users = {u.username: u for u in get_user_model().objects.filter(username__in=wanted.values())}
    if len(users) != len(wanted):
        return None
    return {role: users[name] for role, name in wanted.items()}


def _load_item(
    spec: dict, defaults: dict, people: dict, unit, folder: Path, stored: list
) -> tuple[Item, str]:
    spec = {**defaults, **spec}
    day = datetime.date.fromisoformat(spec["date"])
    path = folder / spec["file"]
    MAKERS[spec["make"]](spec, day, path)
    state = spec["state"]
    author = people["specialist"] if state == "moderation" else people["editor"]
    item = ingest.ingest_file(
        path,
        user=author,
        name=spec["file"],
        title=spec["title"],
        kind=spec["kind"],
        collections=spec["collections"],
        owner_unit=unit,
        run_ocr="now",
    )
    stored.extend(item.files.values_list("file", flat=True))
    shown = picture_text(spec)
    if shown:  # the editor puts right what the OCR misread on a drawing
        ingest.set_page_text(item, 1, shown, user=people["editor"])
    _describe(item, spec, day, unit)
    if state in ("published", "old", "removed"):
        item.save_revision(user=author).publish(user=people["leader"])
    elif state == "moderation":
        item.save_revision(user=author)
        item.get_workflow().start(item, author)
        item.current_workflow_task_state.approve(user=people["editor"])  # on to «Kiểm duyệt»
    else:
        item.save_revision(user=author)
    if state == "old":
        when = timezone.make_aware(
            datetime.datetime.combine(
                review.months_ago(timezone.localdate(), BACKDATED_MONTHS), datetime.time(9, 0)
            )
        )
        Item.objects.filter(pk=item.pk).update(first_published_at=when, last_published_at=when)
        index_receivers.schedule(item.pk)  # ``update`` sends no signal
    elif state == "removed":
        removal = spec["removal"]
        review.remove(
            Item.objects.get(pk=item.pk),
            people["reviewer"],
            removal["reason"],
            removal["legal_basis"],
        )
    return item, state


def _describe(item: Item, spec: dict, day: datetime.date, unit) -> None:
    """The editor's Dublin Core description of the item."""
    organisation = Organisation.on(day)
    item.creator = spec["creator"]
    item.publisher = organisation.name if organisation else "Sở Thông tin và Truyền thông"
    item.contributor = "\n".join(spec.get("contributor", []))
    item.subject = "\n".join(spec["subject"])
    item.description = spec["description"]
    item.date = day
    item.language = spec["language"]
    item.coverage = spec["coverage"]
    item.rights = spec["rights"]
    item.relation = "\n".join(spec.get("relation", []))
    item.themes = list(spec["themes"])
    item.access = spec["access"]
    item.save()
    if item.access == Access.RESTRICTED and unit is not None:
        item.restricted_units.set([unit])


# --- documents ----------------------------------------------------------------------------------


def _blocks(body: list[dict]) -> list:
    blocks = []
    for block in body:
        if "h" in block:
            blocks.append(documents.Heading(block["h"], block.get("level", 1)))
        elif "p" in block:
            blocks.append(documents.Paragraph(block["p"], italic=block.get("italic", False)))
        elif "ul" in block:
            blocks.append(documents.Bullets(block["ul"]))
        else:
            blocks.append(documents.Table(block["table"]["header"], block["table"]["rows"]))
    return blocks


def _official(spec: dict, day: datetime.date) -> documents.OfficialDocument:
    doc = spec["document"]
    organisation = Organisation.on(day)
    department = organisation.name if organisation else "Sở Thông tin và Truyền thông"
    city = organisation.parent_name if organisation else "UBND thành phố Hải Phòng"
    issuer = doc.get("issuer") or department
    return documents.OfficialDocument(
        parent_body=(department if doc.get("issuer") else city).upper(),
        issuer=issuer.upper(),
        number=doc["number"],
        place=organisation.place if organisation else "Hải Phòng",
        date=day,
        kind=doc["kind"],
        title=doc["title"],
        body=_blocks(doc["body"]),
        recipients=doc["recipients"],
        signature=SIGNATURE,
        archive_note=doc.get("archive", "VT"),
    )


def _official_pdf(spec: dict, day: datetime.date, path: Path) -> None:
    path.write_bytes(documents.render_pdf(_official(spec, day)))


def _official_docx(spec: dict, day: datetime.date, path: Path) -> None:
    path.write_bytes(documents.render_docx(_official(spec, day)))


_ARTICLE_STYLE = (
    "@page{size:A4;margin:22mm 20mm}body{font-family:'Noto Serif',serif;font-size:12pt;"
    "line-height:1.5}h1{font-family:'Noto Sans',sans-serif;font-size:19pt;line-height:1.25;"
    "margin:0 0 4mm}.meta{color:#555;font-size:10pt;border-bottom:1px solid #999;"
    "padding-bottom:2mm;margin-bottom:5mm}p{text-align:justify;margin:0 0 3mm}"
    ".rights{margin-top:8mm;color:#555;font-size:9pt}"
)


def _article_pdf(spec: dict, day: datetime.date, path: Path) -> None:
    from weasyprint import HTML

    esc = html.escape
    paragraphs = "".join(f"<p>{esc(p)}</p>" for p in spec["body"])
    page = (
        f'<!DOCTYPE html><html lang="{esc(spec["language"])}"><head><meta charset="utf-8">'
        f'<title>{esc(spec["title"])}</title><meta name="author" content="{esc(spec["creator"])}">'
        f"<style>{_ARTICLE_STYLE}</style></head><body><h1>{esc(spec['title'])}</h1>"
        f'<p class="meta">{esc(spec["creator"])} · {day:%d/%m/%Y}</p>{paragraphs}'
        f'<p class="rights">{esc(spec["rights"])}</p></body></html>'
    )
    HTML(string=page).write_pdf(str(path))


def _article_docx(spec: dict, day: datetime.date, path: Path) -> None:
    import docx

    document = docx.Document()
    document.core_properties.title = spec["title"]
    document.core_properties.author = spec["creator"]
    document.add_heading(spec["title"], level=1)
    document.add_paragraph(f"{spec['creator']} · {day:%d/%m/%Y}").runs[0].italic = True
    for paragraph in spec["body"]:
        document.add_paragraph(paragraph)
    document.add_paragraph(spec["rights"])
    document.save(str(path))


# --- pictures -----------------------------------------------------------------------------------

CAPTION_NOTE = "Tranh minh họa — dữ liệu mẫu"


def picture_text(spec: dict) -> str:
    """The words drawn on a picture of the demo, one per line ("" for other files)."""
    if "drawing" in spec:
        plan = spec["drawing"]
        lines = [
            plan["title"],
            *(land["label"] for land in plan["lands"]),
            *(label["text"] for label in plan["labels"]),
            plan["note"],
        ]
    elif "poster" in spec:
        lines = [line[0] for line in spec["poster"]["lines"]] + [spec["poster"]["footer"]]
    elif "caption" in spec:
        lines = [spec["caption"], CAPTION_NOTE]
    else:
        return ""
    return "\n".join(" ".join(line.split()) for line in lines)


def _font(size: int, bold: bool = False, serif: bool = False):
    from PIL import ImageFont

    name = f"Noto{'Serif' if serif else 'Sans'}-{'Bold' if bold else 'Regular'}.ttf"
    try:
        return ImageFont.truetype(str(FONT_DIR / name), size)
    except OSError:
        return ImageFont.load_default(size)


def _text(
    draw,
    at,
    text: str,
    size: int,
    *,
    bold: bool = False,
    fill=(20, 30, 40),
    halo=(255, 255, 255),
    anchor: str = "la",
) -> None:
    draw.text(
        tuple(at),
        text,
        font=_font(size, bold),
        fill=fill,
        anchor=anchor,
        stroke_width=max(2, size // 12) if halo else 0,
        stroke_fill=halo,
    )


def _drawing(spec: dict, day: datetime.date, path: Path) -> None:
    """A sketch map: sea, land polygons with their names, islets, labels, a north arrow."""
    from PIL import Image, ImageDraw

    plan = spec["drawing"]
    width, height = plan["size"]
    image = Image.new("RGB", (width, height), tuple(plan["sea"]))
    draw = ImageDraw.Draw(image)
    for start, end in zip(plan.get("dashed", [])[::2], plan.get("dashed", [])[1::2], strict=True):
        steps = 24
        for i in range(0, steps, 2):
            a = [start[k] + (end[k] - start[k]) * i / steps for k in (0, 1)]
            b = [start[k] + (end[k] - start[k]) * (i + 1) / steps for k in (0, 1)]
            draw.line([tuple(a), tuple(b)], fill=(90, 90, 110), width=3)
    for land in plan["lands"]:
        draw.polygon(
            [tuple(p) for p in land["points"]],
            fill=(226, 214, 165),
            outline=(120, 100, 60),
            width=3,
        )
    rng = random.Random(spec["key"])
    for x, y in plan["islets"]:
        rx, ry = rng.randint(10, 22), rng.randint(8, 16)
        draw.ellipse(
            (x - rx, y - ry, x + rx, y + ry), fill=(226, 214, 165), outline=(120, 100, 60), width=2
        )
    for land in plan["lands"]:
        _text(
            draw,
            land["at"],
            land["label"],
            26 if land.get("small") else 34,
            bold=not land.get("small"),
        )
    for label in plan["labels"]:
        _text(
            draw, label["at"], label["text"], 26 if label.get("small") else 36, fill=(10, 60, 120)
        )
    draw.rectangle((0, 0, width, 80), fill=(12, 74, 128))
    _text(
        draw,
        (width // 2, 40),
        plan["title"],
        38,
        bold=True,
        fill=(255, 255, 255),
        halo=None,
        anchor="mm",
    )
    x, y = plan["compass"]
    draw.polygon([(x, y - 70), (x - 22, y + 10), (x, y - 8), (x + 22, y + 10)], fill=(30, 30, 30))
    _text(draw, (x, y - 78), "B", 34, bold=True, anchor="md")
    draw.rectangle((0, height - 56, width, height), fill=(255, 255, 255))
    _text(draw, (24, height - 28), plan["note"], 24, fill=(70, 70, 70), halo=None, anchor="lm")
    image.save(path, "PNG", optimize=True)


def _gradient(size: tuple[int, int], top, bottom):
    from PIL import Image

    width, height = size
    column = Image.new("RGB", (1, height))
    for y in range(height):
        t = y / max(1, height - 1)
        column.putpixel((0, y), tuple(round(top[k] + (bottom[k] - top[k]) * t) for k in range(3)))
    return column.resize((width, height))


def _waves(
    draw, width: int, base: int, rows: int, colour, amplitude: int = 14, seed: int = 0
) -> None:
    rng = random.Random(seed)
    for row in range(rows):
        y0, phase = base + row * 34, rng.random() * math.tau
        points = [(x, y0 + amplitude * math.sin(x / 70 + phase)) for x in range(0, width + 10, 10)]
        draw.line(points, fill=colour, width=4)


def _poster(spec: dict, day: datetime.date, path: Path) -> None:
    from PIL import ImageDraw

    plan = spec["poster"]
    width, height = plan["size"]
    image = _gradient((width, height), plan["top"], plan["bottom"])
    draw = ImageDraw.Draw(image)
    draw.ellipse((width - 380, 90, width - 140, 330), fill=(255, 214, 102))
    _waves(draw, width, height - 420, 8, (210, 236, 245), seed=3)
    y = 420
    for text, size, bold in plan["lines"]:
        _text(
            draw,
            (width // 2, y),
            text,
            size,
            bold=bold,
            fill=(255, 255, 255),
            halo=(12, 50, 90),
            anchor="mm",
        )
        y += round(size * 1.7)
    draw.rectangle((0, height - 110, width, height), fill=(12, 50, 90))
    _text(
        draw,
        (width // 2, height - 55),
        plan["footer"],
        34,
        fill=(255, 255, 255),
        halo=None,
        anchor="mm",
    )
    image.save(path, "PNG", optimize=True)


def _caption(draw, width: int, height: int, caption: str) -> None:
    draw.rectangle((0, height - 90, width, height), fill=(20, 24, 40))
    _text(
        draw,
        (30, height - 45),
        caption,
        40,
        bold=True,
        fill=(255, 255, 255),
        halo=None,
        anchor="lm",
    )
    _text(
        draw,
        (width - 30, height - 45),
        CAPTION_NOTE,
        24,
        fill=(200, 200, 210),
        halo=None,
        anchor="rm",
    )


def _lighthouse(spec: dict, day: datetime.date, path: Path) -> None:
    from PIL import Image, ImageDraw

    width, height = 1200, 900
    image = _gradient((width, height), (58, 40, 110), (250, 160, 90))
    glow = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    beams = ImageDraw.Draw(glow)
    beams.polygon([(760, 250), (0, 120), (0, 260)], fill=(255, 245, 200, 90))
    beams.polygon([(760, 250), (1200, 90), (1200, 230)], fill=(255, 245, 200, 70))
    image = Image.alpha_composite(image.convert("RGBA"), glow).convert("RGB")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 640, width, height), fill=(40, 70, 120))
    _waves(draw, width, 660, 4, (90, 130, 180), amplitude=6, seed=5)
    draw.polygon([(520, 660), (640, 470), (880, 440), (1010, 660)], fill=(45, 60, 45))
    draw.polygon([(720, 470), (800, 470), (790, 280), (730, 280)], fill=(245, 245, 240))
    for y in (330, 400):
        draw.polygon([(724, y + 30), (796, y + 30), (794, y), (726, y)], fill=(190, 40, 40))
    draw.rectangle((722, 240, 798, 282), fill=(40, 40, 40))
    draw.ellipse((738, 232, 782, 268), fill=(255, 240, 160))
    draw.polygon([(716, 240), (804, 240), (760, 205)], fill=(190, 40, 40))
    _caption(draw, width, height, spec["caption"])
    image.save(path, "JPEG", quality=88)


def _sunrise(spec: dict, day: datetime.date, path: Path) -> None:
    from PIL import ImageDraw

    width, height = 1200, 800
    image = _gradient((width, height), (250, 200, 150), (120, 170, 200))
    draw = ImageDraw.Draw(image)
    draw.ellipse((520, 250, 680, 410), fill=(255, 220, 120))
    draw.rectangle((0, 430, width, height), fill=(70, 130, 160))
    _waves(draw, width, 450, 7, (140, 190, 210), amplitude=5, seed=7)
    rng = random.Random(spec["key"])
    x = -40
    while x < width:
        w, h = rng.randint(90, 200), rng.randint(120, 300)
        draw.polygon(
            [(x, 432), (x + w * 0.15, 432 - h), (x + w * 0.6, 432 - h * 0.9), (x + w, 432)],
            fill=(60, 80, 70),
        )
        x += w + rng.randint(40, 160)
    _caption(draw, width, height, spec["caption"])
    image.save(path, "JPEG", quality=88)


# --- sound and the scan -------------------------------------------------------------------------


def _tone(spec: dict, day: datetime.date, path: Path) -> None:
    """A short signature tune: each note half a second, softly faded in and out."""
    rate, note_seconds = 22050, 0.5
    frames = bytearray()
    for frequency in spec["notes"]:
        count = int(rate * note_seconds)
        for n in range(count):
            envelope = min(1.0, n / 600, (count - n) / 2500)
            value = (
                0.35
                * envelope
                * (
                    math.sin(math.tau * frequency * n / rate)
                    + 0.3 * math.sin(math.tau * 2 * frequency * n / rate)
                )
            )
            frames += struct.pack("<h", int(max(-1.0, min(1.0, value)) * 32767))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))


def _wrap(text: str, font, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and font.getlength(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    return lines + ([current] if current else [])


def scan_image(heading: str, paragraphs: list[str], dpi: int = SCAN_DPI):
    """A page of text as a flatbed scanner gives it: A4, greyish paper, turned by 0.4°, grainy."""
    from PIL import Image, ImageDraw, ImageFilter

    width, height = round(A4_INCHES[0] * dpi), round(A4_INCHES[1] * dpi)
    page = Image.new("L", (width, height), 246)
    draw = ImageDraw.Draw(page)
    points = lambda pt: round(pt / 72 * dpi)  # noqa: E731
    margin = round(dpi * 0.9)
    draw.text(
        (margin, margin),
        "TƯ LIỆU THAM KHẢO — LƯU HÀNH TRONG THƯ VIỆN ĐIỆN TỬ",
        font=_font(points(9), serif=True),
        fill=60,
    )
    y = margin + points(36)
    for line in _wrap(heading, _font(points(15), bold=True, serif=True), width - 2 * margin):
        draw.text(
            (width // 2, y),
            line,
            font=_font(points(15), bold=True, serif=True),
            fill=15,
            anchor="ma",
        )
        y += points(24)
    y += points(14)
    body = _font(points(13), serif=True)
    for paragraph in paragraphs:
        for number, line in enumerate(_wrap(paragraph, body, width - 2 * margin - points(28))):
            draw.text((margin + (points(28) if number == 0 else 0), y), line, font=body, fill=25)
            y += points(21)
        y += points(8)
    draw.text(
        (width // 2, height - margin),
        "– 1 –",
        font=_font(points(10), serif=True),
        fill=60,
        anchor="ma",
    )
    page = page.rotate(0.4, resample=Image.Resampling.BICUBIC, fillcolor=250)
    grain = Image.effect_noise(page.size, 40)
    return Image.blend(page, grain, 0.06).filter(ImageFilter.GaussianBlur(0.5))


def _scan(spec: dict, day: datetime.date, path: Path) -> None:
    """An image-only PDF (a JPEG per page, no text layer): the ingest recognises it (OCR)."""
    image = scan_image(spec["scan"]["heading"], spec["scan"]["paragraphs"])
    image.save(path, "PDF", resolution=SCAN_DPI, quality=85)


MAKERS = {
    "official_pdf": _official_pdf,
    "official_docx": _official_docx,
    "article_pdf": _article_pdf,
    "article_docx": _article_docx,
    "drawing": _drawing,
    "poster": _poster,
    "lighthouse": _lighthouse,
    "sunrise": _sunrise,
    "tone": _tone,
    "scan": _scan,
}
