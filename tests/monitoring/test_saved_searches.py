"""Saved searches: kept from the search screen with their filters, opened again with the same
results, shared with colleagues; only the person who saved one renames, shares or deletes it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from doingoai.core.models import AuditEntry, Role
from doingoai.monitoring import alerts, search
from doingoai.monitoring.models import AlertRule, Article, SavedSearch
from doingoai.monitoring.pipeline.ingest import Incoming, ingest

TEXT = ("Thành phố Hải Phòng đẩy mạnh công tác thông tin đối ngoại, quảng bá hình ảnh cảng biển "
        "Lạch Huyện và quần đảo Cát Bà tới bạn bè quốc tế.")


@pytest.fixture
def articles(db):
    published = timezone.now() - datetime.timedelta(days=3)
    outcomes = ingest([Incoming(url=f"https://baohaiphong.vn/doi-ngoai-{i}.html", published=published,
                                title=f"Hải Phòng đẩy mạnh thông tin đối ngoại, bài {i}", text=f"{TEXT} Số thứ tự {i}.")
                       for i in range(12)])
    negative = [o.article.pk for o in outcomes[:5]]
    Article.objects.filter(pk__in=negative).update(sentiment="negative")  # as an editor corrected them
    search.index_article_ids(negative)
    return outcomes


def test_a_search_saved_on_the_search_screen_opens_again_with_the_same_results(articles, make_person, signed_in):
    client = signed_in(make_person(Role.CHUYEN_VIEN, "TTBCXB"))
    since = (timezone.localdate() - datetime.timedelta(days=7)).strftime("%d/%m/%Y")
    params = urlencode({"q": "doi ngoai", "sentiment": "negative", "date_from": since})
    screen = reverse("monitoring_search") + "?" + params
    body = client.get(screen).content.decode()
    assert "<strong data-total>5</strong>" in body and "Lưu tìm kiếm này" in body

    response = client.post(screen, {"luu-name": "Đối ngoại tiêu cực"})
    assert response.status_code == 302 and response["Location"] == screen
    assert "Đã lưu tìm kiếm «Đối ngoại tiêu cực»" in client.get(screen).content.decode()
    assert client.post(screen, {"luu-name": "Đối ngoại tiêu cực"}).status_code == 302  # a second submit
    saved = SavedSearch.objects.get()
    assert saved.query == "doi ngoai" and not saved.shared
    assert saved.filters == {"sentiment": ["negative"],
                             "date_from": (timezone.localdate() - datetime.timedelta(days=7)).isoformat()}

    listing = client.get(reverse("monitoring_saved_searches")).content.decode()
    assert "Đối ngoại tiêu cực" in listing
    opened = client.get(reverse("monitoring_saved_search_open", args=[saved.pk]))
    assert opened.status_code == 302
    assert "<strong data-total>5</strong>" in client.get(opened["Location"]).content.decode()
    query, filters = alerts.query_of(saved)
    assert search.count(query, filters) == 5


def test_another_search_under_a_name_already_used_is_refused_with_a_clear_message(articles, make_person, signed_in):
    person = make_person(Role.CHUYEN_VIEN, "TTBCXB")
    alerts.save_search(person, "Đối ngoại", "đối ngoại", {})
    client = signed_in(person)
    body = client.post(reverse("monitoring_search") + "?q=Cát+Bà", {"luu-name": "Đối ngoại"}).content.decode()
    assert "Bạn đã có một tìm kiếm tên «Đối ngoại»" in body
    assert SavedSearch.objects.count() == 1


def refused(response) -> bool:
    """403, or Wagtail's way of saying it: back to the dashboard with a message."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home"))


def test_only_the_owner_renames_shares_and_deletes_and_others_see_only_what_is_shared(
        articles, make_person, signed_in, client):
    owner = make_person(Role.CHUYEN_VIEN, "TTBCXB")
    colleague = make_person(Role.BIEN_TAP_VIEN, "TTBCXB")
    saved, created = alerts.save_search(owner, "Cảng Lạch Huyện", "Lạch Huyện", {"relevant_only": "on"})
    assert created
    listing = reverse("monitoring_saved_searches")

    signed_in(colleague)
    assert "Cảng Lạch Huyện" not in client.get(listing).content.decode()
    assert client.get(reverse("monitoring_saved_search_open", args=[saved.pk])).status_code == 404

    signed_in(owner)
    client.post(listing, {"id": saved.pk, "action": "share"})
    assert SavedSearch.objects.get(pk=saved.pk).shared

    signed_in(colleague)
    assert "Cảng Lạch Huyện" in client.get(listing).content.decode()
    assert client.get(reverse("monitoring_saved_search_open", args=[saved.pk])).status_code == 302
    assert refused(client.post(listing, {"id": saved.pk, "action": "rename", "name": "Của tôi"}))
    assert refused(client.post(listing, {"id": saved.pk, "action": "delete"}))
    assert SavedSearch.objects.get(pk=saved.pk).name == "Cảng Lạch Huyện"
    AlertRule.objects.create(name="Cảng của đồng nghiệp", owner=colleague, saved_search=saved)

    signed_in(owner)
    alerts.save_search(owner, "Cát Bà", "Cát Bà", {})
    client.post(listing, {"id": saved.pk, "action": "rename", "name": "Cát Bà"})
    assert SavedSearch.objects.get(pk=saved.pk).name == "Cảng Lạch Huyện"  # a name she already uses
    client.post(listing, {"id": saved.pk, "action": "rename", "name": "Cảng biển Lạch Huyện"})
    assert SavedSearch.objects.get(pk=saved.pk).name == "Cảng biển Lạch Huyện"
    message = client.post(listing, {"id": saved.pk, "action": "delete"}, follow=True).content.decode()
    assert "quy tắc cảnh báo của người khác đang dùng" in message and SavedSearch.objects.filter(pk=saved.pk).exists()

    AlertRule.objects.filter(owner=colleague).delete()
    client.post(listing, {"id": saved.pk, "action": "delete"})
    client.post(listing, {"id": saved.pk, "action": "delete"})  # a second submit: already gone (404)
    assert not SavedSearch.objects.filter(pk=saved.pk).exists()
    actions = list(AuditEntry.objects.filter(object_type="monitoring.savedsearch", object_id=str(saved.pk))
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["create", "update", "update", "delete"]
