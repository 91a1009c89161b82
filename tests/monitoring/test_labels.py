"""Editors correct the labels of an article; the corrections join the training data, and a
retrain records a model version."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from doingoai.core.models import AuditEntry, JobRecord, Role
from doingoai.monitoring import labels, retraining
from doingoai.monitoring.analysis import trained, training
from doingoai.monitoring.models import Article, LabelCorrection, ModelVersion
from doingoai.monitoring.pipeline.ingest import Incoming, ingest

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
TITLE = "Cát Bà đón hơn 300 nghìn lượt khách trong dịp nghỉ lễ"
TEXT = ("Trong 5 ngày nghỉ lễ, quần đảo Cát Bà của thành phố Hải Phòng đón hơn 300 nghìn lượt du khách, tăng 12% "
        "so với cùng kỳ năm trước. Các khách sạn, nhà nghỉ ở thị trấn Cát Bà đạt công suất phòng trên 90%; nhiều "
        "tàu du lịch trên vịnh Lan Hạ phải chạy thêm chuyến. Ban quản lý vịnh tăng cường thu gom rác thải trên biển.")


@pytest.fixture
def article(db):
    """An article about the city, labelled as the analysis would: tourism, positive."""
    stored = ingest([Incoming("https://baohaiphong.vn/cat-ba-nghi-le.html", TITLE, TEXT,
                              datetime(2025, 5, 3, 8, 0, tzinfo=HCM))])[0].article
    Article.objects.filter(pk=stored.pk).update(language="vi", relevant=True, themes=["du-lich"],
                                                sentiment="positive")
    return Article.objects.get(pk=stored.pk)


@pytest.fixture
def specialist(make_person):
    return make_person(Role.CHUYEN_VIEN, "TTBCXB")


def test_each_changed_label_is_stored_with_its_previous_and_new_value(article, specialist):
    done = labels.correct(article, specialist, language="vi", relevant=True,
                          themes=["moi-truong", "du-lich"], sentiment="negative")

    assert {c.field: (c.previous, c.value) for c in done} == {
        "themes": (["du-lich"], ["du-lich", "moi-truong"]),
        "sentiment": ("positive", "negative"),
    }
    assert all(c.user == specialist for c in done)
    article.refresh_from_db()
    assert article.themes == ["du-lich", "moi-truong"] and article.sentiment == "negative"


def test_correcting_to_the_same_labels_stores_nothing(article, specialist):
    assert labels.correct(article, specialist, themes=["du-lich"], sentiment="positive") == []
    assert not LabelCorrection.objects.exists()


def test_an_article_marked_not_relevant_loses_its_themes_and_sentiment(article, specialist):
    done = labels.correct(article, specialist, relevant=False)

    assert {c.field: c.value for c in done} == {"relevant": False, "themes": [], "sentiment": "na"}
    article.refresh_from_db()
    assert (article.relevant, article.themes, article.sentiment) == (False, [], "na")


@pytest.mark.parametrize("change, field", [
    ({"language": "xx"}, "language"),
    ({"themes": ["khong-co-chu-de-nay"]}, "themes"),
    ({"sentiment": "tuc-gian"}, "sentiment"),
    ({"sentiment": "na"}, "sentiment"),                      # about the city: a sentiment is needed
    ({"themes": []}, "themes"),                               # … and at least one theme
    ({"relevant": False, "themes": ["du-lich"]}, "themes"),   # not about the city: no theme
])
def test_labels_outside_the_analysis_contract_are_refused(article, specialist, change, field):
    with pytest.raises(ValidationError) as refused:
        labels.correct(article, specialist, **change)
    assert field in refused.value.message_dict
    assert not LabelCorrection.objects.exists()
    article.refresh_from_db()
    assert (article.themes, article.sentiment) == (["du-lich"], "positive")


def test_a_correction_is_written_to_the_audit_log(article, specialist):
    labels.correct(article, specialist, sentiment="neutral")
    entry = AuditEntry.objects.filter(object_type="monitoring.article", object_id=str(article.pk)).latest("id")
    assert entry.action == "update" and entry.actor_id == specialist.pk
    assert entry.changes["sentiment"] == ["positive", "neutral"]


def test_only_the_people_who_monitor_the_press_correct_labels(article, make_person):
    with pytest.raises(PermissionDenied):
        labels.correct(article, make_person(Role.QUAN_TRI, "VPS"), sentiment="negative")


def test_corrections_join_the_training_data_and_a_retrain_records_the_model_version(article, specialist):
    labels.correct(article, specialist, themes=["du-lich", "moi-truong"], sentiment="negative")
    example = next(e for e in retraining.correction_examples() if e["title"] == TITLE)
    assert example["themes"] == ["du-lich", "moi-truong"] and example["sentiment"] == "negative"
    assert example["published"] == "2025-05-03"
    assert labels.pending_corrections() == 2

    before = training.models()
    try:
        result = retraining.retrain()  # about 15 s: trained once in this file
    finally:
        trained.activate(before)  # the next tests analyse with the shipped models again

    version = ModelVersion.objects.get(name="analysis", active=True)
    assert version.version == result["version"] and version.samples == result["samples"]
    assert version.metrics["samples"]["corrections"] == 1 and "cv_sentiment_accuracy" in version.metrics
    assert labels.pending_corrections() == 0


def test_the_models_screen_lists_versions_and_the_corrections_waiting(article, specialist, signed_in):
    ModelVersion.objects.create(name="analysis", version="20250501-thu", samples=980,
                                metrics={"cv_themes_micro_f1": 0.81}, active=True)
    labels.correct(article, specialist, sentiment="neutral")
    body = signed_in(specialist).get(reverse("monitoring_models")).content.decode()
    assert "Mô hình phân tích" in body and "20250501-thu" in body and "cv_themes_micro_f1: 0,81" in body  # Vietnamese decimal comma
    assert "1 hiệu chỉnh nhãn chưa được dùng" in body
    assert "data-retrain" not in body  # the button is for leaders and system administrators


def _retrain_jobs():
    return JobRecord.objects.filter(task_path="doingoai.monitoring.tasks.retrain_models")


def test_a_specialist_cannot_ask_for_a_retrain(specialist, signed_in):
    response = signed_in(specialist).post(reverse("monitoring_models"))
    assert response.status_code in (302, 403)
    assert not _retrain_jobs().exists()


def test_a_leaders_double_click_enqueues_one_retrain(make_person, signed_in):
    client = signed_in(make_person(Role.LANH_DAO, "BGD"))
    first = client.post(reverse("monitoring_models"), follow=True)
    assert "Đã gửi yêu cầu huấn luyện lại" in first.content.decode()
    second = client.post(reverse("monitoring_models"), follow=True)
    assert "không gửi thêm yêu cầu" in second.content.decode()
    assert _retrain_jobs().count() == 1


def test_a_system_administrator_may_ask_for_a_retrain(make_person, signed_in):
    client = signed_in(make_person(Role.QUAN_TRI, "VPS"))
    assert "data-retrain" in client.get(reverse("monitoring_models")).content.decode()
    client.post(reverse("monitoring_models"))
    assert _retrain_jobs().filter(status=JobRecord.Status.READY).count() == 1
