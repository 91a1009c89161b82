"""What a file really is, and whether it is safe to open.

The type comes from the file's first bytes, never from its name or from the content type a
browser sent: a file whose extension names another type than its content ("anh.jpg" that is
a PDF) is refused, naming both. Before any parser reads a file, the checks here refuse what
would hurt the machine or cannot be read:

* a file larger than ``DOINGOAI_UPLOAD_MAX_MB`` (told from its size on disk, nothing read);
* a DOCX (a ZIP) whose members would unpack to more than ``ZIP_MAX_BYTES``, or that packs
  unusually well (``ZIP_MAX_RATIO``): a zip bomb; the sizes are read from the ZIP's directory
  before anything is unpacked, and unpacking never goes past them;
* an image of more than ``IMAGE_MAX_PIXELS`` pixels (an image bomb: tiny on disk, gigabytes
  once decoded), told from its header;
* a PDF that cannot be opened (damaged), that needs a password, that has no page or more than
  ``PDF_MAX_PAGES`` pages. A PDF encrypted with an empty user password (anyone may open it;
  only printing or copying is "restricted") is read like any other: its content is not
  protected, and the original is kept unchanged.

Every refusal is a ``Refused`` with a Vietnamese message for the person who sent the file.
"""

from __future__ import annotations

import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

__all__ = [
    "FileType", "Refused", "sniff", "check_size", "check_safe", "accepted_types",
    "ZIP_MAX_BYTES", "ZIP_MAX_RATIO", "IMAGE_MAX_PIXELS", "PDF_MAX_PAGES",
]

ZIP_MAX_BYTES = 200 * 1024 * 1024  # unpacked size of a DOCX
ZIP_MAX_RATIO = 100  # unpacked / packed, looked at once the unpacked size passes ZIP_RATIO_FROM
ZIP_RATIO_FROM = 10 * 1024 * 1024
ZIP_MAX_MEMBERS = 10_000
IMAGE_MAX_PIXELS = 150_000_000  # a 600 dpi A2 scan is 140 million
PDF_MAX_PAGES = 2000
HEAD = 4096  # bytes read to tell the type


class Refused(ValidationError):
    """A file the library will not take; ``message`` says why, in Vietnamese, and ``code``
    names the reason ("too_big", "type_mismatch", "unsupported", "zip_bomb", "image_bomb",
    "corrupt", "password", "too_many_pages", "secret", "language", "empty")."""

    def __init__(self, message: str, code: str = "refused"):
        super().__init__(message, code=code)

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class FileType:
    label: str  # "PDF", "DOCX", "JPEG" …
    mime: str
    kind: str  # suggested Item.kind: document, image, video, audio
    extensions: tuple[str, ...]  # the first is the usual one

    @property
    def extension(self) -> str:
        return self.extensions[0]


PDF = FileType("PDF", "application/pdf", "document", (".pdf",))
DOCX = FileType("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "document", (".docx",))
PNG = FileType("PNG", "image/png", "image", (".png",))
JPEG = FileType("JPEG", "image/jpeg", "image", (".jpg", ".jpeg", ".jpe", ".jfif"))
TIFF = FileType("TIFF", "image/tiff", "image", (".tif", ".tiff"))
WEBP = FileType("WebP", "image/webp", "image", (".webp",))
GIF = FileType("GIF", "image/gif", "image", (".gif",))
MP4 = FileType("MP4", "video/mp4", "video", (".mp4", ".m4v"))
WEBM = FileType("WebM", "video/webm", "video", (".webm",))
OGG_VIDEO = FileType("OGG", "video/ogg", "video", (".ogv", ".ogg"))
OGG_AUDIO = FileType("OGG", "audio/ogg", "audio", (".ogg", ".oga", ".opus"))
MP3 = FileType("MP3", "audio/mpeg", "audio", (".mp3",))
WAV = FileType("WAV", "audio/wav", "audio", (".wav",))
M4A = FileType("M4A", "audio/mp4", "audio", (".m4a", ".m4b", ".mp4"))

TYPES = (PDF, DOCX, PNG, JPEG, TIFF, WEBP, GIF, MP4, WEBM, OGG_VIDEO, OGG_AUDIO, MP3, WAV, M4A)
# Types that are often recognised but not taken, with what to do instead.
_NOT_TAKEN = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "DOC/XLS (Office 97–2003)"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"MZ", "EXE"),
    (b"\x7fELF", "ELF"),
    (b"BM", "BMP"),
)


