"""Official documents in the layout of Decree 30/2020/NĐ-CP (Nghị định 30/2020/NĐ-CP về công
tác văn thư, Phụ lục I): reports, plans, conclusions … as DOCX (python-docx) and PDF
(WeasyPrint, from ``core/documents/official.html``).

Plain data in, bytes out::

    doc = OfficialDocument(parent_body="UBND thành phố Hải Phòng",
                           issuer="Sở Thông tin và Truyền thông", number="05/BC-STTTT",
                           place="Hải Phòng", date=date(2025, 7, 5), kind="Báo cáo",
                           title="Kết quả thực hiện …", body=[Heading("I. …"), Paragraph("…")],
                           recipients=["UBND thành phố (để b/c)"],
                           signature=Signature("Giám đốc", "Phó Giám đốc", "Nguyễn Văn A", "KT."))
    render_docx(doc), render_pdf(doc)

The rules of the Decree that both renderers follow (one ``_Layout`` feeds both; its column
widths and rule lengths are measured with the fonts each output will be set in):

* A4 portrait; margins top 20 mm, bottom 20 mm, left 30 mm, right 15 mm; Times New Roman
  (Liberation Serif, metric-compatible, where it is absent); page numbers centred at the top
  from page 2.
* Header (two borderless columns): parent body in capitals, not bold; issuer in bold capitals
  with a centred rule of 2/5 of its line under it │ "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" bold
  capitals, "Độc lập - Tự do - Hạnh phúc" bold with a rule as long as the line under it.
  Second row: "Số: 05/BC-STTTT" │ the italic place-and-date line.
* Kind in bold capitals, the title (trích yếu) bold, a short centred rule under it.
* Body 14 pt, justified, first-line indent 1.27 cm, 6 pt before each paragraph, line spacing
  1.2; headings bold; lists as "- item" paragraphs.
* Footer (two borderless columns): "Nơi nhận:" bold italic 12 pt, then "- X;" lines in 11 pt
  ending with "- Lưu: VT, ….", │ the signature: authority and title in bold capitals, room for
  the signature and seal, the signer's name in bold.
"""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
from dataclasses import dataclass
from datetime import date as Date
from functools import lru_cache
from pathlib import Path

from .vntext import fold

__all__ = [
    "Signature", "Heading", "Paragraph", "Bullets", "Table", "Block", "OfficialDocument",
    "SIGNATURE_MODES", "KIND_SYMBOLS", "date_line", "number_line", "signature_lines",
    "recipient_lines", "text_width_mm", "render_docx", "render_html", "render_pdf",
    "NATION", "MOTTO",
]

# ---------------------------------------------------------------------------------------------
# Data

SIGNATURE_MODES = ("", "KT.", "TM.", "TL.", "TUQ.", "Q.")
"""Ký thay, thay mặt, thừa lệnh, thừa ủy quyền, quyền; "" when the head signs in person."""


@dataclass(frozen=True)
class Signature:
    """Who signs: ``Signature("Giám đốc", "Phó Giám đốc", "Nguyễn Văn A", "KT.")`` renders
    "KT. GIÁM ĐỐC" / "PHÓ GIÁM ĐỐC" / (room to sign) / "Nguyễn Văn A"."""

    authority: str
    title: str
    name: str
    mode: str = ""

    def __post_init__(self):
        mode = (self.mode or "").strip().upper()
        if mode and not mode.endswith("."):
            mode += "."  # "kt" → "KT."
        if mode not in SIGNATURE_MODES:
            raise ValueError(f"Unknown signing mode {self.mode!r}: one of {SIGNATURE_MODES}")
        object.__setattr__(self, "mode", mode)


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1

    def __post_init__(self):
        if self.level not in (1, 2):
            raise ValueError(f"Heading level must be 1 or 2, not {self.level!r}")


