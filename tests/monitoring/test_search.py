"""Article search, as staff use it: Vietnamese with or without diacritics, exact diacritics
first, AND / OR / NOT, phrases, prefixes, filters, highlighted snippets, counts and exports.

The same tests run on SQLite and on PostgreSQL: the backend follows the configured database."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import itertools
import re
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doingoai.monitoring import search
from doingoai.monitoring.models import Article, Source
from doingoai.monitoring.search import Filters, QueryError, parse_query
from doingoai.monitoring.search.snippets import SNIPPET_CHARS

VN = ZoneInfo("Asia/Ho_Chi_Minh")
_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def empty_index(db):
    """Each test starts from an empty index (rows left by tests that commit are not ours)."""
    search.clear()


@pytest.fixture
def outlets(db):
    return {
        "haiphong": Source.objects.create(name="Báo Hải Phòng", kind=Source.Kind.LOCAL, country="VN"),
        "nhandan": Source.objects.create(name="Báo Nhân Dân", kind=Source.Kind.NATIONAL, country="VN"),
        "yonhap": Source.objects.create(name="Yonhap", kind=Source.Kind.FOREIGN, country="KR", language="en"),
    }


def article(title: str, text: str = "", *, index: bool = True, **fields) -> Article:
    """A stored article (later ones are newer), indexed unless ``index=False``."""
    n = next(_serial)
    fields.setdefault("published_at", dt.datetime(2025, 5, 1, 9, 0, tzinfo=VN) + dt.timedelta(minutes=n))
    fields.setdefault("language", "vi")
    item = Article.objects.create(
        url=f"https://bao.example.vn/bai-{n}", url_key=hashlib.sha256(f"bai-{n}".encode()).hexdigest(),
        title=title, text=text, content_hash=f"{n}", **fields,
    )
    if index:
        search.index_articles([item])
    return item


def ids(query: str, **kwargs) -> list[int]:
    return [hit.article_id for hit in search.search(query, **kwargs).hits]


# --- Vietnamese with or without diacritics ---------------------------------------------------

def test_words_typed_without_diacritics_find_words_written_with_them():
    doi_ngoai = article("Công tác thông tin đối ngoại năm 2025", "Sở Thông tin và Truyền thông triển khai.")
    ke_hoach = article("Ban hành kế hoạch tuyên truyền", "Kế hoạch số 14/KH-STTTT.")
    hai_phong = article("Du lịch biển Hải Phòng", "Cát Bà đón khách.")

    assert ids("doi ngoai") == [doi_ngoai.pk]
    assert ids("ke hoach") == [ke_hoach.pk]
    assert ids("hai phong") == [hai_phong.pk]
    assert ids("HAI PHONG") == [hai_phong.pk]


def test_words_typed_with_diacritics_find_words_written_without_them():
    foreign = article("Hai Phong welcomes investors", "The port city of Hai Phong signed doi ngoai deals.",
                      language="en")

    assert ids("Hải Phòng") == [foreign.pk]
    assert ids("đối ngoại") == [foreign.pk]


def test_decomposed_and_composed_diacritics_are_the_same_word():
    decomposed = "Ha\u0309i Pho\u0300ng"  # marks typed as separate characters
    item = article("Hải Phòng mở rộng cảng", "")

    assert ids(decomposed) == [item.pk]


def test_matches_with_the_query_s_exact_diacritics_come_first():
    thong = article("Đẩy mạnh truyền thông về biển đảo", "Các cơ quan báo chí tham gia.")
    thong_2 = article("Truyền thông chính sách", "")
    thong_3 = article("Ngày hội văn hóa", "Phát huy truyền thống, đổi mới truyền thông.")
    thong_4 = article("Giữ gìn truyền thống quê hương", "Truyền thống cách mạng của thành phố.")

    page = search.search("truyền thông")
    assert page.total == 4
    order = [hit.article_id for hit in page.hits]
    # Newer articles come later, so recency alone would put "truyền thống" first.
    assert order.index(thong.pk) < order.index(thong_4.pk)
    assert order.index(thong_2.pk) < order.index(thong_4.pk)
    assert order[-1] == thong_4.pk
    assert order.index(thong_3.pk) < order.index(thong_4.pk)

    # And the other way round: "truyền thống" first for a query with its own diacritics.
    assert ids("truyền thống")[0] == thong_4.pk


def test_without_diacritics_in_the_query_no_spelling_is_preferred():
    older = article("Truyền thông số", "")
    newer = article("Truyền thống văn hóa", "")

    assert ids("truyen thong") == [newer.pk, older.pk]


def test_words_standing_side_by_side_rank_above_the_same_words_apart():
    apart = article("Thay đổi giờ làm việc", "Khách nước ngoài đến tham quan.")
    together = article("Hội nghị", "Triển khai công tác đối ngoại của thành phố.")
    newest_apart = article("Đổi mới", "Nhà đầu tư ngoài nước.")

    assert ids("doi ngoai") == [together.pk, newest_apart.pk, apart.pk]


def test_title_matches_rank_above_text_matches_then_the_newest_first():
    in_text = article("Tin tổng hợp", "Cảng Lạch Huyện đón tàu lớn.")
    in_title = article("Cảng Lạch Huyện đón tàu lớn", "Tin tổng hợp.")
    newer_text = article("Tin trong ngày", "Tàu container cập cảng Lạch Huyện.")

    assert ids("Lạch Huyện") == [in_title.pk, newer_text.pk, in_text.pk]


# --- the query language ----------------------------------------------------------------------

@pytest.fixture
def corpus(db):
    return {
        "dulich": article("Du lịch biển đảo Cát Bà", "Cát Bà đón hơn ba triệu lượt khách du lịch."),
        "cang": article("Cảng Lạch Huyện mở rộng", "Hải Phòng đầu tư bến cảng mới."),
        "bien": article("Bảo vệ môi trường biển", "Thu gom rác thải trên biển."),
        "tingia": article("Xử lý tin giả về du lịch", "Thông tin sai sự thật về giá phòng."),
        "khongkhi": article("Chất lượng không khí", "Không khí mùa đông và sức khỏe."),
    }


def test_words_are_all_required_by_default(corpus):
    assert ids("du lịch Cát Bà") == [corpus["dulich"].pk]
    assert ids("du lịch cảng") == []


def test_or_and_hoac_accept_either_side(corpus):
    expected = {corpus["cang"].pk, corpus["bien"].pk, corpus["dulich"].pk}
    assert set(ids("cảng OR biển")) == expected
    assert set(ids("cảng HOẶC biển")) == expected


def test_not_minus_and_khong_exclude(corpus):
    assert ids("du lịch NOT giả") == [corpus["dulich"].pk]
    assert ids("du lịch -giả") == [corpus["dulich"].pk]
    assert ids("du lịch KHÔNG giả") == [corpus["dulich"].pk]
    assert ids('biển -"môi trường"') == [corpus["dulich"].pk]


def test_explicit_and_and_va(corpus):
    assert ids("biển AND rác") == [corpus["bien"].pk]
    assert ids("biển VÀ rác") == [corpus["bien"].pk]


def test_operators_are_words_when_not_in_capitals(corpus):
    # "không" and "và" are ordinary Vietnamese words; only KHÔNG, VÀ are operators.
    assert ids("không khí") == [corpus["khongkhi"].pk]
    assert ids("chất lượng không khí và sức khỏe") == [corpus["khongkhi"].pk]


def test_quoted_phrases_need_their_words_in_order(corpus):
    backwards = article("Huyện Lạch mới", "Tên gọi khác.")
    assert ids('"cảng Lạch Huyện"') == [corpus["cang"].pk]
    assert ids('"cang lach huyen"') == [corpus["cang"].pk]
    assert ids('"Huyện Lạch"') == [backwards.pk]
    assert ids('"Lạch cảng"') == []


def test_prefixes_find_words_by_their_beginning(corpus):
    assert set(ids("Lạch Huy*")) == {corpus["cang"].pk}
    assert set(ids("hai*")) == {corpus["cang"].pk}  # Hải Phòng
    assert set(ids('"bến cả"*')) == {corpus["cang"].pk}  # phrase whose last word is a prefix
    assert set(ids("rá*")) == {corpus["bien"].pk}  # rác
    # Prefixes are folded like words: "môi*" finds "môi trường" and also "mới".
    assert set(ids("môi*")) == {corpus["bien"].pk, corpus["cang"].pk}


def test_a_prefix_shared_by_very_many_words_still_finds_them_all(db):
    many = article("Danh mục tàu cá", " ".join(f"mã{n:03d}" for n in range(100)))
    other = article("Tàu cá Bạch Long Vĩ", "mã999 và mã000.")
    assert set(ids("mã*")) == {many.pk, other.pk}
    assert set(ids("ma0*")) == {many.pk, other.pk}
    assert ids("mã099") == [many.pk]


def test_parentheses_group(corpus):
    assert set(ids("(cảng OR Cát) du lịch")) == {corpus["dulich"].pk}
    assert set(ids("(cảng OR Cát) -(du lịch)")) == {corpus["cang"].pk}


def test_words_cut_by_punctuation_are_searched_as_phrases(corpus):
    covid = article("Phòng chống COVID-19", "Tiêm vắc-xin mũi nhắc lại.")
    assert ids("covid-19") == [covid.pk]
    assert ids("vắc-xin") == [covid.pk]
    assert ids("Hải-Phòng") == [corpus["cang"].pk]


def test_chinese_words_are_found_inside_a_sentence():
    item = article("越南海防市举办旅游节", "海防是越南北部的港口城市。", language="zh")
    assert ids("海防") == [item.pk]
    assert ids("港口") == [item.pk]


# (query, part of the message it is refused with)
MALFORMED = [
    ('"cảng Lạch Huyện', "ngoặc kép"),
    ("(du lịch OR biển", "ngoặc đóng"),
    ("du lịch) biển", "Thừa dấu ngoặc đóng"),
    ("()", "ngoặc rỗng"),
    ("AND AND", "AND"),
    ("biển AND", "Sau AND"),
    ("OR biển", "Trước OR"),
    ("biển OR", "Sau OR"),
    ("biển NOT", "Sau NOT"),
    ("-du -lịch", "chỉ có điều kiện loại trừ"),
    ("cảng OR -biển", "Mỗi vế của OR"),
    ("", "Hãy nhập"),
    ("   *  ", "Hãy nhập"),
    ("h*", "quá ngắn"),
    ("biển " * 400, "quá dài"),
    ("tin " * 70, "quá dài"),
    ("(" * 12 + "biển" + ")" * 12, "ngoặc lồng nhau"),
]


def test_malformed_queries_are_refused_with_a_vietnamese_message(db):
    for text, message in MALFORMED:
        with pytest.raises(QueryError, match=re.escape(message)):
            search.search(text)


def test_fts_syntax_in_a_query_is_only_ever_searched_as_words(corpus):
    hostile = [
        'NEAR(biển rác)', "NEAR(", "title:biển", "text:biển", "{text}: biển", "{exact title}: biển",
        "biển*rác", "^biển", "biển + rác", "'biển'", "biển'); DROP TABLE monitoring_article; --",
        "biển NEAR/2 rác", "col:*", "*biển", "biển -", "- biển", "rank:bm25", "a:b:c",
        "biển & rác | !cảng", "biển <-> rác", "'", "\\", "biển\x00rác", "_tbien", "_fl7669",
    ]
    for text in hostile:
        try:
            page = search.search(text)
        except QueryError:
            continue
        assert page.total >= 0, text
    assert ids("NEAR(biển rác)") == []  # "near" is one more word to find, not an operator
    assert ids("(biển rác)") == [corpus["bien"].pk]
    assert ids("title:biển") == []  # "title" is just a word that no article has
    assert ids("_tbien") == ids("tbien") == []  # index tokens cannot be named from a query
    assert Article.objects.count() == 5


# Pieces of FTS5, tsquery and our own syntax, glued with or without spaces.
PIECES = ['"', "“", "”", "(", ")", "*", "-", ":", "^", "{", "}", "+", "|", "!", "&", "<->", "'", "\\",
          "_", "\x00", "AND", "OR", "NOT", "VÀ", "HOẶC", "KHÔNG", "NEAR", "NEAR(", "{text}:", "title:",
          "_tbien", "biển", "rác", "Cát", "a", "hai*", "-cảng", '"du lịch"', "đ"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(["", " "])), max_size=12))
def test_any_input_is_either_searched_or_refused_with_query_error(corpus, parts):
    text = "".join(piece + gap for piece, gap in parts)
    try:
        page = search.search(text)
    except QueryError as error:
        assert str(error)
    else:
        assert page.total >= 0
        assert search.count(text) == page.total


def test_parse_query_returns_the_tree_the_backends_render():
    query = parse_query('đối ngoại -"tin giả" OR cảng*')
    assert query.pairs and query.pairs[0].first.folded == "doi" and query.pairs[0].second.folded == "ngoai"
    assert query.has_diacritics
    words = [[t.exact for t in w.tokens] for w in query.words]
    assert words == [["đối"], ["ngoại"], ["cảng"]]
    assert query.words[-1].prefix


# --- filters ---------------------------------------------------------------------------------

def test_filters_by_date_range_in_the_local_calendar(db):
    may_1 = article("Lễ hội hoa phượng đỏ", "", published_at=dt.datetime(2025, 5, 1, 8, 0, tzinfo=VN))
    # 30/4 23:30 UTC is already 1/5 in Hải Phòng.
    may_1_late = article("Lễ hội hoa phượng đỏ khai mạc", "",
                         published_at=dt.datetime(2025, 4, 30, 23, 30, tzinfo=dt.UTC))
    april = article("Chuẩn bị lễ hội hoa phượng đỏ", "", published_at=dt.datetime(2025, 4, 20, 8, 0, tzinfo=VN))
    last_year = article("Lễ hội hoa phượng đỏ 2024", "", published_at=dt.datetime(2024, 5, 10, tzinfo=VN))
    undated = article("Lễ hội hoa phượng đỏ (không rõ ngày)", "", published_at=None)

    def dated(**kwargs):
        return set(ids("hoa phượng", filters=Filters(**kwargs)))

    assert dated(date_from=dt.date(2025, 5, 1), date_to=dt.date(2025, 5, 1)) == {may_1.pk, may_1_late.pk}
    assert dated(date_from=dt.date(2025, 4, 1), date_to=dt.date(2025, 4, 30)) == {april.pk}
    assert dated(date_from=dt.date(2025, 1, 1)) == {may_1.pk, may_1_late.pk, april.pk}
    assert dated(date_to=dt.date(2024, 12, 31)) == {last_year.pk}
    assert dated(date_from=dt.date(2024, 1, 1), date_to=dt.date(2025, 12, 31)) == {
        may_1.pk, may_1_late.pk, april.pk, last_year.pk}
    assert dated(date_from=dt.date(2026, 1, 1)) == set()
    assert undated.pk in ids("hoa phượng")
    with pytest.raises(QueryError, match="ngày bắt đầu sau ngày kết thúc"):
        search.search("hoa phượng", filters=Filters(date_from=dt.date(2025, 5, 2), date_to=dt.date(2025, 5, 1)))


def test_filters_by_source_country_and_language(outlets):
    local = article("Hải Phòng thu hút đầu tư", "", source=outlets["haiphong"])
    national = article("Hải Phòng dẫn đầu thu hút đầu tư", "", source=outlets["nhandan"])
    korean = article("Hai Phong attracts Korean investment", "", source=outlets["yonhap"], language="en")
    no_source = article("Hải Phòng: đầu tư vào cảng", "")

    def found(**kwargs):
        return set(ids("Hải Phòng", filters=Filters(**kwargs)))

    assert found(source_ids=[outlets["haiphong"].pk]) == {local.pk}
    assert found(source_ids=[outlets["haiphong"].pk, outlets["yonhap"].pk]) == {local.pk, korean.pk}
    assert found(countries=["kr"]) == {korean.pk}
    assert found(countries=["VN"]) == {local.pk, national.pk}
    assert found(languages=["en"]) == {korean.pk}
    assert found(languages=["vi"]) == {local.pk, national.pk, no_source.pk}
    assert found(languages=["vi"], countries=["VN"], source_ids=[outlets["nhandan"].pk]) == {national.pk}


def test_filters_by_theme_sentiment_and_relevance(db):
    tourism = article("Du lịch Cát Bà khởi sắc", "", themes=["du-lich"], sentiment="positive",
                      relevant=True, relevance=0.92)
    storm = article("Bão số 3 gây thiệt hại tại Cát Bà", "", themes=["su-co-thien-tai", "du-lich"],
                    sentiment="negative", relevant=True, relevance=0.705)
    other = article("Cát Bà trong mắt du khách nước ngoài", "", themes=["van-hoa-xa-hoi"],
                    sentiment="neutral", relevant=False, relevance=0.70)

    def found(**kwargs):
        return set(ids("Cát Bà", filters=Filters(**kwargs)))

    assert found(themes=["du-lich"]) == {tourism.pk, storm.pk}
    assert found(themes=["su-co-thien-tai", "van-hoa-xa-hoi"]) == {storm.pk, other.pk}
    assert found(sentiments=["negative"]) == {storm.pk}
    assert found(sentiments=["positive", "neutral"]) == {tourism.pk, other.pk}
    assert found(relevant_only=True) == {tourism.pk, storm.pk}
    assert found(min_relevance=0.7) == {tourism.pk, storm.pk, other.pk}
    assert found(min_relevance=0.705) == {tourism.pk, storm.pk}  # exact, not per cent
    assert found(min_relevance=0.71) == {tourism.pk}
    assert found(min_relevance=0.92) == {tourism.pk}
    assert found(min_relevance=0.93) == set()
    assert found(min_relevance=0.0, themes=["du-lich"], relevant_only=True) == {tourism.pk, storm.pk}
    assert search.count("Cát Bà", Filters(min_relevance=0.705)) == 2


# --- results: snippets, order, count, exports ------------------------------------------------

def test_hits_show_the_original_text_escaped_with_matches_marked():
    item = article(
        "Hải Phòng <b>đẩy mạnh</b> thông tin đối ngoại",
        "Mở đầu. " + "Câu chữ không liên quan đến nội dung tìm kiếm. " * 30
        + "Thành phố triển khai công tác đối ngoại & hợp tác quốc tế. " + "Kết thúc bài viết. " * 30,
    )

    hit = search.search("doi ngoai").hits[0]
    assert hit.article_id == item.pk
    assert hit.title_html == "Hải Phòng &lt;b&gt;đẩy mạnh&lt;/b&gt; thông tin <mark>đối ngoại</mark>"
    assert "<mark>đối ngoại</mark> &amp; hợp tác quốc tế" in hit.snippet_html
    assert hit.snippet_html.startswith("…") and hit.snippet_html.endswith("…")
    passage = html.unescape(re.sub(r"<[^>]+>", "", hit.snippet_html))
    assert len(passage) <= SNIPPET_CHARS + 40  # a passage, not the whole article
    assert passage.index("đối ngoại") < 100  # the match near its start, with some context
    assert "<b>" not in hit.snippet_html + hit.title_html


def test_phrases_and_prefixes_are_marked_whole():
    article("Cảng Lạch Huyện", "Tàu vào cảng Lạch Huyện, Hải Phòng.")
    hit = search.search('"cang lach huyen" hai*').hits[0]
    assert hit.title_html == "<mark>Cảng Lạch Huyện</mark>"
    assert hit.snippet_html == "Tàu vào <mark>cảng Lạch Huyện</mark>, <mark>Hải</mark> Phòng."


def test_total_counts_every_match_and_pages_follow_the_ranking(db):
    items = [article(f"Tin biển đảo số {n}", "Tuyên truyền biển đảo.") for n in range(25)]
    exact = article("Bản tin", "Biển đảo quê hương.")

    first = search.search("biển đảo", limit=10)
    second = search.search("biển đảo", limit=10, offset=10)
    third = search.search("biển đảo", limit=10, offset=20)
    assert first.total == second.total == third.total == 26
    assert search.count("biển đảo") == 26
    paged = [h.article_id for page in (first, second, third) for h in page.hits]
    assert len(paged) == 26 and set(paged) == {a.pk for a in items} | {exact.pk}
    assert paged[0] == items[-1].pk  # title matches first, newest first
    assert paged[-1] == exact.pk
    assert search.search("biển đảo", limit=10, offset=30).hits == []


def test_the_order_is_the_same_when_the_index_reads_its_ranking_tiers_one_by_one(db, settings):
    """Over a million articles a query can match too many articles to rank them all at once;
    the index then reads its ranking tiers best first and stops when the page is full."""
    article("Hội nghị đối ngoại", "Công tác đối ngoại năm 2025.", relevance=0.8)
    article("Thay đổi lịch làm việc", "Khách nước ngoài đến thăm.", relevance=0.3)
    article("Tin vắn", "Đổi mới hoạt động đối ngoại nhân dân.", relevance=0.75)
    article("Doi ngoai va hop tac", "Hai Phong doi ngoai.", language="en", relevance=0.9)
    article("Đối ngoại địa phương", "Ngoài ra còn có các hoạt động khác.", relevance=0.1)
    article("Điểm báo sáng", "Đời sống người dân ngoại thành.", relevance=0.75)
    queries = [("đối ngoại", None), ("doi ngoai", None), ("đối ngoại -nhân", None),
               ("đối OR ngoài", None), ("đối ngoại", Filters(min_relevance=0.75)),
               ("đối ngoại", Filters(languages=["vi"]))]
    expected = [ids(text, filters=filters, limit=100) for text, filters in queries]

    for most in (0, 1, 2):  # how many matches the index may rank at once (5,000 by default)
        settings.SEARCH_RANK_ALL = most
        for (text, filters), order in zip(queries, expected, strict=True):
            assert ids(text, filters=filters, limit=100) == order, text
            paged = [h for offset in range(0, len(order), 2)
                     for h in ids(text, filters=filters, limit=2, offset=offset)]
            assert paged == order, text
            assert list(search.iter_matches(text, filters, batch=2)) == order, text
    assert expected[0][:2] != expected[1][:2]  # exact diacritics count only when typed


def test_exports_iterate_over_every_match_in_batches_in_ranking_order(db):
    items = [article(f"Điểm báo ngày {n}", "Thông tin đối ngoại trong ngày.") for n in range(23)]
    article("Tin khác", "Không có từ cần tìm.")

    exported = list(search.iter_matches("đối ngoại", batch=5))
    assert sorted(exported) == sorted(a.pk for a in items)
    assert exported == [h.article_id for h in search.search("đối ngoại", limit=100).hits]

    filtered = list(search.iter_matches("đối ngoại", Filters(min_relevance=0.0), batch=4))
    assert filtered == exported
    with pytest.raises(QueryError):
        search.iter_matches('"đối ngoại')


# --- keeping the index --------------------------------------------------------------------------

def test_indexing_is_idempotent_and_follows_changes(outlets):
    item = article("Tuyên truyền về biển đảo", "Nội dung ban đầu.", source=outlets["haiphong"])
    assert search.index_articles([item]) == 0  # unchanged: nothing rewritten
    assert search.search("biển đảo").total == 1

    item.title = "Quảng bá du lịch Đồ Sơn"
    item.sentiment = "positive"
    item.save()
    assert search.index_articles([item]) == 1
    assert search.search("biển đảo").total == 0
    assert ids("Đồ Sơn", filters=Filters(sentiments=["positive"])) == [item.pk]

    item.source = outlets["yonhap"]
    item.relevance = 0.555
    item.save()
    search.index_article_ids([item.pk])
    assert ids("do son", filters=Filters(countries=["KR"])) == [item.pk]
    assert ids("do son", filters=Filters(min_relevance=0.555)) == [item.pk]

    item.relevance = 0.554  # same per cent, another score
    item.save()
    assert search.index_articles([item]) == 1
    assert ids("do son", filters=Filters(min_relevance=0.555)) == []


def test_removed_and_deleted_articles_leave_the_index(db):
    kept = article("Hội chợ hàng Việt", "Người Việt ưu tiên dùng hàng Việt.")
    removed = article("Hàng Việt trên sàn thương mại điện tử", "")
    deleted = article("Hàng Việt về nông thôn", "")

    assert search.remove([removed.pk]) == 1
    assert ids("hàng Việt") == [deleted.pk, kept.pk]

    deleted_id = deleted.pk
    deleted.delete()
    assert [h.article_id for h in search.search("hàng Việt").hits] == [kept.pk]  # never a dead hit
    search.index_article_ids([deleted_id])
    assert search.search("hàng Việt").total == 1


def test_rebuild_indexes_every_article(db):
    first = article("Giảm nghèo bền vững", "", index=False)
    second = article("An sinh xã hội và giảm nghèo", "", index=False)
    assert search.search("giảm nghèo").total == 0

    assert search.rebuild() == 2
    assert set(ids("giam ngheo")) == {first.pk, second.pk}


def test_articles_are_not_in_wagtail_s_search_layer():
    from wagtail.search.index import Indexed

    assert not issubclass(Article, Indexed)
