"""``doingoai library …``: the e-library from the command line.

Thin: each subcommand calls the library's domain functions and prints. Contracts:
- ``ingest FILE [--json] [--title T] [--lang vie+eng] [--collection SLUG]``: makes a draft
  item from the file, with OCR done at once; prints (``--json``) one object
  ``{"id", "title", "pages", "ocr", "lang", "text_chars", "text"}`` — ``text`` is the whole
  extracted or recognised text — or a summary in Vietnamese. A refused file (a secrecy stamp,
  a damaged or password-protected PDF, a type that lies about itself …): the reason on stderr,
  exit status 1.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Thư viện điện tử biển, đảo: ingest (đưa tệp vào thư viện)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ingest = sub.add_parser("ingest", help="tạo bản nháp tài liệu từ một tệp (trích xuất chữ, nhận dạng chữ)")
        ingest.add_argument("file")
        ingest.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
        ingest.add_argument("--title", help="nhan đề (mặc định: lấy từ tệp)")
        ingest.add_argument("--lang", help="ngôn ngữ nhận dạng chữ của Tesseract, ví dụ vie+eng, chi_sim, kor, jpn")
        ingest.add_argument("--collection", action="append", default=[], help="đường dẫn (slug) của bộ sưu tập")

    def handle(self, *args, action, **options):
        return getattr(self, "do_" + action.replace("-", "_"))(**options)

    def do_ingest(self, file, json=False, title=None, lang=None, collection=(), **options):
        from doingoai.library import ingest

        def progress(done: int, total: int) -> None:
            self.stderr.write(f"Nhận dạng chữ: {done}/{total} trang")

        try:
            item = ingest.ingest_file(file, title=title, languages=lang, collections=collection, run_ocr="now",
                                      progress=None if json else progress)
        except ingest.Refused as exc:
            self.stderr.write(exc.message)
            sys.exit(1)
        if json:
            self._write_json({
                "id": item.pk, "title": item.title, "pages": item.pages, "ocr": bool(item.ocr),
                "lang": item.language, "text_chars": len(item.text), "text": item.text,
            })
            return
        how = "nhận dạng chữ (OCR)" if item.ocr else "trích xuất từ lớp chữ của tệp"
        self.stdout.write(f"Đã tạo bản nháp tài liệu #{item.pk}: «{item.title}»")
        self.stdout.write(f"  Số trang: {item.pages} · Ngôn ngữ: {item.language} · "
                          f"Nội dung: {len(item.text)} ký tự, {how}")

    def _write_json(self, payload) -> None:
        self.stdout.write(json.dumps(payload, ensure_ascii=False))
