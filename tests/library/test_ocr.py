"""OCR with Tesseract: languages checked against what is installed, pages in any shape
(one JPEG, a rendered page, a turned page), images in any mode, and the job after an upload
run by a real worker."""

from __future__ import annotations

import subprocess

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image

from doingoai.core import vntext
from doingoai.library import ingest, ocr
from doingoai.library.models import ItemFile, ProcessingState

from .fixtures import documents, scans
from .fixtures.documents import remove_stored_files  # noqa: F401 (autouse)

LINES = [
    "Quần đảo Long Châu nằm ở phía đông nam đảo Cát Bà.",
    "Ngọn hải đăng được xây dựng từ năm một nghìn chín trăm hai mươi.",
    "Vùng biển Hải Phòng giàu hải sản và có nhiều bãi tắm đẹp.",
]


def found_share(expected: list[str], text: str) -> float:
    want, got = vntext.fold_tokens("\n".join(expected)), set(vntext.fold_tokens(text))
    return sum(w in got for w in want) / len(want)


def test_languages_are_checked_against_what_tesseract_has():
    assert ocr.check_languages(None) == "vie+eng"
    assert ocr.check_languages("vie, eng") == "vie+eng"
    assert {"vie", "eng"} <= ocr.available_languages() and "osd" not in ocr.available_languages()
    with pytest.raises(ocr.OcrError, match="«xyz» chưa được cài đặt"):
        ocr.check_languages("vie+xyz")
    with pytest.raises(ocr.OcrError, match="không hợp lệ"):
        ocr.check_languages("../../etc/passwd")


def test_a_check_that_raises_stops_the_ocr_and_writes_nothing(tmp_path):
    pdf = documents.scanned_pdf(tmp_path / "scan.pdf", [LINES, LINES])
    seen = []

    def stop_at_first_page(number, text):
        seen.append(number)
        raise RuntimeError("dừng")

    with pytest.raises(RuntimeError):
        ocr.ocr_pdf(pdf, tmp_path / "out.pdf", check=stop_at_first_page)
    assert seen == [1] and not (tmp_path / "out.pdf").exists()


def test_a_turned_page_is_read_as_it_is_shown(tmp_path):
    # The scan lies on its side in the file; the page's /Rotate turns it upright on screen.
    sideways = scans.scan_page(LINES, noise=False, rotate=0).rotate(90, expand=True)
    source = tmp_path / "sideways.pdf"
    sideways.save(source, "PDF", resolution=300)
    with pikepdf.open(source, allow_overwriting_input=True) as pdf:
        pdf.pages[0].obj.Rotate = 90  # clockwise: upright again
        pdf.save(source)

    texts = ocr.ocr_pdf(source, tmp_path / "out.pdf", "vie")
    assert found_share(LINES, texts[0]) >= 0.9
    layer = pdfium.PdfDocument(str(tmp_path / "out.pdf"))[0].get_textpage().get_text_range()
    assert found_share(LINES, layer) >= 0.9


def test_a_transparent_png_and_a_two_page_tiff_are_read(tmp_path):
    page = scans.scan_page(LINES, noise=False, rotate=0)
    transparent = Image.new("RGBA", page.size, (0, 0, 0, 0))
    transparent.putalpha(Image.eval(page, lambda v: 255 - v))  # black ink on nothing
    transparent.save(tmp_path / "trong-suot.png")
    result = ocr.ocr_image(tmp_path / "trong-suot.png", pdf=tmp_path / "a.pdf")
    assert found_share(LINES, result.pages[0]) >= 0.9 and (tmp_path / "a.pdf").exists()

    page.save(tmp_path / "hai-trang.tif", save_all=True, append_images=[scans.scan_page(LINES[:1], rotate=0)],
              dpi=(300, 300), compression="tiff_lzw")
    result = ocr.ocr_image(tmp_path / "hai-trang.tif")
    assert len(result.pages) == 2
    assert found_share(LINES, result.pages[0]) >= 0.9 and found_share(LINES[:1], result.pages[1]) >= 0.9


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_recognises_an_uploaded_scan(tmp_path, doingoai_bin, subprocess_env, empty_queue):
    pdf = documents.scanned_pdf(tmp_path / "tai-len.pdf", [LINES])
    item = ingest.ingest_file(pdf, run_ocr="later")  # committed: the job is enqueued
    assert item.processing == ProcessingState.PENDING

    proc = subprocess.run([doingoai_bin, "worker", "--burst"], env=subprocess_env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    item.refresh_from_db()
    assert (item.processing, item.progress, item.ocr) == (ProcessingState.DONE, 100, True)
    assert found_share(LINES, item.text) >= 0.9
    assert item.files.filter(role=ItemFile.Role.SEARCHABLE).count() == 1
