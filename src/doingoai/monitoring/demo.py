"""Demo of the monitoring app: the default source catalogue (polling off: a demo has no
internet) and a bundled sample of articles that goes through the real pipeline at load time,
its dates moved so that the newest article is an hour old (the statistics of the last 30
days, the alerts and this morning's digest then have something to show)."""

from __future__ import annotations

import datetime
from pathlib import Path
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.utils import timezone

from doingoai.core.demo import loader

from . import alerts, catalogue, digests
from .models import AlertRule, Article, Source
from .pipeline import ingest, jsonl
from .services import as_incoming

SAMPLE = Path(__file__).resolve().parent / "data" / "demo-articles.jsonl"


def _source_for(url: str, by_host: dict[str, Source]) -> Source | None:
    host = urlsplit(url).hostname or ""
    return by_host.get(host.removeprefix("www."))


def _recent(lines: list[jsonl.Line]) -> list[jsonl.Line]:
    dated = [line.published for line in lines if line.published]
    if dated:
        shift = timezone.now() - datetime.timedelta(hours=1) - max(dated)
        for line in lines:
            line.published = line.published + shift if line.published else None
    return lines


@loader(order=30)
def load_monitoring() -> str:
    created, _ = catalogue.load_default_sources(polling=False)
    by_host = {(urlsplit(s.homepage).hostname or "").removeprefix("www."): s for s in Source.objects.all()}
    with open(SAMPLE, encoding="utf-8") as fh:
        lines = _recent(list(jsonl.read(fh)))
    outcomes = ingest.ingest(as_incoming(line, source=_source_for(line.url, by_host)) for line in lines)
    stored = sum(o.created for o in outcomes)
    return (f"Theo dõi báo chí: {created} nguồn tin mới; {stored} bài mẫu mới qua quy trình xử lý "
            f"(tổng {Article.objects.count()} bài).")


@loader(order=35)
def load_monitoring_alerts() -> str:
    """The specialist of the press division keeps a search on the city and two rules on it:
    negative stories at once, and a daily spike; the sample is checked against them."""
    specialist = get_user_model().objects.filter(username="chuyenvien").first()
    if specialist is None:
        return "Cảnh báo: bỏ qua (không có người dùng mẫu chuyenvien)."
    saved, _ = alerts.save_search(specialist, "Hải Phòng trên báo chí", "Hải Phòng OR Haiphong OR Cát Bà", {})
    AlertRule.objects.get_or_create(owner=specialist, name="Tin tiêu cực về thành phố", defaults={
        "saved_search": saved, "negative_only": True, "by_app": True})
    AlertRule.objects.get_or_create(owner=specialist, name="Số tin tăng đột biến", defaults={
        "saved_search": saved, "spike": True, "spike_ratio": 2.0, "spike_min_count": 4, "by_app": True})
    made = alerts.evaluate(Article.objects.values_list("pk", flat=True))
    return f"Cảnh báo: {made} cảnh báo mới cho người dùng mẫu chuyenvien."


@loader(order=36)
def load_monitoring_digest() -> str:
    digest = digests.demo_digest()
    return f"Điểm báo: bản nháp ngày {digest.day:%d/%m/%Y} với {digest.items.count()} tin."