def accepted_types() -> str:
    """"PDF, DOCX, PNG, …" — the list a refusal names."""
    seen = []
    for t in TYPES:
        if t.label not in seen:
            seen.append(t.label)
    return ", ".join(seen)


# --- the type, from the content ---------------------------------------------------------------

def _content_type(path: Path, head: bytes) -> FileType | str | None:
    """The FileType of the content, or the name of a known type that is not taken, or None."""
    if b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return "ZIP"
        if "word/document.xml" in names:
            return DOCX
        if any(n.startswith("xl/") for n in names):
            return "XLSX"
        if any(n.startswith("ppt/") for n in names):
            return "PPTX"
        return "ZIP"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return WAV
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B ", b"M4P ", b"F4A "):
            return M4A
        if brand in (b"qt  ",):
            return "MOV"
        return MP4
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return WEBM if b"webm" in head[:64] else "MKV"
    if head.startswith(b"OggS"):
        return OGG_VIDEO if b"\x80theora" in head else OGG_AUDIO
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE6 == 0xE2):
        return MP3
    for magic, label in _NOT_TAKEN:
        if head.startswith(magic):
            return label
    return None


def sniff(path: str | Path, name: str | None = None) -> FileType:
    """The real type of the file at ``path`` (``name`` is the name it came with, whose
    extension must agree with the content). Raises ``Refused``."""
    path = Path(path)
    name = name or path.name
    with open(path, "rb") as fh:
        head = fh.read(HEAD)
    if not head:
        raise Refused(_("Tệp «%(name)s» trống.") % {"name": name}, code="empty")
    found = _content_type(path, head)
    if not isinstance(found, FileType):
        what = _("tệp %(type)s") % {"type": found} if found else _("một loại tệp không nhận ra")
        raise Refused(
            _("Tệp «%(name)s» là %(what)s: thư viện không nhận loại tệp này. "
              "Các loại được nhận: %(accepted)s.") % {"name": name, "what": what, "accepted": accepted_types()},
            code="unsupported")
    extension = Path(name).suffix.lower()
    if extension and extension not in found.extensions:
        claimed = next((t.label for t in TYPES if extension in t.extensions), None)
        if claimed:
            message = _("Tệp «%(name)s» thực chất là tệp %(real)s, không phải tệp %(claimed)s như phần mở "
                        "rộng «%(ext)s» cho biết. Hãy kiểm tra lại tệp hoặc đổi tên cho đúng "
                        "(«%(usual)s»).")
        else:
            message = _("Tệp «%(name)s» thực chất là tệp %(real)s, nhưng phần mở rộng «%(ext)s» không "
                        "phải của loại tệp này. Hãy kiểm tra lại tệp hoặc đổi tên cho đúng («%(usual)s»).")
        raise Refused(message % {"name": name, "real": found.label, "claimed": claimed, "ext": extension,
                                 "usual": Path(name).stem + found.extension}, code="type_mismatch")
    return found


# --- size and safety ------------------------------------------------------------------------------

def max_bytes() -> int:
    return int(settings.DOINGOAI_UPLOAD_MAX_MB) * 1024 * 1024


