"""``doingoai library …``: the e-library from the command line.

Thin: each subcommand calls the library's domain functions and prints. Contracts:
- ``ingest FILE [--json] [--title T] [--lang vie+eng] [--collection SLUG]``: makes a draft
  item from the file, with OCR done at once; prints (``--json``) one object
  ``{"id", "title", "pages", "ocr", "lang", "text_chars", "text"}`` — ``text`` is the whole
  extracted or recognised text — or a summary in Vietnamese. A refused file (a secrecy stamp,
  a damaged or password-protected PDF, a type that lies about itself …): the reason on stderr,
  exit status 1.
- ``search "QUERY" [--json] [--limit N] [--public]``: the matching items, best first, one per
  line (``id<TAB>title<TAB>state``) or (``--json``) one object per line ``{"id", "title", "live",
  "access", "page"}`` (``page``: where the snippet was found). Drafts included (what staff
  search), removed items never; ``--public`` searches what the public catalogue shows.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Thư viện điện tử biển, đảo: ingest (đưa tệp vào thư viện), search (tìm tài liệu)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ingest = sub.add_parser("ingest", help="tạo bản nháp tài liệu từ một tệp (trích xuất chữ, nhận dạng chữ)")
        ingest.add_argument("file")
        ingest.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
        ingest.add_argument("--title", help="nhan đề (mặc định: lấy từ tệp)")
        ingest.add_argument("--lang", help="ngôn ngữ nhận dạng chữ của Tesseract, ví dụ vie+eng, chi_sim, kor, jpn")
        ingest.add_argument("--collection", action="append", default=[], help="đường dẫn (slug) của bộ sưu tập")
        search = sub.add_parser("search", help="tìm tài liệu (có dấu hoặc không dấu)")
        search.add_argument("query")
        search.add_argument("--json", action="store_true", help="mỗi dòng một đối tượng JSON")
        search.add_argument("--limit", type=int, default=20)
        search.add_argument("--public", action="store_true", help="chỉ tài liệu công khai đã xuất bản")

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

    def do_search(self, query, json=False, limit=20, public=False, **options):
        from django.core.management.base import CommandError

        from doingoai.library import search

        try:
            found = search.search(query, page=1, per_page=max(1, min(limit, 500)), public=public)
        except search.QueryError as exc:
            raise CommandError(str(exc)) from None
        for item in found.items:
            if json:
                self._write_json({"id": item.pk, "title": item.title, "live": item.live, "access": item.access,
                                  "page": found.pages.get(item.pk)})
            else:
                state = "đã xuất bản" if item.live else "bản nháp"
                self.stdout.write(f"{item.pk}\t{item.title}\t{state}")
        if not json:
            self.stderr.write(f"{found.total} tài liệu khớp.")

    def _write_json(self, payload) -> None:
        self.stdout.write(json.dumps(payload, ensure_ascii=False))
