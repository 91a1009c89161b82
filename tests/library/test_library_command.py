"""``doingoai library ingest FILE [--json]``: the contract scripts rely on, run as a person runs it."""

from __future__ import annotations

import json
import subprocess

import pytest

from doingoai.core import vntext
from doingoai.library.models import Collection, Item, ItemFile

from .fixtures import documents
from .fixtures.documents import remove_stored_files  # noqa: F401 (autouse)

pytestmark = pytest.mark.django_db(transaction=True)

LINES = [
    "Thành phố Hải Phòng có hai huyện đảo là Cát Hải và Bạch Long Vĩ.",
    "Thư viện điện tử lưu giữ bản đồ, ảnh và văn bản về biển, đảo.",
]


def run(doingoai_bin, env, *args, action="ingest"):
    return subprocess.run([doingoai_bin, "library", action, *map(str, args)], env=env, capture_output=True,
                          text=True, timeout=300)


def test_ingest_json_prints_exactly_the_contract(tmp_path, doingoai_bin, subprocess_env):
    pdf = documents.official_pdf(tmp_path / "ke-hoach.pdf")
    proc = run(doingoai_bin, subprocess_env, pdf, "--json")
    assert proc.returncode == 0, proc.stderr

    payload = json.loads(proc.stdout)
    assert list(payload) == ["id", "title", "pages", "ocr", "lang", "text_chars", "text"]
    assert [type(payload[k]) for k in payload] == [int, str, int, bool, str, int, str]
    item = Item.objects.get(pk=payload["id"])
    assert payload["ocr"] is False and payload["lang"] == "vi" == item.language
    assert payload["text"] == item.text and payload["text_chars"] == len(item.text)
    assert payload["pages"] == item.pages and payload["title"] == item.title
    assert payload["title"].endswith("Kế hoạch tuyên truyền về biển, đảo Việt Nam năm 2025")  # the PDF metadata
    assert "thư viện điện tử về biển, đảo" in " ".join(payload["text"].split())  # UTF-8, not escaped
    assert "\\u" not in proc.stdout and not item.live


def test_ingest_of_a_scan_recognises_it_with_the_language_and_collection_given(
        tmp_path, doingoai_bin, subprocess_env):
    Collection.objects.create(name="Huyện đảo", slug="huyen-dao")
    png = documents.scanned_png(tmp_path / "huyen-dao.png", LINES)
    proc = run(doingoai_bin, subprocess_env, png, "--json", "--lang", "vie", "--collection", "huyen-dao",
               "--title", "Hai huyện đảo của Hải Phòng")
    assert proc.returncode == 0, proc.stderr

    payload = json.loads(proc.stdout)
    assert payload["ocr"] is True and payload["pages"] == 1 and payload["title"] == "Hai huyện đảo của Hải Phòng"
    words = vntext.fold_tokens("\n".join(LINES))
    found = set(vntext.fold_tokens(payload["text"]))
    assert sum(w in found for w in words) / len(words) >= 0.9
    item = Item.objects.get(pk=payload["id"])
    assert item.ocr_languages == "vie" and list(item.collections.values_list("slug", flat=True)) == ["huyen-dao"]
    assert item.files.filter(role=ItemFile.Role.SEARCHABLE).count() == 1

    # The scan, still a draft, is found by staff typing without diacritics; not by the public.
    found = run(doingoai_bin, subprocess_env, "bach long vi", "--json", action="search")
    assert found.returncode == 0, found.stderr
    assert [json.loads(line)["id"] for line in found.stdout.splitlines()] == [item.pk]
    public = run(doingoai_bin, subprocess_env, "bach long vi", "--public", action="search")
    assert public.stdout == "" and "0 tài liệu khớp" in public.stderr


def test_without_json_a_summary_in_vietnamese_is_printed(tmp_path, doingoai_bin, subprocess_env):
    docx = documents.docx_file(tmp_path / "bao-cao.docx", heading="Báo cáo thư viện quý II", paragraphs=["Nội dung."])
    proc = run(doingoai_bin, subprocess_env, docx)
    assert proc.returncode == 0, proc.stderr
    item = Item.objects.get()
    assert f"Đã tạo bản nháp tài liệu #{item.pk}: «Báo cáo thư viện quý II»" in proc.stdout
    assert "trích xuất từ lớp chữ của tệp" in proc.stdout


def test_a_refused_file_prints_the_reason_on_stderr_and_exits_1(tmp_path, doingoai_bin, subprocess_env):
    stamped = documents.html_pdf(tmp_path / "mat.pdf", [["Nội dung."]], stamp="MẬT")
    proc = run(doingoai_bin, subprocess_env, stamped, "--json")
    assert proc.returncode == 1 and proc.stdout == ""
    assert "không được phép lưu giữ bí mật nhà nước" in proc.stderr and "Traceback" not in proc.stderr

    proc = run(doingoai_bin, subprocess_env, documents.corrupt_pdf(tmp_path / "hong.pdf"))
    assert proc.returncode == 1 and "«hong.pdf» bị hỏng" in proc.stderr

    ok = documents.html_pdf(tmp_path / "ok.pdf", [["Nội dung."]])
    proc = run(doingoai_bin, subprocess_env, ok, "--collection", "khong-co")
    assert proc.returncode == 1 and "Không có bộ sưu tập «khong-co»." in proc.stderr
    proc = run(doingoai_bin, subprocess_env, tmp_path / "khong-ton-tai.pdf")
    assert proc.returncode == 1 and "Không tìm thấy tệp «khong-ton-tai.pdf»." in proc.stderr
    assert not Item.objects.exists()
