"""ClaimReview markup: the checker follows Google's rules for fact-check structured data and
catches each missing or wrong part; the markup is safe inside a script element; the verdict's
scale is documented and ordered; a personal page is never named as the claim's author."""

from __future__ import annotations

import copy
import datetime
import json

import pytest

from doingoai.cases import claimreview, rebuttals
from doingoai.cases.models import Case, CaseURL, Clarification
from doingoai.core import seed
from doingoai.monitoring.models import Article, Source
from doingoai.monitoring.pipeline.canonical import canonical_url, key_of

VALID = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://stttt.haiphong.gov.vn/cai-chinh/lam-ro-thong-tin-cang-lach-huyen/",
    "claimReviewed": "Cảng Lạch Huyện đã đóng cửa.",
    "datePublished": "2025-03-14",
    "inLanguage": "vi",
    "author": {"@type": "Organization", "name": "Sở Thông tin và Truyền thông thành phố Hải Phòng",
               "url": "https://stttt.haiphong.gov.vn/"},
    "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 5, "worstRating": 1,
                     "alternateName": "Sai sự thật"},
    "itemReviewed": {"@type": "Claim", "datePublished": "2025-03-12",
                     "appearance": {"@type": "CreativeWork", "url": "https://tin-don.example/bai/1",
                                    "datePublished": "2025-03-12"}},
}


def changed(path: str, value=...):
    """VALID with the field at ``path`` (dotted) removed, or set to ``value``."""
    data = copy.deepcopy(VALID)
    *parents, last = path.split(".")
    node = data
    for key in parents:
        node = node[key]
    if value is ...:
        del node[last]
    else:
        node[last] = value
    return data


def test_complete_markup_has_no_problems():
    assert claimreview.validate(VALID) == []
    first = changed("itemReviewed.appearance")
    first["itemReviewed"]["firstAppearance"] = VALID["itemReviewed"]["appearance"]
    assert claimreview.validate(first) == []  # firstAppearance instead of appearance
    assert claimreview.validate(changed("datePublished")) == []  # recommended, not required
    assert claimreview.validate(changed("reviewRating.ratingValue")) == []  # words alone suffice


@pytest.mark.parametrize("path, value, problem", [
    ("@context", ..., "@context"),
    ("@context", "https://example.org", "@context"),
    ("@type", "Review", "@type"),
    ("url", ..., "url"),
    ("url", "/cai-chinh/bai/", "url"),
    ("claimReviewed", ..., "claimReviewed"),
    ("claimReviewed", "  ", "claimReviewed"),
    ("author", ..., "author"),
    ("author.name", ..., "author.name"),
    ("author.@type", "Thing", "author.@type"),
    ("reviewRating", ..., "reviewRating"),
    ("reviewRating.@type", "AggregateRating", "reviewRating.@type"),
    ("reviewRating.alternateName", ..., "reviewRating.alternateName"),
    ("reviewRating.alternateName", "", "reviewRating.alternateName"),
    ("reviewRating.ratingValue", 7, "reviewRating.ratingValue"),
    ("reviewRating.ratingValue", 0, "reviewRating.ratingValue"),
    ("reviewRating.ratingValue", "sai", "reviewRating.ratingValue"),
    ("reviewRating.worstRating", 5, "reviewRating: worstRating"),
    ("itemReviewed", ..., "itemReviewed"),
    ("itemReviewed.@type", "CreativeWork", "itemReviewed.@type"),
    ("itemReviewed.appearance", ..., "itemReviewed.appearance"),
    ("itemReviewed.appearance", "https://tin-don.example/bai/1", "itemReviewed.appearance"),
    ("itemReviewed.appearance.url", ..., "itemReviewed.appearance.url"),
    ("itemReviewed.appearance.url", "tin-don.example/bai/1", "itemReviewed.appearance.url"),
    ("itemReviewed.appearance.@type", "Person", "itemReviewed.appearance"),
    ("itemReviewed.author", {"@type": "Organization"}, "itemReviewed.author.name"),
    ("itemReviewed.datePublished", "12/03/2025", "itemReviewed.datePublished"),
    ("datePublished", "2025-02-30", "datePublished"),
])
def test_each_missing_or_wrong_part_is_caught(path, value, problem):
    problems = claimreview.validate(changed(path, value))
    assert problems, f"{path} → {value!r} passed"
    assert any(p.startswith(problem) for p in problems), problems


def test_what_is_not_an_object_is_refused():
    assert claimreview.validate([VALID]) and claimreview.validate(None)


def test_the_script_element_cannot_be_closed_from_inside():
    data = changed("claimReviewed", 'Tin "giả" </script><script>alert(1)</script> & <!-- x')
    tag = str(claimreview.script_tag(data))
    inner = tag.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in inner and ">" not in inner and "&" not in inner
    assert json.loads(inner) == data
    assert "Cảng" in claimreview.to_json(VALID)  # Vietnamese kept as letters, not \\u escapes


def test_the_verdicts_scale_runs_from_false_to_true():
    assert set(claimreview.RATING_VALUES) == set(Clarification.Rating.values)
    order = ["false", "misleading", "unproven", "mixed", "true"]
    assert [claimreview.RATING_VALUES[r] for r in order] == [1, 2, 3, 4, 5]
    assert (claimreview.WORST, claimreview.BEST) == (1, 5)


@pytest.mark.parametrize("kind, named", [(Source.Kind.NATIONAL, True), (Source.Kind.BLOG, False)])
def test_only_an_outlet_is_named_as_the_claim_s_author(units, inspector, rf, kind, named):
    seed.load_organisation()
    url = "https://trang-ca-nhan.example/bai/7"
    source = Source.objects.create(name="Nguồn thử", kind=kind, homepage="https://trang-ca-nhan.example/")
    article = Article.objects.create(source=source, url=url, url_key=key_of(canonical_url(url)), title="Bài thử",
                                     text="…", content_hash="1" * 64,
                                     published_at=datetime.datetime(2025, 5, 2, 3, 0, tzinfo=datetime.UTC))
    case = Case.objects.create(number="VV-20/2025", title="Tin sai về phà Gót", origin="staff",
                               owner_unit=units["TTS"], classification="unofficial")
    CaseURL.objects.create(case=case, url=url, url_key=article.url_key, article=article)
    clarification = rebuttals.draft_from_case(case, inspector)

    data = claimreview.claim_review(clarification, rf.get("/"))
    assert ("author" in data["itemReviewed"]) is named
    assert data["itemReviewed"]["appearance"]["url"] == url
    assert data["reviewRating"]["ratingValue"] == 3 and data["reviewRating"]["alternateName"] == "Chưa có căn cứ"
    assert claimreview.validate(data) == []
