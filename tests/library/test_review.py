"""Re-review: the queue "Rà soát lại" lists live items published more than
DOINGOAI_REVIEW_MONTHS months ago (12 by default) and never reviewed since, and items whose
source article changed; the daily ``check_sources`` notices the change; a recorded review
takes the item off the queue (kept), asks for an update, or removes it with its reason and
legal basis; each is in the audit log."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from doingoai.core import dashboard
from doingoai.core.models import AuditEntry, Role
from doingoai.library import (
    publishing,
    review,
    wagtail_hooks,  # noqa: F401
)
from doingoai.library.models import Item, Review
from doingoai.monitoring.models import Article, Source
from doingoai.monitoring.pipeline.canonical import canonical_url, key_of

URL = "https://baohaiphong.example/bach-long-vi-30-nam"
TEXT = "Ba mươi năm xây dựng huyện đảo Bạch Long Vĩ, tiền tiêu của thành phố Hải Phòng giữa vịnh Bắc Bộ."


@pytest.fixture
def people(make_person, units):
    publishing.ensure_workflow()
    return {
        "leader": make_person(Role.LANH_DAO, "BGD", username="lanhdao"),
        "reviewer": make_person(Role.KIEM_DUYET_VIEN, "TTTT", username="kiemduyet"),
        "specialist": make_person(Role.CHUYEN_VIEN, "TTTT", username="chuyenvien"),
    }


def published(user, title, months_ago=0, **fields) -> Item:
    item = Item.objects.create(title=title, live=False, **fields)
    item.save_revision(user=user).publish(user=user)
    when = timezone.now() - datetime.timedelta(days=31 * months_ago)
    Item.objects.filter(pk=item.pk).update(first_published_at=when, last_published_at=when)
    item.refresh_from_db()
    return item


@pytest.fixture
def article(db):
    outlet = Source.objects.create(name="Báo Hải Phòng", kind=Source.Kind.LOCAL)
    return Article.objects.create(source=outlet, url=URL, url_key=key_of(canonical_url(URL)),
                                  title="Bạch Long Vĩ 30 năm", text=TEXT, content_hash="0" * 64, language="vi")


def titles(due):
    return [d.item.title for d in due]


def test_the_queue_lists_items_published_over_a_year_ago_and_those_whose_source_changed(people, article):
    leader = people["leader"]
    old = published(leader, "Sách ảnh Cát Bà xưa", months_ago=13)
    recent = published(leader, "Hải đồ vịnh Lan Hạ", months_ago=2)
    captured, _ = publishing.draft_from_article(article, people["specialist"])
    captured.save_revision(user=leader).publish(user=leader)
    assert titles(review.review_queue()) == ["Sách ảnh Cát Bà xưa"]

    # Nothing changed at the source: the daily check marks nothing.
    assert review.check_sources() == 0
    # The outlet re-stores the article with another text.
    Article.objects.filter(pk=article.pk).update(text=TEXT + " Bài đã được cập nhật số liệu dân số.")
    assert review.check_sources() == 1
    assert review.check_sources() == 0  # once
    due = review.review_queue()
    assert titles(due) == ["Bạch Long Vĩ 30 năm", "Sách ảnh Cát Bà xưa"]
    assert [d.reason for d in due] == ["source", "age"]
    assert due[0].label.startswith("Nguồn đã thay đổi lúc ")
    assert due[1].label.startswith("Xuất bản ngày ") and due[1].label.endswith("quá 12 tháng chưa rà soát")
    assert review.due_count() == 2
    assert recent.pk not in [d.item.pk for d in due] and old.pk in [d.item.pk for d in due]

    # Reviewed: off the queue; the changed source is the new reference.
    review.record_review(captured, people["reviewer"], Review.Outcome.KEPT, "Số liệu mới không ảnh hưởng.")
    review.record_review(old, leader, Review.Outcome.KEPT, "Còn giá trị tư liệu.")
    assert review.review_queue() == [] and review.check_sources() == 0
    entries = AuditEntry.objects.filter(action="library.reviewed")
    assert entries.count() == 2 and {e.changes["kết quả"] for e in entries} == {"kept"}
    assert AuditEntry.objects.filter(action="library.source_changed", object_id=str(captured.pk)).exists()

    # A year after the review it is due again.
    later = timezone.localdate() + datetime.timedelta(days=370)
    assert "Sách ảnh Cát Bà xưa" in titles(review.review_queue(today=later))


def test_a_source_article_that_is_gone_is_a_change(people, article):
    item, _ = publishing.draft_from_article(article, people["specialist"])
    item.save_revision(user=people["leader"]).publish(user=people["leader"])
    article.delete()
    assert review.check_sources() == 1
    assert [d.reason for d in review.review_queue()] == ["source"]


def test_the_review_period_is_a_setting(people, settings):
    settings.DOINGOAI_REVIEW_MONTHS = 3
    published(people["leader"], "Phim tài liệu Trường Sa", months_ago=4)
    assert titles(review.review_queue()) == ["Phim tài liệu Trường Sa"]


def test_a_review_that_removes_needs_the_reason_and_basis_and_leaves_a_tombstone(people):
    leader = people["leader"]
    item = published(leader, "Bài viết cũ về cảng Đình Vũ", months_ago=14)
    with pytest.raises(ValidationError):
        review.record_review(item, leader, Review.Outcome.REMOVED, "Thông tin đã lỗi thời.", "")
    with pytest.raises(ValidationError):
        review.record_review(item, leader, Review.Outcome.UPDATED, "")
    with pytest.raises(PermissionDenied):
        review.record_review(item, people["specialist"], Review.Outcome.KEPT, "")
    item.refresh_from_db()
    assert item.live and not item.reviews.exists()

    review.record_review(item, leader, Review.Outcome.REMOVED, "Thông tin đã lỗi thời.",
                         "Quy chế quản lý thư viện điện tử, Điều 12")
    item.refresh_from_db()
    assert not item.live and item.removed_at is not None and item.removal_reason == "Thông tin đã lỗi thời."
    assert item.reviews.get().outcome == "removed"
    assert AuditEntry.objects.filter(action="library.removed", object_id=str(item.pk)).count() == 1
    assert AuditEntry.objects.filter(action="library.reviewed", object_id=str(item.pk)).count() == 1
    assert review.review_queue() == []


def test_the_queue_screen_the_review_form_and_the_dashboard_counter(people, client, signed_in):
    leader, reviewer = people["leader"], people["reviewer"]
    item = published(leader, "Tư liệu Hoàng Sa của Hải Phòng", months_ago=13)
    counters = [c for c in dashboard.counters(reviewer) if c.label == "Tài liệu thư viện chờ rà soát lại"]
    assert [(c.value, c.url) for c in counters] == [(1, reverse("library_review_queue"))]

    signed_in(reviewer)
    page = client.get(reverse("library_review_queue")).content.decode()
    assert f'data-item="{item.pk}" data-reason="age"' in page and "quá 12 tháng chưa rà soát" in page

    form = client.get(reverse("library_review_item", args=[item.pk])).content.decode()
    assert "Ghi nhận kết quả rà soát" in form and "Giữ nguyên" in form
    bad = client.post(reverse("library_review_item", args=[item.pk]), {"outcome": "updated", "note": ""})
    assert "Xin ghi rõ nội dung cần cập nhật." in bad.content.decode()
    done = client.post(reverse("library_review_item", args=[item.pk]),
                       {"outcome": "updated", "note": "Bổ sung bản đồ năm 2025."})
    assert done.status_code == 302 and done.url == reverse("library_review_queue")
    assert item.reviews.get().reviewer == reviewer and review.due_count() == 0

    # Those who may not review see the queue without the form.
    client.logout()
    signed_in(people["specialist"])
    assert client.get(reverse("library_review_item", args=[item.pk])).status_code == 403