@dataclass(frozen=True)
class Paragraph:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Bullets:
    """A list, written as Vietnamese documents write it: one "- item" paragraph per item."""

    items: list[str]


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]

    def __post_init__(self):
        width = len(self.header)
        if not width:
            raise ValueError("A table needs a header")
        for row in self.rows:
            if len(row) != width:
                raise ValueError(f"Row {row!r} has {len(row)} cells, the header has {width}")


Block = Heading | Paragraph | Bullets | Table


@dataclass
class OfficialDocument:
    parent_body: str
    issuer: str
    number: str
    place: str
    date: Date
    kind: str
    title: str
    body: list[Block]
    recipients: list[str]
    signature: Signature
    archive_note: str = "VT"


# ---------------------------------------------------------------------------------------------
# The texts of the layout


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").strip()


def _caps(text: str) -> str:
    return _nfc(text).upper()


def date_line(place: str, day: Date) -> str:
    """"Hải Phòng, ngày 05 tháng 7 năm 2025": days below 10 and the months 1 and 2 take a
    leading zero (Decree 30, Phụ lục I, II.5)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{_nfc(place)}, ngày {day.day:02d} tháng {month} năm {day.year}"


# Ký hiệu of the kinds of administrative documents (Decree 30, Phụ lục III), by folded name.
KIND_SYMBOLS = {
    "nghi quyet": "NQ", "quyet dinh": "QĐ", "chi thi": "CT", "quy che": "QC", "quy dinh": "QyĐ",
    "thong cao": "TC", "thong bao": "TB", "huong dan": "HD", "chuong trinh": "CTr",
    "ke hoach": "KH", "phuong an": "PA", "de an": "ĐA", "du an": "DA", "bao cao": "BC",
    "bien ban": "BB", "to trinh": "TTr", "hop dong": "HĐ", "cong dien": "CĐ",
    "ban ghi nho": "GN", "ban thoa thuan": "TTh", "giay uy quyen": "GUQ", "giay moi": "GM",
    "giay gioi thieu": "GGT", "giay nghi phep": "GNP", "phieu gui": "PG", "phieu chuyen": "PC",
    "phieu bao": "PB", "ket luan": "KL",
}
_DRAFT_GAP = " " * 8  # room for the number the clerk writes in at registration


def number_line(number: str, kind: str = "") -> str:
    """"Số: 05/BC-STTTT". Numbers below 10 take a leading zero. A draft has no number yet:
    "/BC-STTTT" (or "") shows "Số:        /BC-STTTT" (or "/BC" from the kind alone)."""
    number = _nfc(number)
    if "/" in number:
        digits, symbol = (part.strip() for part in number.split("/", 1))
    elif number and not number[0].isdigit():
        digits, symbol = "", number
    else:
        digits, symbol = number, ""
    if not digits:
        symbol = symbol or KIND_SYMBOLS.get(fold(kind).strip(), "")
        return f"Số:{_DRAFT_GAP}/{symbol}" if symbol else f"Số:{_DRAFT_GAP}"
    if digits.isdigit() and len(digits) == 1:
        digits = f"0{digits}"
    return f"Số: {digits}/{symbol}" if symbol else f"Số: {digits}"


def signature_lines(signature: Signature) -> tuple[list[str], str]:
    """(the capitalised lines above the signature, the signer's name).

    "KT." + "GIÁM ĐỐC" + "PHÓ GIÁM ĐỐC" → ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]; "" → the title
    alone (or the authority when there is no title); "Q." with the title equal to the
    authority → one line "Q. GIÁM ĐỐC"."""
    mode = signature.mode.strip()
    authority, title = _caps(signature.authority), _caps(signature.title)
    lines = []
    if mode:
        lines.append(f"{mode} {authority}".strip())
        if title and title != authority:
            lines.append(title)
    else:
        lines.append(title or authority)
    return [line for line in lines if line], _nfc(signature.name)


def recipient_lines(recipients: list[str], archive_note: str = "VT") -> list[str]:
    """["- UBND thành phố (để b/c);", …, "- Lưu: VT, TTBCXB."]: the office of records (VT)
    always keeps a copy, then the unit that drafted."""
    lines = []
    for recipient in recipients:
        text = _nfc(recipient).lstrip("-–• ").rstrip(";,. ")
        if text:
            lines.append(f"- {text};")
    note = _nfc(archive_note).rstrip(". ")
    note = re.sub(r"^VT\b[\s,;]*", "", note).strip()
    lines.append(f"- Lưu: VT, {note}." if note else "- Lưu: VT.")
    return lines


# ---------------------------------------------------------------------------------------------
# Geometry, in millimetres, shared by the DOCX and the PDF

PAGE_MM = (210, 297)
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
TEXT_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]  # 165
RIGHT_COL_MM = 85  # at least: national title, date, signature
LEFT_COL_MM = TEXT_MM - RIGHT_COL_MM  # at most: organisation, number, recipients
INDENT_MM = 12.7  # first-line indent of body paragraphs
SHORT_RULE = 0.4  # rules under the issuer and the title: 1/3 … 1/2 of the line above

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

SIZE = {
    "parent": 13, "issuer": 13, "nation": 12, "motto": 13, "number": 13, "date": 14,
    "kind": 14, "title": 14, "body": 14, "table": 13, "recipients_label": 12,
    "recipients": 11, "signature": 14, "page_number": 14,
}
FONT = "Times New Roman"
CSS_FONTS = '"Times New Roman", "Liberation Serif", "Noto Serif", serif'

# Font metrics. The DOCX is read in Word with Times New Roman: its lines are measured with the
# metric-compatible Liberation Serif, and a Vietnamese letter that an old Liberation (1.x) lacks
# takes the advance of its base letter, as in Times New Roman. The PDF is set by WeasyPrint
# with the CSS font stack, glyph by glyph: a letter missing from the first font comes from the
# next one (Noto Serif), and its lines are measured the same way.

_STYLE = {(False, False): "", (True, False): ":bold", (False, True): ":italic",
          (True, True): ":bold:italic"}
_LIBERATION = {(False, False): "Regular", (True, False): "Bold", (False, True): "Italic",
               (True, True): "BoldItalic"}
_HORN = "\u031b"  # ơ, ư are a little wider than o, u


@lru_cache(maxsize=32)
def _font_file(family: str, bold: bool, italic: bool) -> str | None:
    """The file fontconfig gives for ``family`` in that style (what WeasyPrint gets too)."""
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}", family + _STYLE[(bold, italic)]],
                             capture_output=True, text=True, timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        out = ""
    if out.strip():
        return out.strip()
    if family in ("Times New Roman", "Liberation Serif"):
        name = f"LiberationSerif-{_LIBERATION[(bold, italic)]}.ttf"
        for root in ("/usr/share/fonts", "/usr/local/share/fonts"):
            found = sorted(Path(root).rglob(name)) if Path(root).is_dir() else []
            if found:
                return str(found[-1])  # liberation2 sorts after liberation
    return None


@lru_cache(maxsize=32)
def _advances(path: str) -> dict[int, float]:
    """Code point → advance width in em."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        units = font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        return {cp: metrics[glyph][0] / units for cp, glyph in font.getBestCmap().items()}


