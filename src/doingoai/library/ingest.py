"""Files into the library: a file becomes a draft item with its text.

``ingest_file`` takes one file: it refuses what the library must not hold (``filetypes``:
too big, a type that lies about itself, bombs, damaged or password-protected PDFs; here: a
document stamped MẬT, TỐI MẬT or TUYỆT MẬT), reads its text (a PDF's text layer page by page,
a DOCX's paragraphs and tables, OCR for scanned pages and images), and makes a draft ``Item``
with the original file, a searchable PDF when OCR ran, and the text of each page.

OCR runs at once (``run_ocr="now"``: the command line) or in the job
``library.tasks.process_item`` (``run_ocr="later"``: uploads), which moves ``Item.processing``
from pending through running to done (or failed) and ``Item.progress`` from 0 to 100, so that
a screen can show it.

State secrets: the platform may not hold them. The text of every page (extracted or
recognised, and a DOCX's headers, footers and text boxes) goes through
``core.secrecy.find_secrecy_mark``; a stamped file is refused and nothing of it is kept: no
item, no page, no file on disk (it is read in a temporary folder, removed whatever happens;
a file found stamped only by the later OCR is deleted with its draft item). The refusal is
written to the audit log with the file's name and the mark only.
"""

from __future__ import annotations

import logging
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from doingoai.core import audit, notify, vntext
from doingoai.core.secrecy import find_secrecy_mark
from doingoai.core.storage import file_sha256

from . import filetypes, ocr
from .filetypes import FileType, Refused
from .models import Collection, Item, ItemFile, ItemPage, ProcessingState

__all__ = [
    "Refused", "ingest_file", "ingest_upload", "ingest_many", "process", "set_page_text", "secret_message",
    "SCANNED_BELOW", "ITEM_LANGUAGES",
]

logger = logging.getLogger("doingoai.library")

# A PDF page with fewer letters and digits than this in its text layer is taken as scanned.
SCANNED_BELOW = 16
# Languages the catalogue describes items in (Item.language), and Tesseract's codes for them.
ITEM_LANGUAGES = {"vi": "vie", "en": "eng", "zh": "chi_sim", "ko": "kor", "ja": "jpn"}
_FROM_TESSERACT = {"vie": "vi", "eng": "en", "chi_sim": "zh", "chi_tra": "zh", "kor": "ko", "jpn": "ja"}

Progress = Callable[[int, int], None]


class _SecretFound(Exception):
    def __init__(self, mark: str, page: int):
        super().__init__(mark)
        self.mark, self.page = mark, page


def _guard(number: int, text: str) -> None:
    mark = find_secrecy_mark(text)
    if mark:
        raise _SecretFound(mark, number)


def secret_message(name: str, mark: str) -> str:
    return _("Tệp «%(name)s» mang dấu độ mật «%(mark)s» nên bị từ chối: hệ thống này không được phép lưu "
             "giữ bí mật nhà nước (Luật Bảo vệ bí mật nhà nước số 29/2018/QH14). Không phần nào của tệp được "
             "lưu lại. Tài liệu mật phải được quản lý theo chế độ bảo vệ bí mật nhà nước, ngoài hệ thống này.") % {
        "name": name, "mark": mark}


def _refuse_secret(name: str, found: _SecretFound, user) -> Refused:
    audit.record("library.refused_secret", None, changes={"file": name, "mark": found.mark}, user=user)
    logger.warning("Từ chối tệp mang dấu độ mật %s (trang %s)", found.mark, found.page)
    return Refused(secret_message(name, found.mark), code="secret")


# --- text ---------------------------------------------------------------------------------------

