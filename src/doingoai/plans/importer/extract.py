"""Text out of a plan file: plain text, DOCX, PDF (text layer or scan) or an image.

The type is read from the file's first bytes, not trusted from its name: offices rename
files freely ("kehoach.pdf" that is a JPEG, "ke-hoach.doc" that is a DOCX). Scanned pages
and images go through Tesseract with Vietnamese and English.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .errors import PlanImportError

__all__ = ["Extracted", "extract_text", "MAX_BYTES", "OCR_LANG"]

MAX_BYTES = 50 * 1024 * 1024
OCR_LANG = "vie+eng"
OCR_DPI = 300
# A PDF page with fewer letters than this in its text layer is treated as a scan.
MIN_TEXT_LAYER_LETTERS = 20
# OCR output with fewer letters than this is noise from a blank or unreadable page.
MIN_OCR_LETTERS = 40


@dataclass(frozen=True)
class Extracted:
    text: str
    pages: int
    ocr: bool
    kind: str  # "txt", "docx", "pdf", "image"


def extract_text(path: Path) -> Extracted:
    """The text of the plan file at ``path``, in NFC with "\\n" line ends.

    Raises ``PlanImportError`` for a missing, empty, oversized, unsupported, encrypted or
    corrupt file, and for a scan in which OCR finds no readable text."""
    path = Path(path)
    head = _head_of(path)
    kind = detect_kind(head, path)
    reader = {"pdf": _read_pdf, "docx": _read_docx, "image": _read_image, "txt": _read_text}[kind]
    extracted = reader(path)
    if not extracted.text.strip():
        raise PlanImportError(f"Tệp {path.name} không có nội dung chữ nào.")
    return extracted


def _head_of(path: Path) -> bytes:
    if not path.is_file():
        raise PlanImportError(f"Không tìm thấy tệp {path}.")
    size = path.stat().st_size
    if size == 0:
        raise PlanImportError(f"Tệp {path.name} rỗng (0 byte).")
    if size > MAX_BYTES:
        raise PlanImportError(
            f"Tệp {path.name} quá lớn ({size / 1024 / 1024:.1f} MB); giới hạn là {MAX_BYTES // 1024 // 1024} MB."
        )
    with path.open("rb") as fh:
        return fh.read(8192)


# --- what kind of file is it ------------------------------------------------------------------
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM", b"GIF8")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def detect_kind(head: bytes, path: Path) -> str:
    """"pdf", "docx", "image" or "txt", from the first bytes; PlanImportError otherwise."""
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if head.startswith(_OLE_MAGIC):
        raise PlanImportError(_ole_message(path))
    if head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "image"
    if _looks_like_text(head):
        return "txt"
    raise PlanImportError(
        f"Không nhận ra loại tệp {path.name}. Hãy nhập tệp văn bản (.txt), Word (.docx), PDF "
        "hoặc ảnh quét (PNG, JPEG, TIFF)."
    )


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise PlanImportError(f"Tệp {path.name} bị hỏng (tệp nén không đọc được): {exc}.") from None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names or "content.xml" in names or "ppt/presentation.xml" in names:
        raise PlanImportError(
            f"Tệp {path.name} là bảng tính, trình chiếu hoặc tệp OpenDocument: chưa hỗ trợ. "
            "Hãy lưu kế hoạch dưới dạng .docx hoặc PDF."
        )
    raise PlanImportError(f"Tệp {path.name} là tệp nén nhưng không phải tài liệu Word (.docx).")


def _ole_message(path: Path) -> str:
    data = path.read_bytes()
    if "EncryptedPackage".encode("utf-16-le") in data:
        return f"Tệp {path.name} được mã hóa (đặt mật khẩu): hãy bỏ mật khẩu rồi nhập lại."
    return (
        f"Tệp {path.name} là định dạng Word/Excel cũ (.doc, .xls): chưa hỗ trợ. "
        "Hãy lưu lại dưới dạng .docx hoặc PDF."
    )


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls <= max(1, len(head) // 100)


# --- plain text ---------------------------------------------------------------------------------
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
# Windows Vietnamese code page, then Western European (which any byte string ends up in).
_FALLBACKS = ("cp1258", "cp1252", "latin-1")


def decode_text(data: bytes) -> str:
    """Bytes of a text file as text: BOM first, then UTF-8, then the Windows code pages."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for encoding in _FALLBACKS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")  # unreachable: latin-1 decodes any bytes