def _chain(families: tuple[str, ...], bold: bool, italic: bool) -> list[dict[int, float]]:
    files = []
    for family in families:
        path = _font_file(family, bold, italic)
        if path and path not in files:
            files.append(path)
    chain = []
    for path in files:
        try:
            chain.append(_advances(path))
        except Exception:  # noqa: BLE001 - an unreadable font only costs precision
            continue
    return chain


def _width_em(text: str, chain: list[dict[int, float]], base_letters: bool) -> float:
    total = 0.0
    for char in unicodedata.normalize("NFC", text):
        for advances in chain:
            if ord(char) in advances:
                total += advances[ord(char)]
                break
        else:
            decomposed = unicodedata.normalize("NFD", char)
            base = ord(decomposed[0])
            if base_letters and chain and base in chain[0]:
                total += chain[0][base] * (1.15 if _HORN in decomposed else 1.0)
            else:  # a fair average for a serif face: capitals are wider than small letters
                total += 0.25 if char.isspace() else 0.7 if char.isupper() else 0.48
    return total


_TIMES = ("Times New Roman",)
_PDF_FAMILIES = ("Times New Roman", "Liberation Serif", "Noto Serif")


def text_width_mm(text: str, size_pt: float, bold: bool = False, italic: bool = False,
                  *, pdf: bool = False) -> float:
    """The printed width of one line of ``text``: in Times New Roman (as Word sets the DOCX),
    or with ``pdf=True`` in the fonts WeasyPrint will use on this machine."""
    chain = _chain(_PDF_FAMILIES if pdf else _TIMES, bold, italic)
    return _width_em(text, chain, base_letters=not pdf) * size_pt * 25.4 / 72


