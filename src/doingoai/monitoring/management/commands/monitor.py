"""``doingoai monitor …``: press monitoring from the command line.

Thin: each subcommand reads its input, calls the pipeline's domain functions and prints.
Contracts (scripts and evaluations rely on them):
- ``fetch URL``: one address through the platform's safe fetcher; prints the outcome.
- ``analyze [--store]``: JSON lines ``{"id","url","title","text","published"}`` on stdin →
  one JSON line per input, in order: ``{"id","lang","relevant","relevance","themes",
  "sentiment","story"}``.
- ``import FILE.jsonl``: store such articles through the pipeline (no fetch, no extraction).
- ``process-html DIR``: saved pages through extraction onwards; prints counts and time per stage.
- ``search "QUERY" [--json] [--limit N]``: matching article ids and titles, best first.
- ``retrain``: train the analysis models on the shipped data and editors' corrections.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from doingoai.monitoring import retraining, saved_pages
from doingoai.monitoring.models import Article
from doingoai.monitoring.pipeline import fetch as fetching
from doingoai.monitoring.pipeline import ingest, jsonl
from doingoai.monitoring.services import analyze_lines, as_incoming


class Command(BaseCommand):
    help = "Theo dõi báo chí: fetch, analyze, import, process-html, search, retrain."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        one = sub.add_parser("fetch", help="tải một địa chỉ qua bộ tải an toàn và in kết quả")
        one.add_argument("url")
        one.add_argument("--no-robots", action="store_true", help="không đọc robots.txt (chỉ để kiểm tra)")
        analyze = sub.add_parser("analyze", help="phân tích các dòng JSON từ stdin, in một dòng JSON cho mỗi dòng vào")
        analyze.add_argument("--store", action="store_true", help="lưu các bài vào hệ thống")
        imp = sub.add_parser("import", help="lưu các bài trong tệp JSON lines qua quy trình xử lý")
        imp.add_argument("file")
        html = sub.add_parser("process-html", help="xử lý các trang đã lưu (*.html) từ bước trích xuất trở đi")
        html.add_argument("directory")
        find = sub.add_parser("search", help="tìm bài báo")
        find.add_argument("query")
        find.add_argument("--json", action="store_true")
        find.add_argument("--limit", type=int, default=20)
        sub.add_parser("retrain", help="huấn luyện lại mô hình phân tích (dữ liệu gốc + hiệu chỉnh của biên tập viên)")

    def handle(self, *args, action, **options):
        return getattr(self, "do_" + action.replace("-", "_"))(**options)

    def do_fetch(self, url, no_robots=False, **options):
        policy = fetching.FetchPolicy().replace(min_host_interval=0, respect_robots=not no_robots)
        result = fetching.fetch(url, policy=policy)
        self.stdout.write(fetching.describe(result))
        if result.error:
            sys.exit(1)

    def do_analyze(self, store=False, **options):
        try:
            lines = list(jsonl.read(sys.stdin))
        except jsonl.LineError as exc:
            raise CommandError(str(exc)) from None
        for row in analyze_lines(lines, store=store):
            self._write_json(row)

    def do_import(self, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        try:
            with open(path, encoding="utf-8") as fh:
                lines = list(jsonl.read(fh))
        except (jsonl.LineError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path.name}: {exc}") from None
        outcomes = ingest.ingest(as_incoming(line) for line in lines)
        created = sum(o.created for o in outcomes)
        self.stdout.write(f"Đã lưu {created} bài mới, bỏ qua {len(outcomes) - created} bài đã có.")

    def do_process_html(self, directory, **options):
        folder = Path(directory)
        if not folder.is_dir():
            raise CommandError(f"Không tìm thấy thư mục {folder}.")
        report = saved_pages.process_directory(folder)
        for line in report.lines():
            self.stdout.write(line)

    def do_search(self, query, json=False, limit=20, **options):
        from doingoai.monitoring import search

        try:
            page = search.search(query, limit=limit)
        except search.QueryError as exc:
            raise CommandError(str(exc)) from None
        titles = dict(Article.objects.filter(pk__in=[h.article_id for h in page.hits]).values_list("pk", "title"))
        for hit in page.hits:
            if json:
                self._write_json({"id": hit.article_id, "title": titles.get(hit.article_id, ""), "score": hit.score})
            else:
                self.stdout.write(f"{hit.article_id}\t{titles.get(hit.article_id, '')}")

    def do_retrain(self, **options):
        result = retraining.retrain()
        self.stdout.write(f"Đã huấn luyện phiên bản {result['version']} trên {result['samples']} mẫu "
                          f"({result['corrections']} hiệu chỉnh của biên tập viên).")
        for name, value in sorted(result["metrics"].items()):
            self.stdout.write(f"  {name}: {value:.4f}" if isinstance(value, float) else f"  {name}: {value}")

    def _write_json(self, payload) -> None:
        self.stdout.write(json.dumps(payload, ensure_ascii=False))

