"""Search of the catalogue: Vietnamese typed without diacritics finds the words with them, the
exact diacritics rank first, facets filter and count over every match, and the public index
holds only what the public may see, following publish, unpublish and removal through the
real signals."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from doingoai.core.models import Role
from doingoai.library import search
from doingoai.library.models import Access, Collection, Item, ItemPage, Kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """``with commit(): …`` — the writes inside, then what runs when their transaction commits
    (the test itself runs in a transaction that is rolled back)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def make_item(commit):
    def make(**fields) -> Item:
        defaults = {"title": "Tài liệu thử", "live": True, "access": Access.PUBLIC, "language": "vi"}
        with commit():
            return Item.objects.create(**{**defaults, **fields})

    return make


def titles(result) -> list[str]:
    return [item.title for item in result.items]


def test_words_typed_without_diacritics_find_the_words_with_them(make_item):
    make_item(title="Quần đảo Hoàng Sa trong châu bản triều Nguyễn")
    make_item(title="Đảo Bạch Long Vĩ giữa vịnh Bắc Bộ", text="Ngư dân Bạch Long Vĩ bám biển quanh năm.")
    make_item(title="Du lịch Cát Bà mùa hè")

    assert titles(search.search("hoang sa")) == ["Quần đảo Hoàng Sa trong châu bản triều Nguyễn"]
    assert titles(search.search("bach long vi")) == ["Đảo Bạch Long Vĩ giữa vịnh Bắc Bộ"]
    # ...and the other way round; a phrase, a prefix.
    assert titles(search.search("Hoàng Sa")) == ["Quần đảo Hoàng Sa trong châu bản triều Nguyễn"]
    assert titles(search.search('"ngu dan bach long"')) == ["Đảo Bạch Long Vĩ giữa vịnh Bắc Bộ"]
    assert titles(search.search("du li*")) == ["Du lịch Cát Bà mùa hè"]
    assert search.search("truong sa").total == 0


def test_the_full_text_metadata_and_theme_names_are_searched(make_item, commit):
    with commit():
        with_pages = Item.objects.create(title="Báo cáo tổng kết", kind=Kind.DOCUMENT, live=True)
        ItemPage.objects.create(item=with_pages, number=1, text="Trang mở đầu.")
        ItemPage.objects.create(item=with_pages, number=2, text="Cột mốc chủ quyền trên đảo Trần được dựng lại.")
    make_item(title="Bản đồ cổ", creator="Nha Hoàng Việt địa dư", themes=["bien-dao"])

    result = search.search("cot moc chu quyen")
    assert titles(result) == ["Báo cáo tổng kết"]
    assert result.pages[with_pages.pk] == 2
    assert "<mark>Cột mốc chủ quyền</mark>" in result.snippets[with_pages.pk]
    assert titles(search.search("hoang viet dia du")) == ["Bản đồ cổ"]
    # The theme's name, in Vietnamese and in English.
    assert titles(search.search("chu quyen bien dao")) == ["Bản đồ cổ"]
    assert titles(search.search("sovereignty")) == ["Bản đồ cổ"]


def test_snippets_are_escaped_before_the_matches_are_marked(make_item):
    item = make_item(title="Tư liệu <script>", text="Trước <b>đảo</b> Hòn Dáu & sau.")
    result = search.search("hon dau")
    assert result.snippets[item.pk] == "Trước &lt;b&gt;đảo&lt;/b&gt; <mark>Hòn Dáu</mark> &amp; sau."
    assert result.titles[item.pk] == "Tư liệu &lt;script&gt;"


def test_exact_diacritics_rank_first_then_side_by_side_then_title_then_newest(make_item):
    older_exact = make_item(title="Hồ sơ", text="Tư liệu về truyền thông biển đảo.")
    newer_other = make_item(title="Hồ sơ khác", text="Tư liệu về truyền thống biển đảo.")
    apart = make_item(title="Ghi chép", text="Truyền tin qua thông báo của biển.")

    result = search.search("truyền thông")
    assert [i.pk for i in result.items] == [older_exact.pk, newer_other.pk, apart.pk]
    # Without diacritics no word is "exact": the newest of those where the words stand together.
    result = search.search("truyen thong")
    assert [i.pk for i in result.items] == [newer_other.pk, older_exact.pk, apart.pk]
    # A title match ranks above a match in the text.
    in_title = make_item(title="Truyền tin biển đảo")
    in_text = make_item(title="Tư liệu", text="truyền tin")
    assert [i.pk for i in search.search("truyen tin").items] == [in_title.pk, in_text.pk, apart.pk]


