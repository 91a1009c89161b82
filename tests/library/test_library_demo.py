"""The library's demo for `make run` (``library/demo.py``): a collection «Biển, đảo» of about
thirty items written for the project, made through the real paths — files rendered and drawn at
load time and ingested (one scanned page recognised by OCR), described, published by the
leader, two waiting at «Kiểm duyệt», one draft, one removed (a tombstone), one due for
re-review — and a second run changes nothing."""

from __future__ import annotations

import datetime
import unicodedata
import wave
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from wagtail.models import Revision

from doingoai.core import context, seed, vntext
from doingoai.core import demo as core_demo
from doingoai.core.models import AuditEntry
from doingoai.library import access, publishing, review, search
from doingoai.library import demo as library_demo
from doingoai.library.ingest import Refused
from doingoai.library.models import Access, Collection, Item, ItemFile, Kind

DATA = library_demo.demo_data()


@pytest.fixture
def run_loader(django_capture_on_commit_callbacks):
    """The loader as the ``demo`` command runs it; what waits for the commit (the catalogue's
    index) runs at the end, as it would after the command's transaction."""

    def run(data: dict | None = None) -> str:
        with django_capture_on_commit_callbacks(execute=True), context.acting_as(via="command"):
            return library_demo.load_library(data)

    return run


def stored_files() -> set[Path]:
    root = Path(ItemFile._meta.get_field("file").storage.location)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def folded_share(expected: str, text: str) -> float:
    """Share of the expected words found in ``text``, compared folded (OCR may lose a mark)."""
    want, got = vntext.fold_tokens(expected), set(vntext.fold_tokens(text))
    return sum(w in got for w in want) / len(want)


def test_the_data_file_describes_every_item_with_known_codes():
    """Fast checks of ``data/demo-items.json``: what the loader relies on."""
    theme_codes = {t["code"] for t in seed.themes()}
    slugs = [c["slug"] for c in DATA["collections"]]
    assert slugs[0] == library_demo.MAIN_COLLECTION and len(slugs) == len(set(slugs)) == 3
    keys, files = set(), set()
    for spec in DATA["items"]:
        spec = {**DATA["defaults"], **spec}
        assert spec["key"] not in keys and spec["file"] not in files
        keys.add(spec["key"])
        files.add(spec["file"])
        assert spec["make"] in library_demo.MAKERS and spec["kind"] in Kind.values
        assert set(spec["themes"]) <= theme_codes and set(spec["collections"]) <= set(slugs)
        assert library_demo.MAIN_COLLECTION in spec["collections"]
        assert spec["access"] in Access.values and spec["language"] in ("vi", "en")
        assert spec["state"] in ("published", "old", "moderation", "draft", "removed")
        datetime.date.fromisoformat(spec["date"])
    text = library_demo.DATA.read_text(encoding="utf-8")
    assert unicodedata.normalize("NFC", text) == text
    assert 28 <= len(DATA["items"]) <= 40