def clean_text(text: str) -> str:
    """NFC, "\\n" line ends, page breaks as line ends, trailing spaces gone."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n").replace("\x00", "")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def _read_text(path: Path) -> Extracted:
    text = clean_text(decode_text(path.read_bytes()))
    return Extracted(text=text, pages=1, ocr=False, kind="txt")


# --- DOCX ---------------------------------------------------------------------------------------
def _read_docx(path: Path) -> Extracted:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise PlanImportError(f"Tệp Word {path.name} bị hỏng, không mở được: {exc}.") from None
    except Exception as exc:  # lxml's XMLSyntaxError and friends: a damaged part inside
        raise PlanImportError(f"Tệp Word {path.name} bị hỏng, không đọc được nội dung: {exc}.") from None
    lines = list(_docx_lines(document))
    return Extracted(text=clean_text("\n".join(lines)), pages=_docx_pages(document), ocr=False, kind="docx")


def _docx_lines(document):
    """Paragraphs and tables in document order. A table row becomes lines whose cells are
    separated by " | " (the parser reads such rows as a task table); a merged cell is written
    once."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, Table):
            yield from _table_lines(block)
            yield ""


def _table_lines(table):
    """A row as seen on the page: its cells side by side, one line per paragraph (the issuer
    over its parent in a header cell, a title over its content in a task cell)."""
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append([p.text.strip() for p in cell.paragraphs if p.text.strip()])
        for depth in range(max((len(c) for c in cells), default=0)):
            yield " | ".join(c[depth] if depth < len(c) else "" for c in cells)


def _docx_pages(document) -> int:
    """Word's own page count from docProps/app.xml; 1 when the file has none."""
    try:
        part = document.part.package.part_related_by(
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"
        )
        found = re.search(rb"<Pages>(\d+)</Pages>", part.blob)
        return int(found.group(1)) if found else 1
    except (KeyError, AttributeError):
        return 1


# --- PDF ----------------------------------------------------------------------------------------
def _read_pdf(path: Path) -> Extracted:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise PlanImportError(
                f"Tệp PDF {path.name} được mã hóa (đặt mật khẩu): hãy bỏ mật khẩu rồi nhập lại."
            ) from None
        raise PlanImportError(f"Tệp PDF {path.name} bị hỏng, không mở được ({exc}).") from None
    try:
        if len(pdf) == 0:
            raise PlanImportError(f"Tệp PDF {path.name} không có trang nào.")
        pages = [_pdf_page_text(pdf[index]) for index in range(len(pdf))]
    finally:
        pdf.close()
    ocr_used = any(scanned for _, scanned in pages)
    text = "\n".join(page_text for page_text, _ in pages)
    if ocr_used:
        _require_readable(text, path.name)
    return Extracted(text=clean_text(text), pages=len(pages), ocr=ocr_used, kind="pdf")


def _letters(text: str) -> int:
    return sum(1 for c in text if c.isalpha())


def _pdf_page_text(page) -> tuple[str, bool]:
    """The page's text layer, or its OCR when the layer is empty (a scanned page)."""
    text = page.get_textpage().get_text_range()
    if _letters(text) >= MIN_TEXT_LAYER_LETTERS:
        return text, False
    return ocr_image(page.render(scale=OCR_DPI / 72).to_pil()), True


# --- images and OCR -----------------------------------------------------------------------------
def _read_image(path: Path) -> Extracted:
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            frames = [frame.copy() for frame in ImageSequence.Iterator(image)]
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise PlanImportError(f"Ảnh {path.name} bị hỏng, không mở được ({exc}).") from None
    text = "\n".join(ocr_image(frame) for frame in frames)
    _require_readable(text, path.name)
    return Extracted(text=clean_text(text), pages=len(frames), ocr=True, kind="image")


def _require_readable(text: str, name: str) -> None:
    # A blank back page is normal in a scan; a document with no readable page is not.
    if _letters(text) < MIN_OCR_LETTERS:
        raise PlanImportError(
            f"Không đọc được chữ trong bản quét {name}: ảnh trắng, mờ hoặc độ phân giải quá thấp. "
            "Hãy quét lại ở 300 dpi hoặc nhập tệp có lớp chữ (DOCX, PDF văn bản)."
        )


def ocr_image(image) -> str:
    """Tesseract's Vietnamese+English reading of one page image."""
    import pytesseract

    try:
        return pytesseract.image_to_string(_ocr_ready(image), lang=OCR_LANG)
    except pytesseract.TesseractNotFoundError:
        raise PlanImportError(
            "Máy chủ chưa cài Tesseract OCR (tesseract-ocr, tesseract-ocr-vie): không đọc được bản quét."
        ) from None
    except pytesseract.TesseractError as exc:
        raise PlanImportError(f"OCR không đọc được bản quét: {exc}.") from None


def _ocr_ready(image):
    """RGB or greyscale, and upscaled when the scan is small: Tesseract reads letters of
    about 30 px best, and a phone photo or a 100 dpi scan has smaller ones."""
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    if image.width < 1200:
        factor = 1200 / image.width
        image = image.resize((round(image.width * factor), round(image.height * factor)))
    return image