@dataclass
class _Layout:
    left_col_mm: float
    right_col_mm: float
    parent_lines: list[str]
    issuer_lines: list[str]
    parent_size: int
    issuer_size: int
    issuer_rule_mm: float
    motto_rule_mm: float
    number: str
    date: str
    kind: str
    title_lines: list[str]
    title_rule_mm: float
    body: list[Block]
    recipients: list[str]
    signature_lines: list[str]
    signer: str


def _lines(text: str) -> list[str]:
    return [line.strip() for line in _nfc(text).splitlines() if line.strip()]


def _layout(doc: OfficialDocument, pdf: bool = False) -> _Layout:
    def width(text: str, size: float, bold: bool = False, italic: bool = False) -> float:
        return text_width_mm(text, size, bold, italic, pdf=pdf)

    date = date_line(doc.place, doc.date)
    # The right column holds the national title, the motto and the date on one line each.
    needed = max(width(NATION, SIZE["nation"], True), width(MOTTO, SIZE["motto"], True),
                 width(date, SIZE["date"], italic=True)) + 1
    right = round(min(max(RIGHT_COL_MM, needed), TEXT_MM - 60), 1)
    left = round(TEXT_MM - right, 1)

    # The parent body and the issuer share one size: 13 pt, or 12 pt when 13 would wrap.
    parent = [line.upper() for line in _lines(doc.parent_body)]
    issuer = [line.upper() for line in _lines(doc.issuer)]
    fits = all(width(line, 13, False) <= left - 0.5 for line in parent) and all(
        width(line, 13, True) <= left - 0.5 for line in issuer)
    parent_size = issuer_size = 13 if fits else 12
    issuer_line = max((width(x, issuer_size, True) for x in issuer), default=0)
    title = _lines(doc.title)
    title_line = max((width(x, SIZE["title"], True) for x in title), default=0)
    sig_lines, signer = signature_lines(doc.signature)
    return _Layout(
        left_col_mm=left,
        right_col_mm=right,
        parent_lines=parent,
        issuer_lines=issuer,
        parent_size=parent_size,
        issuer_size=issuer_size,
        issuer_rule_mm=round(SHORT_RULE * min(issuer_line, left), 1),
        motto_rule_mm=round(width(MOTTO, SIZE["motto"], True), 1),
        number=number_line(doc.number, doc.kind),
        date=date,
        kind=_caps(doc.kind),
        title_lines=title,
        title_rule_mm=round(SHORT_RULE * min(title_line, TEXT_MM), 1),
        body=list(doc.body),
        recipients=recipient_lines(doc.recipients, doc.archive_note),
        signature_lines=sig_lines,
        signer=signer,
    )


# ---------------------------------------------------------------------------------------------
# DOCX