def test_facets_filter_and_count_over_every_match(make_item, commit):
    sea = Collection.objects.create(name="Biển đảo Hải Phòng", slug="bien-dao-hai-phong")
    for n in range(25):
        item = make_item(title=f"Biển đảo quê hương số {n}", kind=Kind.BOOK if n % 5 == 0 else Kind.IMAGE,
                         date=datetime.date(2014 + n % 2, 1, 1), themes=["bien-dao"] if n < 10 else ["du-lich"],
                         language="vi, en" if n % 2 else "vi")
        if n < 3:
            with commit():
                item.collections.add(sea)
    make_item(title="Không liên quan", kind=Kind.BOOK)

    result = search.search("bien dao", per_page=20)
    assert result.total == 25 and len(result.items) == 20
    assert result.facet_counts["kind"] == {"book": 5, "image": 20}
    assert result.facet_counts["year"] == {"2014": 13, "2015": 12}
    assert result.facet_counts["theme"] == {"bien-dao": 10, "du-lich": 15}
    assert result.facet_counts["language"] == {"vi": 25, "en": 12}
    assert result.facet_counts["collection"] == {str(sea.pk): 3}
    assert len(search.search("bien dao", page=2).items) == 5

    # One facet: the matches narrow; its own dimension still counts the other values.
    result = search.search("bien dao", facets={"kind": ["book"]})
    assert result.total == 5 and {i.kind for i in result.items} == {"book"}
    assert result.facet_counts["kind"] == {"book": 5, "image": 20}
    assert result.facet_counts["theme"] == {"bien-dao": 2, "du-lich": 3}
    # Two facets; two values of one dimension mean either.
    result = search.search("bien dao", facets={"kind": "book", "year": ["2014"]})
    assert result.total == 3
    assert search.search("bien dao", facets={"kind": ["book", "image"], "theme": "bien-dao"}).total == 10
    assert search.search("", facets={"collection": [str(sea.pk)]}).total == 3
    # Values that are not there match nothing; unknown dimensions are ignored.
    assert search.search("bien dao", facets={"year": ["1900"]}).total == 0
    assert search.search("bien dao", facets={"colour": ["đỏ"]}).total == 25


def test_the_public_index_holds_only_live_public_items_not_removed(make_item, commit, units):
    make_item(title="Hải đăng Long Châu công khai")
    make_item(title="Hải đăng Long Châu bản nháp", live=False)
    make_item(title="Hải đăng Long Châu nội bộ", access=Access.INTERNAL)
    restricted = make_item(title="Hải đăng Long Châu hạn chế", access=Access.RESTRICTED)
    with commit():
        restricted.restricted_units.add(units["TTTT"])
    make_item(title="Hải đăng Long Châu đã gỡ", removed_at=timezone.now())

    assert titles(search.search("hai dang long chau")) == ["Hải đăng Long Châu công khai"]
    assert search.search("").total == 1
    # The staff side searches every item that is not removed (and checks access itself).
    assert search.search("hai dang long chau", public=False).total == 4


def test_the_index_follows_publish_unpublish_removal_and_deletion(make_item, commit, make_person):
    editor = make_person(Role.CHUYEN_VIEN, "TTTT")
    item = make_item(title="Đảo Hòn Dấu và ngọn hải đăng", live=False)
    assert search.search("hon dau").total == 0

    with commit():
        item.save_revision(user=editor).publish()
    assert titles(search.search("hon dau")) == ["Đảo Hòn Dấu và ngọn hải đăng"]

    item.refresh_from_db()
    item.title = "Đảo Hòn Dấu, cửa biển Nam Triệu"
    with commit():
        item.save_revision(user=editor)
    assert search.search("nam trieu").total == 0  # a draft of a live item: the live version stays
    with commit():
        item.get_latest_revision().publish()
    assert titles(search.search("nam trieu")) == ["Đảo Hòn Dấu, cửa biển Nam Triệu"]
    assert search.search("ngon hai dang").total == 0

    with commit():
        item.unpublish()
    assert search.search("hon dau").total == 0

    with commit():
        item.save_revision(user=editor).publish()
    assert search.search("hon dau").total == 1
    item.refresh_from_db()
    item.removed_at = timezone.now()
    with commit():
        item.save()
    assert search.search("hon dau").total == 0
    assert search.search("hon dau", public=False).total == 0

    with commit():
        item.delete()
    assert search.search("hon dau", public=False).total == 0


def test_pages_and_collections_changes_reach_the_index(make_item, commit):
    item = make_item(title="Sổ tay")
    with commit():
        page = ItemPage.objects.create(item=item, number=1, text="Ngư trường Vịnh Bắc Bộ")
    assert search.search("ngu truong").total == 1
    page.text = "Rạn san hô"
    with commit():
        page.save()
    assert search.search("ngu truong").total == 0 and search.search("ran san ho").total == 1

    sea = Collection.objects.create(name="Biển", slug="bien")
    with commit():
        sea.items.add(item)
    assert search.search("", facets={"collection": [str(sea.pk)]}).total == 1
    with commit():
        sea.items.clear()
    assert search.search("", facets={"collection": [str(sea.pk)]}).total == 0


def test_a_rolled_back_transaction_leaves_the_index_and_its_counts_as_they_were(make_item):
    make_item(title="Cảng Lạch Huyện")
    with pytest.raises(RuntimeError), transaction.atomic():
        make_item(title="Cảng Lạch Huyện mở rộng", kind=Kind.BOOK)
        assert search.search("lach huyen").facet_counts["kind"] == {"document": 1, "book": 1}
        raise RuntimeError
    assert search.search("lach huyen").facet_counts["kind"] == {"document": 1}
    make_item(title="Cảng Lạch Huyện, bến số 3", kind=Kind.MAP)
    make_item(title="Cảng Lạch Huyện, bến số 4", kind=Kind.MAP)
    assert search.search("lach huyen").facet_counts["kind"] == {"document": 1, "map": 2}


def test_rebuild_indexes_every_item_again():
    Item.objects.create(title="Vịnh Lan Hạ", live=True)  # no commit: not indexed yet
    assert search.search("lan ha").total == 0
    assert search.rebuild() == 1
    assert search.search("lan ha").total == 1


def test_bad_queries_get_a_clear_message():
    with pytest.raises(search.QueryError, match="ngoặc kép"):
        search.search('"hoang sa')
