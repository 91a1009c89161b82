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

from django.core.management.base import BaseCommand, CommandError

from doingoai.monitoring.pipeline import fetch as fetching


class Command(BaseCommand):
    help = "Theo dõi báo chí: fetch, analyze, import, process-html, search, retrain."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        one = sub.add_parser("fetch", help="tải một địa chỉ qua bộ tải an toàn và in kết quả")
        one.add_argument("url")
        one.add_argument("--no-robots", action="store_true", help="không đọc robots.txt (chỉ để kiểm tra)")

    def handle(self, *args, action, **options):
        return getattr(self, "do_" + action.replace("-", "_"))(**options)

    def do_fetch(self, url, no_robots=False, **options):
        policy = fetching.FetchPolicy().replace(min_host_interval=0, respect_robots=not no_robots)
        result = fetching.fetch(url, policy=policy)
        self.stdout.write(fetching.describe(result))
        if result.error:
            sys.exit(1)

    def _write_json(self, payload) -> None:
        self.stdout.write(json.dumps(payload, ensure_ascii=False))


def _bad_line(number: int, reason: str) -> CommandError:
    return CommandError(f"Dòng {number}: {reason}")