def render_docx(doc: OfficialDocument) -> bytes:
    """The document as a Word file laid out by Decree 30/2020."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    layout = _layout(doc)
    document = Document()
    _docx_defaults(document)
    props = document.core_properties
    props.title = f"{layout.kind} {' '.join(layout.title_lines)}".strip()
    props.author = " ".join(layout.issuer_lines)
    props.language = "vi-VN"

    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance = section.footer_distance = Mm(10)
    _docx_page_numbers(section)

    _docx_header(document, layout)

    p = _docx_paragraph(document, "center", before=12)
    _docx_run(p, layout.kind, SIZE["kind"], bold=True)
    for line in layout.title_lines:
        p = _docx_paragraph(document, "center")
        _docx_run(p, line, SIZE["title"], bold=True)
    _docx_rule(document.add_paragraph(), layout.title_rule_mm, TEXT_MM)

    for block in layout.body:
        _docx_block(document, block)

    _docx_footer(document, layout)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _fonts_element():
    from docx.oxml import OxmlElement

    fonts = OxmlElement("w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(_qn(attr), FONT)
    return fonts


def _set_fonts(rPr) -> None:
    """Times New Roman for every script, with no theme font that would win over it."""
    old = rPr.find(_qn("w:rFonts"))
    fonts = _fonts_element()
    if old is not None:
        old.addprevious(fonts)
        rPr.remove(old)
    else:
        rPr.insert(0, fonts)


def _docx_defaults(document) -> None:
    from docx.oxml import OxmlElement
    from docx.shared import Pt

    styles = document.styles.element
    rpr_default = styles.find(f"{_qn('w:docDefaults')}/{_qn('w:rPrDefault')}/{_qn('w:rPr')}")
    _set_fonts(rpr_default)
    for tag, value in (("w:sz", "28"), ("w:szCs", "28")):
        el = rpr_default.find(_qn(tag))
        el.set(_qn("w:val"), value)
    lang = rpr_default.find(_qn("w:lang"))
    lang.set(_qn("w:val"), "vi-VN")
    spacing = styles.find(f"{_qn('w:docDefaults')}/{_qn('w:pPrDefault')}/{_qn('w:pPr')}/{_qn('w:spacing')}")
    spacing.set(_qn("w:after"), "0")
    spacing.set(_qn("w:line"), "240")
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(SIZE["body"])
    _set_fonts(normal.element.get_or_add_rPr())
    if normal.element.get_or_add_rPr().find(_qn("w:lang")) is None:
        lang = OxmlElement("w:lang")
        lang.set(_qn("w:val"), "vi-VN")
        normal.element.get_or_add_rPr().append(lang)


def _docx_run(paragraph, text: str, size: float, bold: bool = False, italic: bool = False):
    from docx.shared import Pt

    run = paragraph.add_run(text)
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    _set_fonts(run._r.get_or_add_rPr())
    return run


def _docx_paragraph(container, align: str = "justify", before: float = 0, line: float = 1.0,
                    indent_mm: float = 0, keep_next: bool = False):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    p = container.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = {"justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "center": WD_ALIGN_PARAGRAPH.CENTER,
                     "left": WD_ALIGN_PARAGRAPH.LEFT}[align]
    fmt.space_before, fmt.space_after = Pt(before), Pt(0)
    fmt.line_spacing = line
    if indent_mm:
        fmt.first_line_indent = Mm(indent_mm)
    if keep_next:
        fmt.keep_with_next = True
    return p


def _mark_size(paragraph, size_pt: float) -> None:
    """Font and size of the paragraph mark (what an empty paragraph is made of)."""
    from docx.oxml import OxmlElement

    pPr = paragraph._p.get_or_add_pPr()
    rPr = pPr.find(_qn("w:rPr"))
    if rPr is None:
        rPr = OxmlElement("w:rPr")
        pPr.append(rPr)
    _set_fonts(rPr)
    for tag in ("w:sz", "w:szCs"):
        el = rPr.find(_qn(tag))
        if el is None:
            el = OxmlElement(tag)
            rPr.append(el)
        el.set(_qn("w:val"), str(round(size_pt * 2)))


def _docx_rule(paragraph, width_mm: float, span_mm: float) -> None:
    """A centred horizontal rule ``width_mm`` long: the bottom border of an empty, 2 pt high
    paragraph indented from both sides of its ``span_mm`` wide column."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.shared import Mm, Pt

    side = max(0.0, (span_mm - width_mm) / 2)
    fmt = paragraph.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt.left_indent = fmt.right_indent = Mm(side)
    fmt.first_line_indent = Mm(0)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(2)
    pPr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(_qn(key), value)
    borders.append(bottom)
    # pBdr comes before spacing/ind/jc in CT_PPr's sequence.
    anchor = next((pPr.find(_qn(t)) for t in ("w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc")
                   if pPr.find(_qn(t)) is not None), None)
    if anchor is not None:
        anchor.addprevious(borders)
    else:
        pPr.append(borders)
    _mark_size(paragraph, 2)


