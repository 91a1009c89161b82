"""`doingoai demo` (run by `make run`) gives a new user a living platform, and running it
again changes nothing."""

import datetime
import io

from django.core.management import call_command
from django.utils import timezone

from doingoai.cases.models import Argument, Case, Clarification, Complaint, LegalBasis
from doingoai.library.models import Collection as LibraryCollection
from doingoai.library.models import Item as LibraryItem
from doingoai.monitoring.models import Article, Source
from doingoai.plans.models import Plan, ProgressUpdate


def test_the_demo_loads_people_the_plan_sources_and_articles_and_is_idempotent(db):
    out = io.StringIO()
    call_command("demo", stdout=out)
    text = out.getvalue()
    assert "chuyenvien" in text and "Doingoai@2025" in text
    plan = Plan.objects.get(number="14/KH-STTTT")
    assert plan.tasks.count() == 11
    assert plan.tasks.get(no=9).lead_unit.code == "TTBCXB"
    assert ProgressUpdate.objects.filter(task__plan=plan).exists()
    assert plan.events.filter(name__contains="70 năm Ngày giải phóng Hải Phòng").exists()
    assert Source.objects.filter(name="Báo Hải Phòng", polling=False).exists()
    assert Article.objects.count() == 80
    assert not Article.objects.filter(source=None).exists()  # every sample comes from a catalogued outlet
    # Dated as if fetched lately: the newest an hour ago, a dozen in the last day.
    newest = Article.objects.latest("published_at").published_at
    assert timezone.now() - newest < datetime.timedelta(hours=2)
    assert Article.objects.filter(published_at__gte=newest - datetime.timedelta(hours=24)).count() >= 8
    copies = Article.objects.filter(title="Cảng Lạch Huyện đón tàu container 18.000 TEU")
    assert copies.count() == 2 and copies.values("story").distinct().count() == 1
    assert Article.objects.get(url__contains="an-giang").relevant is False
    # Cases: a monitored story under verification, a public report, a decided rumour with its
    # takedown clock and a published clarification; a complaint and a concluded denunciation.
    assert Case.objects.count() == 3
    assert Case.objects.filter(origin="monitoring", step="verifying", urls__article__isnull=False).exists()
    assert Case.objects.get(origin="public").reports.count() == 1
    decided = Case.objects.get(decision__isnull=False)
    assert decided.decision.audit_entry is not None and decided.decision.legal_bases.exists()
    assert decided.takedowns.get().status == "sent"
    assert Clarification.objects.filter(case=decided, live=True).exists()
    assert sorted(Complaint.objects.values_list("status", flat=True)) == ["concluded", "verifying"]
    assert LegalBasis.objects.count() >= 8 and Argument.objects.count() >= 15
    # Library: «Biển, đảo» first, about thirty items, one scan read by OCR, one tombstone.
    assert LibraryCollection.objects.first().slug == "bien-dao"
    assert LibraryItem.objects.filter(collections__slug="bien-dao").count() >= 28
    assert LibraryItem.objects.filter(ocr=True, kind="document", files__role="searchable").count() == 1
    assert LibraryItem.objects.filter(removed_at__isnull=False).count() == 1
    library_items = LibraryItem.objects.count()
    call_command("demo", stdout=io.StringIO())
    assert Plan.objects.count() == 1 and Article.objects.count() == 80
    assert LibraryItem.objects.count() == library_items
    assert Case.objects.count() == 3 and Complaint.objects.count() == 2
