"""Saved pages (``*.html``) through extraction onwards: benchmarks and evaluations use it."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from .pipeline import extract as extraction
from .pipeline import ingest


@dataclass
class Report:
    pages: int = 0
    stored: int = 0
    skipped: int = 0
    failed: list[str] = field(default_factory=list)
    times: ingest.StageTimes = field(default_factory=ingest.StageTimes)
    extract_seconds: float = 0.0
    total_seconds: float = 0.0

    def lines(self) -> list[str]:
        out = [f"Trang: {self.pages}; lưu mới: {self.stored}; đã có: {self.skipped}; lỗi: {len(self.failed)}"]
        stages = {"extract": self.extract_seconds, **self.times.seconds}
        for stage, seconds in stages.items():
            per = seconds / self.pages * 1000 if self.pages else 0.0
            out.append(f"  {stage:<16} {seconds:8.2f} s  ({per:.2f} ms/trang)")
        rate = self.pages / self.total_seconds if self.total_seconds else 0.0
        out.append(f"Tổng: {self.total_seconds:.2f} s ({rate:.1f} trang/giây)")
        out += [f"  lỗi: {name}" for name in self.failed[:20]]
        return out


def page_url(path: Path, extracted) -> str | None:
    """The page's address: a sidecar (``page.url`` or ``page.json`` with "url"), else its
    <link rel=canonical>."""
    sidecar = path.with_suffix(".url")
    if sidecar.exists():
        return sidecar.read_text(encoding="utf-8").strip() or None
    meta = path.with_suffix(".json")
    if meta.exists():
        try:
            return json.loads(meta.read_text(encoding="utf-8")).get("url")
        except ValueError:
            return None
    return extracted.canonical_url if extracted else None


def incoming_from_page(extracted, url: str | None, *, published=None, title: str = "",
                       source=None) -> ingest.Incoming | None:
    """The one way from an extracted page to what the pipeline stores (saved pages and
    polled sources alike): the sanitised HTML, the page's language hint, the publication
    time given by a feed (``published``) or else found on the page (htmldate), the page's
    title or else the feed's. ``None`` when there is no article or no address."""
    if extracted is None or not url or not (extracted.title or extracted.text):
        return None
    return ingest.Incoming(
        url=url, title=extracted.title or title, text=extracted.text, published=published or extracted.published,
        html=extracted.html, author=extracted.author or "", page_lang=extracted.language_hint, source=source,
    )


#: Pages extracted before their articles go to the pipeline together (one transaction, one
#: index write and one alerts job for the batch).
BATCH = ingest.BATCH


def process_directory(folder: Path) -> Report:
    report = Report()
    begun = time.perf_counter()
    waiting: list[ingest.Incoming] = []

    def store() -> None:
        for outcome in ingest.ingest(waiting, times=report.times):
            if outcome.created:
                report.stored += 1
            else:
                report.skipped += 1
        waiting.clear()

    for path in sorted(folder.glob("*.html")):
        report.pages += 1
        started = time.perf_counter()
        extracted = extraction.extract(path.read_bytes())
        report.extract_seconds += time.perf_counter() - started
        incoming = incoming_from_page(extracted, page_url(path, extracted))
        if incoming is None:
            report.failed.append(f"{path.name}: không trích xuất được bài hoặc không rõ địa chỉ")
            continue
        waiting.append(incoming)
        if len(waiting) >= BATCH:
            store()
    store()
    report.total_seconds = time.perf_counter() - begun
    return report