_TBLPR_ORDER = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
                "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders",
                "shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription")


def _tblPr_put(tblPr, *elements) -> None:
    """Put ``elements`` into a table's properties, replacing those of the same kind, every
    child in the order the schema requires (Word refuses a file otherwise)."""
    new = {el.tag: el for el in elements}
    children = [child for child in tblPr if child.tag not in new] + list(new.values())
    rank = {_qn(f"w:{tag}"): i for i, tag in enumerate(_TBLPR_ORDER)}
    for child in list(tblPr):
        tblPr.remove(child)
    for child in sorted(children, key=lambda el: rank.get(el.tag, len(rank))):
        tblPr.append(child)


def _tbl_element(tag: str, **attrs):
    from docx.oxml import OxmlElement

    el = OxmlElement(f"w:{tag}")
    for key, value in attrs.items():
        el.set(_qn(f"w:{key}"), value)
    return el


def _docx_table(document, widths_mm: list[float], rows: int, borderless: bool):
    """A table in fixed columns, as wide as the text; borderless ones have no cell padding
    either, so that their text lines up with the page margins."""
    from docx.shared import Mm

    table = document.add_table(rows=rows, cols=len(widths_mm))
    table.autofit = False
    total = str(round(sum(widths_mm) / 25.4 * 1440))
    elements = [_tbl_element("tblW", w=total, type="dxa"), _tbl_element("tblLayout", type="fixed")]
    edges = ("top", "left", "bottom", "right", "insideH", "insideV")
    borders = _tbl_element("tblBorders")
    for edge in edges:
        attrs = {"val": "nil"} if borderless else {"val": "single", "sz": "4", "space": "0",
                                                  "color": "000000"}
        borders.append(_tbl_element(edge, **attrs))
    elements.append(borders)
    if borderless:
        margins = _tbl_element("tblCellMar")
        for edge in ("left", "right"):
            margins.append(_tbl_element(edge, w="0", type="dxa"))
        elements.append(margins)
    _tblPr_put(table._tbl.tblPr, *elements)
    for i, col in enumerate(table.columns):
        col.width = Mm(widths_mm[i])
        for cell in col.cells:
            cell.width = Mm(widths_mm[i])
    return table