def check_size(size: int, name: str) -> None:
    """Refuse a file over the upload limit (from its size alone: call it before reading)."""
    if size > max_bytes():
        raise Refused(
            _("Tệp «%(name)s» dung lượng %(size)s, vượt giới hạn %(limit)s MB của thư viện. "
              "Hãy chia nhỏ tệp hoặc giảm độ phân giải ảnh quét.")
            % {"name": name, "size": human_size(size), "limit": settings.DOINGOAI_UPLOAD_MAX_MB},
            code="too_big")


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("byte", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "byte" else f"{value:.1f} {unit}".replace(".", ",")
        value /= 1024
    return f"{size} byte"


def check_safe(path: str | Path, ftype: FileType, name: str) -> dict:
    """Refuse what must not be opened further; returns what the checks learnt
    (``pages`` of a PDF, ``width``/``height`` of an image)."""
    path = Path(path)
    if ftype is DOCX:
        _check_zip(path, name)
        return {}
    if ftype.kind == "image":
        return _check_image(path, name)
    if ftype is PDF:
        return _check_pdf(path, name)
    return {}


def _check_zip(path: Path, name: str) -> None:
    bomb = Refused(
        _("Tệp «%(name)s» bị từ chối: khi giải nén, tệp sẽ phình to bất thường (dấu hiệu của «bom nén»). "
          "Hãy lưu lại văn bản từ phần mềm soạn thảo rồi gửi lại.") % {"name": name}, code="zip_bomb")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise Refused(_("Tệp «%(name)s» bị hỏng, không mở được.") % {"name": name}, code="corrupt") from None
    if len(members) > ZIP_MAX_MEMBERS:
        raise bomb
    unpacked = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    if unpacked > ZIP_MAX_BYTES or (unpacked > ZIP_RATIO_FROM and unpacked / packed > ZIP_MAX_RATIO):
        raise bomb


def _check_image(path: Path, name: str) -> dict:
    from PIL import Image, UnidentifiedImageError

    bomb = _("Ảnh «%(name)s» bị từ chối: kích thước %(size)s điểm ảnh quá lớn (giới hạn %(limit)s triệu "
             "điểm ảnh), có thể là «bom ảnh». Hãy giảm độ phân giải rồi gửi lại.")
    limit = {"limit": IMAGE_MAX_PIXELS // 1_000_000, "name": name}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                frames = getattr(image, "n_frames", 1)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Refused(bomb % {**limit, "size": _("vượt giới hạn")}, code="image_bomb") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise Refused(_("Ảnh «%(name)s» bị hỏng, không đọc được.") % {"name": name}, code="corrupt") from None
    if width * height > IMAGE_MAX_PIXELS or max(width, height) > 65_000:
        raise Refused(bomb % {**limit, "size": f"{width}×{height}"}, code="image_bomb")
    if width == 0 or height == 0:
        raise Refused(_("Ảnh «%(name)s» bị hỏng, không đọc được.") % {"name": name}, code="corrupt")
    return {"width": width, "height": height, "pages": frames}


def _check_pdf(path: Path, name: str) -> dict:
    import pikepdf

    corrupt = Refused(_("Tệp PDF «%(name)s» bị hỏng, không mở được. Hãy xuất lại tệp PDF từ phần mềm "
                        "gốc hoặc quét lại văn bản.") % {"name": name}, code="corrupt")
    try:
        with pikepdf.open(path) as pdf:
            pages = len(pdf.pages)
    except pikepdf.PasswordError:
        raise Refused(_("Tệp PDF «%(name)s» có mật khẩu: thư viện không mở được tệp có mật khẩu. "
                        "Hãy gỡ mật khẩu (lưu lại bản không mật khẩu) rồi gửi lại.") % {"name": name},
                      code="password") from None
    except (pikepdf.PdfError, OSError, RecursionError, ValueError):
        raise corrupt from None
    if pages == 0:
        raise corrupt
    if pages > PDF_MAX_PAGES:
        raise Refused(_("Tệp PDF «%(name)s» có %(pages)s trang, vượt giới hạn %(limit)s trang. "
                        "Hãy tách thành nhiều tệp.") % {"name": name, "pages": pages, "limit": PDF_MAX_PAGES},
                      code="too_many_pages")
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        raise corrupt from None
    document.close()
    return {"pages": pages}
