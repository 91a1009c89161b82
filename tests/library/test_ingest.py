"""Files into the library: born-digital PDFs keep their text, scans are recognised (OCR) into
a searchable PDF beside the untouched original, DOCX and images too; every item is a draft."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from doingoai.core import vntext
from doingoai.core.models import AuditEntry, JobRecord
from doingoai.library import filetypes, ingest
from doingoai.library.models import Collection, Item, ItemFile, ItemPage, ProcessingState

from .fixtures import documents, scans
from .fixtures.documents import remove_stored_files  # noqa: F401 (autouse)

pytestmark = pytest.mark.django_db

LINES = [
    "Thư viện điện tử về biển, đảo Việt Nam của thành phố Hải Phòng",
    "lưu giữ tư liệu về chủ quyền biển, đảo và quần đảo Trường Sa.",
    "Đảo Bạch Long Vĩ cách đất liền khoảng một trăm mười kilômét.",
    "Huyện đảo Cát Hải và quần đảo Cát Bà là di sản thiên nhiên.",
    "Ngư dân bám biển, giữ gìn chủ quyền thiêng liêng của Tổ quốc.",
]


def found_share(expected: str, text: str) -> float:
    """Share of the expected words found in ``text`` (folded: OCR may lose a mark)."""
    want, got = vntext.fold_tokens(expected), set(vntext.fold_tokens(text))
    return sum(w in got for w in want) / len(want)


def stored_path(item: Item, role: str = ItemFile.Role.ORIGINAL) -> Path:
    return Path(item.files.get(role=role).file.path)


def test_a_born_digital_plan_keeps_its_text_layer_without_ocr(tmp_path):
    pdf = documents.official_pdf(tmp_path / "ke-hoach-15.pdf")
    item = ingest.ingest_file(pdf)

    assert not item.live and item.has_unpublished_changes  # a draft for the editors
    assert item.ocr is False and item.processing == ProcessingState.NONE and item.progress == 100
    assert item.kind == "document" and item.format == "application/pdf" and item.language == "vi"
    assert "tuyên truyền về biển, đảo Việt Nam" in item.text
    # The prose about protecting state secrets is not a secrecy stamp.
    assert "bảo vệ bí mật nhà nước" in item.text
    assert item.pages == len(pdfium.PdfDocument(str(pdf))) == ItemPage.objects.filter(item=item).count()
    original = item.files.get(role=ItemFile.Role.ORIGINAL)
    assert original.name == "ke-hoach-15.pdf" and original.mime == "application/pdf"
    assert original.sha256 == hashlib.sha256(pdf.read_bytes()).hexdigest() == hashlib.sha256(
        stored_path(item).read_bytes()).hexdigest()
    assert not item.files.filter(role=ItemFile.Role.SEARCHABLE).exists()
    entry = AuditEntry.objects.filter(action="library.ingested", object_id=str(item.pk)).get()
    assert entry.changes["file"] == "ke-hoach-15.pdf" and entry.changes["ocr"] is False


def test_a_scanned_pdf_is_recognised_into_a_searchable_pdf_that_keeps_the_original_pages(tmp_path):
    pdf = documents.scanned_pdf(tmp_path / "tu-lieu-quet.pdf", [LINES[:3], LINES[2:]])
    seen = []
    item = ingest.ingest_file(pdf, progress=lambda done, total: seen.append((done, total)))

    assert item.ocr is True and item.pages == 2 and item.processing == ProcessingState.DONE
    assert item.progress == 100 and seen == [(1, 2), (2, 2)]
    assert found_share("\n".join(LINES), item.text) >= 0.9
    pages = list(item.text_pages.order_by("number"))
    assert [p.ocr for p in pages] == [True, True]
    assert found_share("\n".join(LINES[:3]), pages[0].text) >= 0.9
    assert item.title.startswith("Thư viện điện tử")  # the first line of the text

    searchable = stored_path(item, ItemFile.Role.SEARCHABLE)
    with pikepdf.open(pdf) as before, pikepdf.open(searchable) as after:
        assert len(after.pages) == len(before.pages)
        for old, new in zip(before.pages, after.pages, strict=True):
            old_images = [img.read_raw_bytes() for img in old.get_images().values()]
            new_images = [img.read_raw_bytes() for img in new.get_images().values()]
            # The scan is there, byte for byte: nothing was resampled or re-compressed.
            assert old_images and old_images[0] in new_images
    layer = pdfium.PdfDocument(str(searchable))[1].get_textpage().get_text_range()
    assert found_share("\n".join(LINES[2:]), layer) >= 0.9


def test_a_pdf_with_a_typed_page_and_a_scanned_page_recognises_only_the_scan(tmp_path):
    typed = documents.html_pdf(tmp_path / "typed.pdf", [["Trang đánh máy về khu bảo tồn biển Cát Bà, Hải Phòng."]])
    # A scan as Pillow writes it into a PDF (its own encoding of the image), after a typed page.
    scan = tmp_path / "scan.pdf"
    scans.scan_page(LINES, seed=3).save(scan, "PDF", resolution=300)
    mixed = tmp_path / "hon-hop.pdf"
    with pikepdf.new() as out, pikepdf.open(typed) as a, pikepdf.open(scan) as b:
        out.pages.extend([a.pages[0], b.pages[0]])
        out.save(mixed)

    item = ingest.ingest_file(mixed)
    first, second = item.text_pages.order_by("number")
    assert (first.ocr, second.ocr) == (False, True) and item.ocr is True
    assert first.text == "Trang đánh máy về khu bảo tồn biển Cát Bà, Hải Phòng."
    assert found_share("\n".join(LINES), second.text) >= 0.9


def test_an_image_is_recognised_and_gets_a_searchable_pdf(tmp_path):
    png = documents.scanned_png(tmp_path / "anh-chup.png", LINES)
    item = ingest.ingest_file(png, title="Ảnh chụp tư liệu Bạch Long Vĩ")

    assert item.kind == "image" and item.format == "image/png" and item.ocr is True
    assert item.title == "Ảnh chụp tư liệu Bạch Long Vĩ" and item.pages == 1
    assert found_share("\n".join(LINES), item.text) >= 0.9
    original = item.files.get(role=ItemFile.Role.ORIGINAL)
    assert (original.width, original.height) == (2481, 3507)
    searchable = stored_path(item, ItemFile.Role.SEARCHABLE)
    assert found_share("\n".join(LINES), pdfium.PdfDocument(str(searchable))[0].get_textpage().get_text_range()) >= 0.9


def test_a_docx_gives_its_paragraphs_and_tables_and_its_heading_as_title(tmp_path):
    path = documents.docx_file(
        tmp_path / "bao-cao.docx", heading="Báo cáo kết quả tuyên truyền biển, đảo quý I",
        paragraphs=["Trong quý I, Trung tâm đã số hóa 120 tư liệu về biển, đảo."],
        table=[["Đơn vị", "Số tư liệu"], ["Trung tâm Thông tin và Truyền thông", "120"]])
    item = ingest.ingest_file(path)

    assert item.title == "Báo cáo kết quả tuyên truyền biển, đảo quý I"
    assert item.ocr is False and item.kind == "document" and item.format == filetypes.DOCX.mime
    assert "đã số hóa 120 tư liệu" in item.text
    assert "Trung tâm Thông tin và Truyền thông | 120" in item.text


def test_an_upload_waits_for_the_job_which_shows_its_progress_and_finishes_done(
        tmp_path, django_capture_on_commit_callbacks, make_person, empty_queue):
    uploader = make_person("chuyen-vien", "TTTT")
    pdf = documents.scanned_pdf(tmp_path / "cho-xu-ly.pdf", [LINES])
    with django_capture_on_commit_callbacks(execute=True):
        item = ingest.ingest_file(pdf, user=uploader, run_ocr="later")
    # process_item is enqueued once the upload is committed.
    (job,) = JobRecord.objects.filter(task_path="doingoai.library.tasks.process_item")
    assert job.args == [item.pk] and job.status == JobRecord.Status.READY
    assert item.processing == ProcessingState.PENDING and item.progress == 0 and item.ocr is False
    assert item.text == "" and item.created_by == uploader
    assert not item.files.filter(role=ItemFile.Role.SEARCHABLE).exists()

    assert ingest.process(item.pk) == "done"
    item.refresh_from_db()
    assert item.processing == ProcessingState.DONE and item.progress == 100 and item.ocr is True
    assert found_share("\n".join(LINES), item.text) >= 0.9
    assert item.files.filter(role=ItemFile.Role.SEARCHABLE).count() == 1
    assert ingest.process(item.pk) == "skipped"  # a second run of the job does nothing


def test_an_upload_from_the_browser_is_ingested_from_memory_and_put_in_its_collection(tmp_path):
    collection = Collection.objects.create(name="Biển, đảo Việt Nam", slug="bien-dao")
    pdf = documents.html_pdf(tmp_path / "x.pdf", [["Hải đăng Long Châu soi sáng vùng biển Hải Phòng."]])
    upload = SimpleUploadedFile("Hải đăng Long Châu.pdf", pdf.read_bytes(), content_type="image/png")
    item = ingest.ingest_upload(upload, collections=["bien-dao"])

    assert list(item.collections.all()) == [collection]
    assert item.files.get().name == "Hải đăng Long Châu.pdf"
    assert item.format == "application/pdf"  # the browser's content type is not believed
    assert item.text == "Hải đăng Long Châu soi sáng vùng biển Hải Phòng."


def test_an_unknown_ocr_language_is_refused_by_name(tmp_path):
    png = documents.scanned_png(tmp_path / "anh.png", LINES[:1])
    with pytest.raises(ingest.Refused, match="«klingon» chưa được cài đặt") as refused:
        ingest.ingest_file(png, languages="vie+klingon")
    assert refused.value.code == "language" and "vie" in refused.value.message
    assert not Item.objects.exists()


def test_an_editor_corrects_the_text_of_a_page(tmp_path, make_person):
    editor = make_person("chuyen-vien", "TTTT")
    item = ingest.ingest_file(documents.html_pdf(tmp_path / "a.pdf", [["Đảo Bạch Long Vỹ"], ["Trang hai."]]))
    ingest.set_page_text(item, 1, "Đảo Bạch Long Vĩ", user=editor)

    item.refresh_from_db()
    assert item.text == "Đảo Bạch Long Vĩ\n\nTrang hai."
    assert AuditEntry.objects.filter(action="library.page_corrected", actor=editor).exists()
    with pytest.raises(ingest.Refused, match="bí mật nhà nước"):
        ingest.set_page_text(item, 2, "TUYỆT MẬT\nNội dung", user=editor)


def test_sound_and_video_are_kept_without_text_for_the_catalogue_to_describe(tmp_path):
    mp3 = tmp_path / "phong-van-ngu-dan.mp3"
    mp3.write_bytes(b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(512))
    item = ingest.ingest_file(mp3)
    assert (item.kind, item.format, item.pages, item.text, item.processing) == (
        "audio", "audio/mpeg", 0, "", ProcessingState.NONE)
    assert item.title == "phong van ngu dan"  # the file's name, until an editor writes one
    mp4 = tmp_path / "phim-tu-lieu.mp4"
    mp4.write_bytes(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(512))
    assert ingest.ingest_file(mp4).kind == "video"