def _cell_paragraph(cell, first: list[bool], align: str = "center", before: float = 0):
    """The cell's own first paragraph the first time, a new one afterwards."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    if first[0]:
        first[0] = False
        p = cell.paragraphs[0]
    else:
        p = cell.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT,
                     "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
    fmt.space_before, fmt.space_after = Pt(before), Pt(0)
    fmt.line_spacing = 1.0
    return p


def _docx_header(document, layout: _Layout) -> None:
    table = _docx_table(document, [layout.left_col_mm, layout.right_col_mm], 2, borderless=True)
    left, right = table.rows[0].cells
    first = [True]
    for line in layout.parent_lines:
        _docx_run(_cell_paragraph(left, first), line, layout.parent_size)
    for line in layout.issuer_lines:
        _docx_run(_cell_paragraph(left, first), line, layout.issuer_size, bold=True)
    _docx_rule(left.add_paragraph(), layout.issuer_rule_mm, layout.left_col_mm)

    first = [True]
    _docx_run(_cell_paragraph(right, first), NATION, SIZE["nation"], bold=True)
    _docx_run(_cell_paragraph(right, first), MOTTO, SIZE["motto"], bold=True)
    _docx_rule(right.add_paragraph(), layout.motto_rule_mm, layout.right_col_mm)

    left, right = table.rows[1].cells
    _docx_run(_cell_paragraph(left, [True], before=6), layout.number, SIZE["number"])
    _docx_run(_cell_paragraph(right, [True], before=6), layout.date, SIZE["date"], italic=True)


def _docx_block(document, block: Block) -> None:
    from docx.shared import Pt

    size = SIZE["body"]
    if isinstance(block, Heading):
        p = _docx_paragraph(document, before=6, line=1.2, indent_mm=INDENT_MM, keep_next=True)
        _docx_run(p, _nfc(block.text), size, bold=True)
    elif isinstance(block, Paragraph):
        p = _docx_paragraph(document, before=6, line=1.2, indent_mm=INDENT_MM)
        _docx_run(p, _nfc(block.text), size, bold=block.bold, italic=block.italic)
    elif isinstance(block, Bullets):
        for item in block.items:
            p = _docx_paragraph(document, before=6, line=1.2, indent_mm=INDENT_MM)
            _docx_run(p, f"- {_nfc(item).lstrip('-–• ')}", size)
    elif isinstance(block, Table):
        _docx_data_table(document, block)
        spacer = _docx_paragraph(document)
        spacer.paragraph_format.space_after = Pt(0)
        _mark_size(spacer, 6)
    else:
        raise TypeError(f"Not a block of an official document: {block!r}")


def _docx_data_table(document, block: Table) -> None:
    from docx.oxml import OxmlElement

    table = _docx_table(document, _column_widths(block), 1 + len(block.rows), borderless=False)
    header_row = table.rows[0]
    trPr = header_row._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # the header repeats on every page
    trPr.append(repeat)
    for cell, text in zip(header_row.cells, block.header, strict=True):
        p = _cell_paragraph(cell, [True], "center", before=3)
        _docx_run(p, _nfc(text), SIZE["table"], bold=True)
    for row, texts in zip(table.rows[1:], block.rows, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            text = _nfc(str(text))
            align = "center" if _is_number(text) else "left"
            p = _cell_paragraph(cell, [True], align, before=3)
            _docx_run(p, text, SIZE["table"])


def _is_number(text: str) -> bool:
    return bool(re.fullmatch(r"[\d.,%+\-–/ ]+", text)) and any(c.isdigit() for c in text)


def _column_widths(block: Table) -> list[float]:
    """Columns in proportion to their longest text, each at least as wide as its longest word
    (so that "Số lượng" does not break inside a word), together as wide as the text."""
    size, padding = SIZE["table"], 4.5  # cell padding of Word and of the PDF, both sides
    columns = range(len(block.header))
    cells = [[_nfc(block.header[i])] + [_nfc(str(row[i])) for row in block.rows] for i in columns]
    minimum = []
    for i in columns:
        words = [(w, True) for w in cells[i][0].split()] + [
            (w, False) for text in cells[i][1:] for w in text.split()]
        widest = max((text_width_mm(w, size, bold) for w, bold in words), default=0)
        minimum.append(max(12.0, min(widest + padding, TEXT_MM / 2)))
    if sum(minimum) > TEXT_MM:
        return [round(m * TEXT_MM / sum(minimum), 1) for m in minimum]
    weights = [max(4, min(max(len(t) for t in cells[i]), 60)) for i in columns]
    fixed: dict[int, float] = {}
    while True:  # give the narrow columns their minimum, share the rest by weight
        free = [i for i in columns if i not in fixed]
        if not free:
            break
        room = TEXT_MM - sum(fixed.values())
        total = sum(weights[i] for i in free)
        widths = {i: room * weights[i] / total for i in free}
        short = [i for i in free if widths[i] < minimum[i]]
        if not short:
            break
        fixed.update({i: minimum[i] for i in short})
    widths = {i: widths.get(i, 0.0) for i in columns} | fixed
    return [round(widths[i], 1) for i in columns]


def _docx_footer(document, layout: _Layout) -> None:
    from docx.oxml import OxmlElement

    # The signature never stands alone on a page: the last lines of the body go with it.
    paragraphs = document.paragraphs
    if paragraphs and paragraphs[-1].text.strip():  # the body ends with a paragraph
        paragraphs[-1].paragraph_format.keep_with_next = True
    spacer = _docx_paragraph(document, keep_next=True)
    _mark_size(spacer, 6)
    table = _docx_table(document, [layout.left_col_mm, layout.right_col_mm], 1, borderless=True)
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    left, right = table.rows[0].cells
    first = [True]
    p = _cell_paragraph(left, first, "left", before=6)
    _docx_run(p, "Nơi nhận:", SIZE["recipients_label"], bold=True, italic=True)
    for line in layout.recipients:
        _docx_run(_cell_paragraph(left, first, "left"), line, SIZE["recipients"])

    first = [True]
    for line in layout.signature_lines:
        _docx_run(_cell_paragraph(right, first, before=6 if first[0] else 0), line,
                  SIZE["signature"], bold=True)
    for _ in range(4):  # room for the signature and the seal
        _mark_size(_cell_paragraph(right, first), SIZE["signature"])
    if layout.signer:
        _docx_run(_cell_paragraph(right, first), layout.signer, SIZE["signature"], bold=True)


def _docx_page_numbers(section) -> None:
    """Page numbers centred at the top, from page 2 on (none on the first page)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement

    section.different_first_page_header_footer = True
    header = section.header
    p = header.paragraphs[0]
    p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"),
                       ("end", None)):
        run = _docx_run(p, "", SIZE["page_number"])
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(_qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
    first = section.first_page_header.paragraphs[0]
    _mark_size(first, SIZE["page_number"])


# ---------------------------------------------------------------------------------------------
# HTML and PDF


def render_html(doc: OfficialDocument) -> str:
    """The HTML that ``render_pdf`` prints (every text escaped by the template)."""
    from django.template.loader import render_to_string

    layout = _layout(doc, pdf=True)

    def mm(value: float) -> str:  # formatted here: the template would localise "30,6"
        return f"{value:.1f}mm"

    blocks = []
    for block in layout.body:
        if isinstance(block, Heading):
            blocks.append({"type": "heading", "text": _nfc(block.text), "level": block.level})
        elif isinstance(block, Paragraph):
            blocks.append({"type": "paragraph", "text": _nfc(block.text), "bold": block.bold,
                           "italic": block.italic})
        elif isinstance(block, Bullets):
            blocks.append({"type": "bullets",
                           "items": [f"- {_nfc(i).lstrip('-–• ')}" for i in block.items]})
        elif isinstance(block, Table):
            blocks.append({
                "type": "table",
                "header": [_nfc(h) for h in block.header],
                "widths": [mm(w) for w in _column_widths(block)],
                "rows": [[{"text": _nfc(str(c)), "number": _is_number(_nfc(str(c)))} for c in row]
                         for row in block.rows],
            })
        else:
            raise TypeError(f"Not a block of an official document: {block!r}")
    context = {
        "layout": layout,
        "blocks": blocks,
        "nation": NATION,
        "motto": MOTTO,
        "title_text": f"{layout.kind} {' '.join(layout.title_lines)}".strip(),
        "author": " ".join(layout.issuer_lines),
        "fonts": CSS_FONTS,
        "size": SIZE,
        "geometry": {
            "margin": " ".join(mm(MARGINS_MM[k]) for k in ("top", "right", "bottom", "left")),
            "left_col": mm(layout.left_col_mm),
            "right_col": mm(layout.right_col_mm),
            "indent": mm(INDENT_MM),
            "issuer_rule": mm(layout.issuer_rule_mm),
            "title_rule": mm(layout.title_rule_mm),
        },
    }
    return render_to_string("core/documents/official.html", context)


def render_pdf(doc: OfficialDocument) -> bytes:
    """The document as a PDF laid out by Decree 30/2020, printed by WeasyPrint."""
    from weasyprint import HTML

    return HTML(string=render_html(doc)).write_pdf()