def test_the_demo_loads_the_sea_and_islands_collection_and_a_second_run_changes_nothing(
    db, run_loader
):
    core_demo.load()
    people = {u.username: u for u in get_user_model().objects.all()}
    message = run_loader()
    assert f"với {len(DATA['items'])} tài liệu mẫu" in message

    # The collections, «Biển, đảo» first, described in both languages.
    collections = list(Collection.objects.all())
    assert [c.slug for c in collections] == ["bien-dao", "phap-luat-ve-bien", "hinh-anh-bien-dao"]
    main = collections[0]
    assert (main.name, main.name_en) == ("Biển, đảo", "Sea and Islands")
    assert main.description and main.description_en
    items = list(main.items.all())
    assert len(items) >= 28 and len(items) == Item.objects.count()
    assert collections[1].items.count() >= 5 and collections[2].items.count() >= 4

    # Kinds and formats spread; every item described (Dublin Core) and kept by the centre.
    assert {"article", "document", "image", "map", "audio"} <= {i.kind for i in items}
    formats = {i.format for i in items}
    assert {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "audio/wav",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    } <= formats
    for item in items:
        assert item.creator and item.publisher and item.subject and item.description and item.date
        assert item.coverage and item.rights.startswith("©") and item.language in ("vi", "en")
        assert item.owner_unit.code == "TTTT"
        assert item.files.filter(role=ItemFile.Role.ORIGINAL).count() == 1
    assert Item.objects.filter(language="en").count() >= 2
    assert Item.objects.filter(access=Access.INTERNAL).count() == 2
    restricted = Item.objects.get(access=Access.RESTRICTED)
    assert [u.code for u in restricted.restricted_units.all()] == ["TTTT"]
    assert not access.can_view(people["chuyenvien"], restricted)  # of another unit
    assert access.can_view(people["bientap"], restricted)

    # The official documents are rendered in the Decree 30 layout: their text layer says so.
    plan = Item.objects.get(title="Kế hoạch tuyên truyền về biển, đảo năm 2025")
    assert plan.kind == "document" and plan.ocr is False
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in plan.text and "Văn bản mẫu" in plan.text

    # The scanned page went through OCR at load time: a searchable PDF beside the original.
    scanned = Item.objects.get(title__startswith="Tư liệu quét")
    assert scanned.ocr is True and scanned.processing == "done" and scanned.pages == 1
    assert scanned.files.filter(role=ItemFile.Role.SEARCHABLE).exists()
    spec = next(s for s in DATA["items"] if s["make"] == "scan")
    page = " ".join([spec["scan"]["heading"], *spec["scan"]["paragraphs"]])
    assert folded_share(page, scanned.text) >= 0.9
    assert "k15" in vntext.fold(scanned.text)
    # The words drawn on the pictures: what the editor put right after the OCR.
    sketch = Item.objects.get(title__startswith="Sơ đồ quần đảo Cát Bà")
    assert sketch.kind == "map" and sketch.ocr is True
    assert "Quần đảo Long Châu" in sketch.text and "Vịnh Lan Hạ" in sketch.text
    assert AuditEntry.objects.filter(
        action="library.page_corrected", object_id=str(sketch.pk)
    ).exists()
    # A few seconds of sound.
    audio = Item.objects.get(kind="audio")
    with wave.open(str(Path(audio.files.get().file.path)), "rb") as sound:
        assert 2 <= sound.getnframes() / sound.getframerate() <= 6

    # The public finds items without typing the diacritics, and only public, live items.
    found = search.search("hai dang long chau")
    assert "Hải đăng Long Châu — ngọn đèn giữa biển Đông Bắc" in [i.title for i in found.items]
    assert scanned in search.search("tau khong so ben k15").items  # its OCR text is searchable
    everything = search.search(None, per_page=100)
    assert everything.total == access.public_items().count() >= 24
    assert all(i.live and i.access == Access.PUBLIC and not i.removed for i in everything.items)

    # Where each stands: published by the leader, two waiting at «Kiểm duyệt», one draft.
    states = [publishing.status(i)[0] for i in items]
    assert (
        states.count("moderation") == 2
        and states.count("draft") == 1
        and states.count("removed") == 1
    )
    assert states.count("published") == len(items) - 4
    for waiting in (i for i in items if publishing.status(i)[0] == "moderation"):
        assert waiting.current_workflow_task.name == "Kiểm duyệt"
        assert waiting.current_workflow_state.requested_by == people["chuyenvien"]
        assert publishing.may_act(waiting, people["kiemduyet"])
        assert not publishing.may_act(waiting, people["bientap"])  # she approved «Biên tập»
    assert Revision.objects.filter(object_id=str(plan.pk), base_content_type__model="item").exists()

    # One picture removed by the reviewer, with its reason and legal basis: a tombstone.
    removed = Item.objects.get(removed_at__isnull=False)
    assert removed.live is False and removed.removed_by == people["kiemduyet"]
    assert removed.removal_reason and "Luật Sở hữu trí tuệ" in removed.removal_legal_basis
    assert not access.can_view(AnonymousUser(), removed) and removed in review.removed_items()
    assert removed not in search.search("binh minh lan ha").items

    # One article published 13 months ago waits for its re-review.
    due = review.review_queue()
    assert [(d.item.title, d.reason) for d in due] == [
        ("Hải đăng Hòn Dáu và mốc độ cao quốc gia", "age")
    ]

    # A second run finds the collection full and changes nothing.
    counts = (
        Item.objects.count(),
        ItemFile.objects.count(),
        Collection.objects.count(),
        Revision.objects.count(),
        AuditEntry.objects.count(),
    )
    assert "đã có" in run_loader()
    assert counts == (
        Item.objects.count(),
        ItemFile.objects.count(),
        Collection.objects.count(),
        Revision.objects.count(),
        AuditEntry.objects.count(),
    )


def test_a_load_that_fails_half_way_leaves_no_item_and_no_file_behind(db, run_loader):
    core_demo.load()
    before = stored_files()
    first = next(s for s in DATA["items"] if s["make"] == "article_docx")
    broken = {**first, "key": "hong", "file": "hong.docx", "collections": ["bien-dao", "khong-co"]}
    with pytest.raises(Refused, match="khong-co"):
        run_loader({**DATA, "items": [first, broken]})
    assert not Item.objects.exists() and not ItemFile.objects.exists()
    assert stored_files() == before  # the first item's file went with it
    # The collections stay, empty: the next run loads the items.
    assert Collection.objects.get(slug="bien-dao").items.count() == 0
    assert "với 1 tài liệu mẫu" in run_loader({**DATA, "items": [first]})
