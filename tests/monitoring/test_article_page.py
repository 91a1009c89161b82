"""The page of an article: what it is, where it ran, its story, its text (never raw fetched
HTML) and the correction of its labels by an editor."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from doingoai.core.models import Role
from doingoai.monitoring import search
from doingoai.monitoring.models import Article, LabelCorrection, Source
from doingoai.monitoring.pipeline.ingest import Incoming, ingest

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
TITLE = "Hải Phòng khánh thành cầu Nguyễn Trãi nối trung tâm với Thủy Nguyên"
TEXT = ("Sáng 12/5, UBND thành phố Hải Phòng tổ chức lễ khánh thành cầu Nguyễn Trãi bắc qua sông Cấm, nối quận "
        "Ngô Quyền với thành phố Thủy Nguyên. Cây cầu dài hơn 1,2 km, tổng vốn đầu tư khoảng 2.500 tỷ đồng, giúp "
        "rút ngắn thời gian đi lại giữa trung tâm thành phố và khu đô thị mới Bắc sông Cấm. Lãnh đạo thành phố cho "
        "biết công trình góp phần hoàn thiện hạ tầng giao thông và thu hút đầu tư vào khu vực phía bắc.")
HTML = ('<p>Sáng 12/5, UBND thành phố Hải Phòng <strong>khánh thành</strong> cầu Nguyễn Trãi.</p>'
        '<script>alert("doc-hai")</script><img src="x" onerror="alert(1)">'
        '<p><a href="javascript:alert(2)">liên kết độc</a> <a href="https://haiphong.gov.vn/">Cổng thành phố</a></p>')


@pytest.fixture
def outlets(db):
    return {
        "hp": Source.objects.create(name="Báo Hải Phòng", kind=Source.Kind.LOCAL, country="VN"),
        "tt": Source.objects.create(name="Báo Tuổi Trẻ", kind=Source.Kind.NATIONAL, country="VN"),
    }


@pytest.fixture
def story(outlets):
    """One story: the original on Báo Hải Phòng, a copy on Tuổi Trẻ, a second copy on Báo Hải
    Phòng (the same outlet again: two outlets, three articles)."""
    out = ingest([
        Incoming("https://baohaiphong.vn/cau-nguyen-trai.html", TITLE, TEXT,
                 datetime(2025, 5, 12, 9, 30, tzinfo=HCM), source=outlets["hp"], html=HTML),
        Incoming("https://tuoitre.vn/cau-nguyen-trai-hai-phong.htm", TITLE, TEXT + " Theo Báo Hải Phòng.",
                 datetime(2025, 5, 12, 11, 0, tzinfo=HCM), source=outlets["tt"]),
        Incoming("https://baohaiphong.vn/cau-nguyen-trai-ban-in.html", TITLE, TEXT,
                 datetime(2025, 5, 12, 15, 45, tzinfo=HCM), source=outlets["hp"]),
    ])
    return [o.article for o in out]


@pytest.fixture
def editor(make_person, signed_in):
    return signed_in(make_person(Role.CHUYEN_VIEN, "TTBCXB"))


def test_the_page_shows_the_article_its_source_times_and_labels(story, editor):
    article = story[0]
    body = editor.get(reverse("monitoring_article", args=[article.pk])).content.decode()
    assert TITLE in body
    assert "Báo Hải Phòng" in body and "Báo chí địa phương" in body and "Việt Nam" in body
    assert "12/05/2025 09:30" in body
    assert "Tiếng Việt" in body
    assert f'href="{article.url}" rel="noopener noreferrer nofollow"' in body


def test_stored_html_is_sanitised_again_when_shown(story, editor):
    body = editor.get(reverse("monitoring_article", args=[story[0].pk])).content.decode()
    assert "<strong>khánh thành</strong>" in body
    assert "doc-hai" not in body and "<script>alert" not in body
    assert "onerror" not in body and "javascript:" not in body
    assert 'href="https://haiphong.gov.vn/"' in body


def test_the_story_box_counts_outlets_and_articles_and_lists_the_others(story, editor):
    body = editor.get(reverse("monitoring_article", args=[story[1].pk])).content.decode()
    assert "<strong data-first-outlet>Báo Hải Phòng</strong>" in body
    assert "2 cơ quan báo chí đăng" in body and "3 bài" in body
    assert "12/05/2025 09:30" in body and "12/05/2025 15:45" in body  # first and last seen
    assert reverse("monitoring_article", args=[story[0].pk]) in body
    assert reverse("monitoring_article", args=[story[2].pk]) in body


def test_the_story_page_lists_every_article_of_the_story(story, editor):
    body = editor.get(reverse("monitoring_story", args=[story[0].story_id])).content.decode()
    for article in story:
        assert reverse("monitoring_article", args=[article.pk]) in body
    assert 'data-outlet-count>2<' in body and 'data-article-count>3<' in body


def test_an_editor_corrects_sentiment_and_themes_and_search_follows(story, editor):
    article = Article.objects.get(pk=story[0].pk)
    url = reverse("monitoring_article", args=[article.pk])
    response = editor.post(url, {"language": "vi", "relevant": "on", "themes": ["chinh-quyen", "kinh-te-dau-tu"],
                                 "sentiment": "negative"})
    assert response.status_code == 302 and response["Location"] == url  # POST-redirect-GET

    article.refresh_from_db()
    assert article.sentiment == "negative" and article.themes == ["kinh-te-dau-tu", "chinh-quyen"]
    changed = {c.field: c for c in LabelCorrection.objects.filter(article=article)}
    assert changed["sentiment"].value == "negative"
    assert changed["themes"].value == ["kinh-te-dau-tu", "chinh-quyen"]
    assert "language" not in changed and "relevant" not in changed

    hits = search.search("cầu Nguyễn Trãi", filters=search.Filters(sentiments=["negative"]))
    assert [h.article_id for h in hits.hits] == [article.pk]

    body = editor.get(url).content.decode()
    assert "Lịch sử hiệu chỉnh" in body and "→ Tiêu cực" in body and "Nguyễn Văn Thử" in body


def test_marking_an_article_not_relevant_clears_its_themes_and_sentiment(story, editor):
    article = story[2]
    editor.post(reverse("monitoring_article", args=[article.pk]),
                {"language": "vi", "themes": ["du-lich"], "sentiment": "positive"})  # "relevant" unticked
    article.refresh_from_db()
    assert (article.relevant, article.themes, article.sentiment) == (False, [], "na")
    assert search.search("cầu Nguyễn Trãi", filters=search.Filters(relevant_only=True, ids=[article.pk])).total == 0


def test_a_relevant_article_without_a_theme_is_refused_with_a_message(story, editor):
    article = story[0]
    before = Article.objects.get(pk=article.pk).themes
    response = editor.post(reverse("monitoring_article", args=[article.pk]),
                           {"language": "vi", "relevant": "on", "sentiment": "neutral"})
    assert response.status_code == 200
    assert "cần ít nhất một chủ đề" in response.content.decode()
    assert Article.objects.get(pk=article.pk).themes == before
    assert not LabelCorrection.objects.exists()


def test_the_list_of_articles_leads_to_the_page(story, editor):
    body = editor.get(reverse("monitoring_articles:index")).content.decode()
    assert reverse("monitoring_article", args=[story[0].pk]) in body


def test_the_page_is_closed_to_people_without_a_monitoring_role(story, make_person, signed_in):
    url = reverse("monitoring_article", args=[story[0].pk])
    nobody = get_user_model().objects.create_user("khach", password="Mật-khẩu-Thử-2025", first_name="Trần Thị Khách")
    for person in (nobody, make_person(Role.QUAN_TRI, "VPS")):
        client = signed_in(person)
        response = client.get(url)
        assert response.status_code in (302, 403) and TITLE not in response.content.decode()
        response = client.post(url, {"language": "en", "sentiment": "na"})
        assert response.status_code in (302, 403)
    assert not LabelCorrection.objects.exists()
