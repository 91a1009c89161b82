"""Writes of the monitoring app that the commands, views and jobs share."""

from __future__ import annotations

from .analysis import analyze_text
from .pipeline import ingest, jsonl, stories


def as_incoming(line: jsonl.Line, source=None) -> ingest.Incoming:
    url = line.url or f"urn:doingoai:{line.id}"
    return ingest.Incoming(url=url, title=line.title, text=line.text, published=line.published,
                           external_id=line.id, source=source)


def analyze_lines(lines: list[jsonl.Line], *, store: bool = False) -> list[dict]:
    """The ``monitor analyze`` contract: one result per input, in order; ``story`` is equal for
    near-duplicates within the input (the id of the story's earliest article)."""
    results = [analyze_text(line.title, line.text, line.published) for line in lines]
    oldest_first = sorted(range(len(lines)), key=lambda i: (lines[i].published is None, lines[i].published or 0, i))
    keys = stories.group_stories(
        (lines[i].id, lines[i].title, lines[i].text, results[i].lang, lines[i].published) for i in oldest_first
    )
    if store:
        ingest.ingest(as_incoming(line) for line in lines)
    return [
        {
            "id": line.id, "lang": result.lang, "relevant": result.relevant, "relevance": round(result.relevance, 4),
            "themes": result.themes if result.relevant else [],
            "sentiment": result.sentiment if result.relevant else "na",
            "story": str(keys[line.id]),
        }
        for line, result in zip(lines, results, strict=True)
    ]