def clean_text(text: str) -> str:
    """NFC; each line's spacing made plain (``vntext.normalize``); line breaks kept (a stamp is
    a line of its own); runs of blank lines collapsed."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = [vntext.normalize(line) for line in text.replace("\f", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _scanned(text: str) -> bool:
    return sum(c.isalnum() for c in text) < SCANNED_BELOW


@dataclass
class _Extracted:
    pages: list[str] = field(default_factory=list)  # text of each page ("" while awaiting OCR)
    ocr_pages: list[int] = field(default_factory=list)  # 0-based pages recognised (or to be)
    ocr_done: bool = False
    page_count: int = 0
    title: str = ""
    searchable: Path | None = None
    width: int | None = None
    height: int | None = None


def _pdf_text(path: Path) -> tuple[list[str], str]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        texts = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            texts.append(clean_text(textpage.get_text_range()))
            textpage.close()
            page.close()
        title = _meta_title(document.get_metadata_dict().get("Title", ""))
    finally:
        document.close()
    return texts, title


def _meta_title(value: str) -> str:
    value = vntext.normalize(value or "")
    value = re.sub(r"^Microsoft (Word|PowerPoint) - ", "", value)
    value = re.sub(r"\.(docx?|pdf|odt|rtf)$", "", value, flags=re.IGNORECASE)
    if len(value) < 4 or value.lower() in {"untitled", "document", "tài liệu", "untitled document"}:
        return ""
    return value


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _paragraph_lines(element) -> list[str]:
    """Every paragraph under an XML element, text boxes included, one line each."""
    lines = []
    for paragraph in element.iter(f"{_W}p"):
        lines.append("".join(t.text or "" for t in paragraph.iter(f"{_W}t")))
    return lines


def _docx(path: Path) -> tuple[str, str, list[str], int]:
    """(text, title, every line anywhere — body, text boxes, headers, footers —, pages)."""
    import docx
    from docx.table import Table

    document = docx.Document(str(path))
    blocks, title = [], ""
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = []
                for cell in row.cells:
                    value = vntext.normalize(cell.text)
                    if value and (not cells or cells[-1] != value):  # merged cells repeat
                        cells.append(value)
                if cells:
                    blocks.append(" | ".join(cells))
        else:
            value = block.text
            blocks.append(value)
            style = (block.style.name if block.style is not None else "") or ""
            if not title and value.strip() and (style.startswith("Heading") or style == "Title"):
                title = value
    everywhere = _paragraph_lines(document.element.body)
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer,
                     section.even_page_header, section.even_page_footer):
            if not part.is_linked_to_previous:
                everywhere += _paragraph_lines(part._element)
    title = title or vntext.normalize(document.core_properties.title or "")
    pages = 1
    with zipfile.ZipFile(path) as archive:
        if "docProps/app.xml" in archive.namelist():
            found = re.search(rb"<Pages>(\d+)</Pages>", archive.read("docProps/app.xml"))
            pages = max(1, int(found.group(1))) if found else 1
    return clean_text("\n".join(blocks)), title, everywhere, pages


def _first_line(text: str) -> str:
    for line in text.splitlines():
        line = line.strip(" .:-–|")
        if sum(c.isalpha() for c in line) >= 3:
            return line[:200]
    return ""


def _extract(path: Path, ftype: FileType, name: str, info: dict, work: Path, languages: str,
             run_ocr: str, progress: Progress | None) -> _Extracted:
    out = _Extracted()
    if ftype is filetypes.PDF:
        out.pages, out.title = _pdf_text(path)
        out.page_count = len(out.pages)
        for number, text in enumerate(out.pages, start=1):
            _guard(number, text)
        out.ocr_pages = [i for i, text in enumerate(out.pages) if _scanned(text)]
        if out.ocr_pages and run_ocr == "now":
            searchable = work / "searchable.pdf"
            texts = ocr.ocr_pdf(path, searchable, languages, pages=out.ocr_pages, progress=progress, check=_guard)
            for index in out.ocr_pages:
                out.pages[index] = texts[index] or ""
            out.searchable, out.ocr_done = searchable, True
        elif out.ocr_pages:
            for index in out.ocr_pages:
                out.pages[index] = ""
    elif ftype is filetypes.DOCX:
        text, out.title, everywhere, out.page_count = _docx(path)
        _guard(1, "\n".join(everywhere))
        out.pages = [text]
    elif ftype.kind == "image":
        out.width, out.height = info.get("width"), info.get("height")
        frames = max(1, int(info.get("pages", 1)))
        if ftype not in (filetypes.TIFF,):
            frames = 1
        out.page_count = frames
        out.ocr_pages = list(range(frames))
        if run_ocr == "now":
            searchable = work / "searchable.pdf"
            result = ocr.ocr_image(path, languages, pdf=searchable, progress=progress, check=_guard)
            out.pages = [clean_text(t) for t in result.pages]
            out.page_count = len(out.pages)
            out.ocr_pages = list(range(out.page_count))
            out.searchable, out.ocr_done = searchable, True
        else:
            out.pages = [""] * frames
    # Video and sound: no text; the catalogue describes them.
    return out


def _guess_language(title: str, text: str, languages: str) -> str:
    fallback = _FROM_TESSERACT.get(languages.split("+")[0], "vi")
    if sum(c.isalpha() for c in text) < 20:
        return fallback
    from doingoai.monitoring.analysis.language import detect

    found = detect(title, text[:3000])
    return found if found in ITEM_LANGUAGES else fallback


def _title(given: str | None, extracted: _Extracted, name: str) -> str:
    meta = extracted.title
    if vntext.fold(meta).strip() == vntext.fold(Path(name).stem).strip():
        meta = ""  # a title that only repeats the file's name (what many converters write)
    for candidate in (given, meta, _first_line("\n".join(extracted.pages))):
        candidate = vntext.normalize(candidate or "")
        if candidate:
            return candidate[:500]
    stem = Path(name).stem.replace("_", " ").replace("-", " ")
    return vntext.normalize(stem)[:500] or name[:500]


# --- files on disk -------------------------------------------------------------------------------

def _storage_name(name: str, sha: str, extension: str) -> str:
    stem = slugify(vntext.fold(Path(name).stem))[:40] or "tep"
    return f"{stem}-{sha[:10]}{extension}"


def _store(item: Item, role: str, path: Path, name: str, mime: str, saved: list, **extra) -> ItemFile:
    sha = file_sha256(path)
    record = ItemFile(item=item, role=role, name=name[:255], mime=mime, size=path.stat().st_size, sha256=sha,
                      **extra)
    with open(path, "rb") as fh:
        record.file.save(_storage_name(name, sha, path.suffix.lower() or ".bin"), File(fh), save=False)
    saved.append(record.file.name)
    record.save()
    return record


def _delete_stored(names: Iterable[str]) -> None:
    storage = ItemFile._meta.get_field("file").storage
    for stored in names:
        try:
            storage.delete(stored)
        except OSError:
            logger.exception("Không xóa được tệp %s", stored)


def _refuse_duplicate(path: Path, name: str) -> None:
    sha = file_sha256(path)
    existing = (ItemFile.objects.filter(sha256=sha, role=ItemFile.Role.ORIGINAL, item__removed_at__isnull=True)
                .select_related("item").first())
    if existing is not None:
        raise Refused(_("Tệp «%(name)s» đã có trong thư viện: tài liệu #%(id)s «%(title)s».")
                      % {"name": name, "id": existing.item_id, "title": existing.item.title}, code="duplicate")


def _collections(values) -> list[Collection]:
    found = []
    for value in values or ():
        if isinstance(value, Collection):
            found.append(value)
            continue
        collection = Collection.objects.filter(slug=value).first()
        if collection is None:
            raise Refused(_("Không có bộ sưu tập «%(slug)s».") % {"slug": value}, code="collection")
        found.append(collection)
    return found


# --- one file, many files --------------------------------------------------------------------------

def ingest_file(path, *, user=None, name: str | None = None, title: str | None = None, kind: str | None = None,
                collections=(), languages: str | None = None, owner_unit=None, run_ocr: str = "now",
                progress: Progress | None = None, allow_duplicate: bool = False) -> Item:
    """Make a draft item from the file at ``path`` (``name``: the name it was sent with).

    ``run_ocr``: "now" recognises scanned pages here; "later" leaves them to the job
    ``process_item`` (enqueued once the transaction commits). A file already in the library
    (same SHA-256, item not removed) is refused unless ``allow_duplicate``: a form sent twice
    makes one item. Raises ``Refused``, leaving nothing behind."""
    if run_ocr not in ("now", "later"):
        raise ValueError("run_ocr must be 'now' or 'later'")
    path = Path(path)
    name = Path(name or path.name).name
    if not path.is_file():
        raise Refused(_("Không tìm thấy tệp «%(name)s».") % {"name": name}, code="missing")
    filetypes.check_size(path.stat().st_size, name)
    ftype = filetypes.sniff(path, name)
    info = filetypes.check_safe(path, ftype, name)
    wanted = _collections(collections)
    if not allow_duplicate:
        _refuse_duplicate(path, name)
    if ftype is filetypes.PDF or ftype.kind == "image":
        try:
            languages = ocr.check_languages(languages)
        except ocr.OcrError as exc:
            raise Refused(str(exc), code="language") from None
    else:
        languages = languages or ocr.DEFAULT_LANGUAGES
    with tempfile.TemporaryDirectory(prefix="doingoai-ingest-") as tmp:
        try:
            extracted = _extract(path, ftype, name, info, Path(tmp), languages, run_ocr, progress)
        except _SecretFound as found:
            raise _refuse_secret(name, found, user) from None
        except ocr.OcrError as exc:
            raise Refused(_("Không nhận dạng được chữ trong tệp «%(name)s»: %(why)s") % {"name": name, "why": exc},
                          code="ocr") from None
        return _create(path, name, ftype, extracted, user=user, title=title, kind=kind, collections=wanted,
                       languages=languages, owner_unit=owner_unit, run_ocr=run_ocr)


def _create(path: Path, name: str, ftype: FileType, extracted: _Extracted, *, user, title, kind, collections,
            languages, owner_unit, run_ocr) -> Item:
    text = "\n\n".join(p for p in extracted.pages if p)
    waiting = bool(extracted.ocr_pages) and not extracted.ocr_done
    if waiting:
        state, progress = ProcessingState.PENDING, 0
    else:
        state = ProcessingState.DONE if extracted.ocr_done else ProcessingState.NONE
        progress = 100
    item_title = _title(title, extracted, name)
    saved: list[str] = []
    try:
        with transaction.atomic():
            item = Item.objects.create(
                kind=kind or ftype.kind, title=item_title, format=ftype.mime, text=text,
                ocr=extracted.ocr_done, ocr_languages=languages, pages=extracted.page_count,
                language=_guess_language(item_title, text, languages), processing=state, progress=progress,
                created_by=user if getattr(user, "is_authenticated", False) else None,
                owner_unit=owner_unit, live=False, has_unpublished_changes=True,
            )
            if collections:
                item.collections.set(collections)
            _store(item, ItemFile.Role.ORIGINAL, path, name, ftype.mime, saved,
                   width=extracted.width, height=extracted.height)
            if extracted.searchable is not None:
                _store(item, ItemFile.Role.SEARCHABLE, extracted.searchable, _searchable_name(name),
                       "application/pdf", saved)
            ocr_pages = set(extracted.ocr_pages)
            ItemPage.objects.bulk_create(
                ItemPage(item=item, number=i + 1, text=page, ocr=i in ocr_pages)
                for i, page in enumerate(extracted.pages))
            audit.record("library.ingested", item, user=user, changes={
                "file": name, "mime": ftype.mime, "pages": extracted.page_count, "ocr": extracted.ocr_done,
                "ocr_later": waiting})
            if waiting and run_ocr == "later":
                from . import tasks

                item_id = item.pk
                transaction.on_commit(lambda: tasks.process_item.enqueue(item_id))
    except BaseException:
        _delete_stored(saved)
        raise
    return item


def _searchable_name(name: str) -> str:
    return f"{Path(name).stem} (có lớp chữ).pdf"


def ingest_many(paths: Iterable, **options) -> list[tuple[str, Item | None, str | None]]:
    """Ingest each file on its own: one refused (or failing) leaves the others imported.

    ``paths``: paths, or (path, name) pairs for uploads kept under temporary names.
    Returns (name, item or None, message or None) for each, in order."""
    outcomes = []
    for entry in paths:
        path, name = (entry if isinstance(entry, tuple) else (entry, None))
        shown = Path(name or path).name
        try:
            outcomes.append((shown, ingest_file(path, name=name, **options), None))
        except Refused as exc:
            outcomes.append((shown, None, exc.message))
        except Exception:
            logger.exception("Nhập tệp %s thất bại", shown)
            outcomes.append((shown, None, _("Không xử lý được tệp «%(name)s» do lỗi của hệ thống; lỗi đã được ghi "
                                            "lại để quản trị viên xem xét.") % {"name": shown}))
    return outcomes


# --- OCR after upload (the job) -------------------------------------------------------------------

def process(item_id: int) -> str:
    """Recognise the pages of an item that await OCR ("pending", or "failed" to try again).

    Returns "done", "skipped" (nothing to do, or another worker has it), "failed" (a clear
    reason in ``processing_error``) or "refused" (a secrecy stamp: the item is gone).
    An unexpected error marks the item failed and is raised again (the job retries)."""
    claimed = Item.objects.filter(
        pk=item_id, processing__in=[ProcessingState.PENDING, ProcessingState.FAILED],
    ).update(processing=ProcessingState.RUNNING, progress=0, processing_error="")
    if not claimed:
        return "skipped"
    item = Item.objects.get(pk=item_id)
    original = item.files.filter(role=ItemFile.Role.ORIGINAL).first()
    wanted = list(item.text_pages.filter(ocr=True).values_list("number", flat=True))
    if original is None or not wanted:
        Item.objects.filter(pk=item_id).update(processing=ProcessingState.DONE, progress=100)
        return "done"

    def progress(done: int, total: int) -> None:
        Item.objects.filter(pk=item_id).update(progress=min(99, round(done * 100 / max(total, 1))))

    try:
        with tempfile.TemporaryDirectory(prefix="doingoai-ocr-") as tmp:
            searchable = Path(tmp) / "searchable.pdf"
            path = Path(original.file.path)
            if original.mime == filetypes.PDF.mime:
                texts = ocr.ocr_pdf(path, searchable, item.ocr_languages, pages=[n - 1 for n in wanted],
                                    progress=progress, check=_guard)
                recognised = {n: texts[n - 1] or "" for n in wanted}
            else:
                result = ocr.ocr_image(path, item.ocr_languages, pdf=searchable, progress=progress, check=_guard)
                recognised = {n: text for n, text in enumerate(result.pages, start=1)}
            _store_recognised(item_id, recognised, searchable, original.name)
    except _SecretFound as found:
        _discard_secret(item, found)
        return "refused"
    except (ocr.OcrError, Refused) as exc:
        Item.objects.filter(pk=item_id).update(processing=ProcessingState.FAILED, processing_error=str(exc))
        return "failed"
    except Exception:
        Item.objects.filter(pk=item_id).update(
            processing=ProcessingState.FAILED,
            processing_error=_("Lỗi hệ thống khi nhận dạng chữ; hệ thống sẽ tự thử lại."))
        raise
    return "done"


def _store_recognised(item_id: int, recognised: dict[int, str], searchable: Path, original_name: str) -> None:
    saved: list[str] = []
    old: list[str] = []
    try:
        with transaction.atomic():
            item = Item.objects.select_for_update().get(pk=item_id)
            for number, text in recognised.items():
                ItemPage.objects.update_or_create(item=item, number=number,
                                                  defaults={"text": clean_text(text), "ocr": True})
            pages = list(item.text_pages.order_by("number").values_list("text", flat=True))
            for previous in item.files.filter(role=ItemFile.Role.SEARCHABLE):
                old.append(previous.file.name)
                previous.delete()
            _store(item, ItemFile.Role.SEARCHABLE, searchable, _searchable_name(original_name),
                   "application/pdf", saved)
            item.text = "\n\n".join(p for p in pages if p)
            item.ocr = True
            item.pages = max(item.pages, len(pages))
            item.language = _guess_language(item.title, item.text, item.ocr_languages)
            item.processing, item.progress, item.processing_error = ProcessingState.DONE, 100, ""
            item.save(update_fields=["text", "ocr", "pages", "language", "processing", "progress",
                                     "processing_error", "modified_at"])
    except BaseException:
        _delete_stored(saved)
        raise
    _delete_stored(old)


def _discard_secret(item: Item, found: _SecretFound) -> None:
    """A file found stamped by the later OCR: delete the draft and every file of it."""
    names = [f.file.name for f in item.files.all()]
    original = item.files.filter(role=ItemFile.Role.ORIGINAL).values_list("name", flat=True).first() or item.title
    user = item.created_by
    with transaction.atomic():
        item.delete()
        refusal = _refuse_secret(original, found, user)
    _delete_stored(names)
    if user is not None:
        notify.in_app([user], _("Tệp «%(name)s» bị từ chối") % {"name": original}, refusal.message)


# --- corrections ------------------------------------------------------------------------------------

def set_page_text(item: Item, number: int, text: str, *, user=None) -> ItemPage:
    """An editor's correction of one page's text; the item's whole text follows."""
    text = clean_text(text)
    mark = find_secrecy_mark(text)
    if mark:
        raise Refused(_("Nội dung sửa có dấu độ mật «%(mark)s»: hệ thống không được phép lưu giữ bí mật nhà "
                        "nước.") % {"mark": mark}, code="secret")
    with transaction.atomic():
        locked = Item.objects.select_for_update().get(pk=item.pk)
        page, _created = ItemPage.objects.get_or_create(item=locked, number=number)
        before = page.text
        page.text = text
        page.save(update_fields=["text"])
        pages = locked.text_pages.order_by("number").values_list("text", flat=True)
        locked.text = "\n\n".join(p for p in pages if p)
        locked.modified_at = timezone.now()
        locked.save(update_fields=["text", "modified_at"])
        audit.record("library.page_corrected", locked, user=user,
                     changes={"page": number, "chars": [len(before), len(text)]})
    item.text = locked.text
    return page



def ingest_upload(uploaded, **options) -> Item:
    """``ingest_file`` for a Django upload (``request.FILES``): its size is checked before
    anything is written; an upload held in memory is first written to a temporary file.
    OCR is left to the job unless ``run_ocr`` says otherwise."""
    name = Path(uploaded.name or "tep").name
    if uploaded.size is not None:
        filetypes.check_size(uploaded.size, name)
    options.setdefault("run_ocr", "later")
    if hasattr(uploaded, "temporary_file_path"):
        return ingest_file(uploaded.temporary_file_path(), name=name, **options)
    with tempfile.TemporaryDirectory(prefix="doingoai-upload-") as tmp:
        target = Path(tmp) / ("upload" + Path(name).suffix.lower())
        with open(target, "wb") as fh:
            for chunk in uploaded.chunks():
                fh.write(chunk)
        return ingest_file(target, name=name, **options)
