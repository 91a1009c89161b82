"""Clarifications (bài cải chính, làm rõ thông tin): drafted from a case and the argument
library, approved through the workflow "Duyệt bài cải chính" (Kiểm duyệt, then Lãnh đạo
duyệt), published on the public site with ClaimReview markup, and recorded as evidence on
tasks 9 and 10 of the plan."""

from __future__ import annotations

import datetime
import io
import json
import time
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin.utils import quote
from django.urls import reverse
from django.utils import timezone
from lxml import html as lxml_html
from wagtail.admin.rich_text import DraftailRichTextArea
from wagtail.models import WorkflowContentType

from doingoai.cases import (
    claimreview,
    rebuttals,
    wagtail_hooks,  # noqa: F401  (the snippet, the panel and the public link)
)
from doingoai.cases.models import Argument, Case, CaseURL, Clarification
from doingoai.cases.panels import for_case
from doingoai.core import public_links, seed
from doingoai.core.models import Organisation, Role
from doingoai.monitoring.models import Article, Source
from doingoai.monitoring.pipeline.canonical import canonical_url, key_of
from doingoai.plans import importer, imports, services
from doingoai.plans.models import Plan, ProgressUpdate

HP = ZoneInfo("Asia/Ho_Chi_Minh")
RUMOUR_URL = "https://tin-don.example/bai/cang-lach-huyen-dong-cua"
CLAIM = "Cảng Lạch Huyện đã đóng cửa, tàu container không còn cập cảng Hải Phòng."


@pytest.fixture
def workflow(units):
    seed.load_organisation()
    return rebuttals.ensure_workflow()


@pytest.fixture
def plan(units):
    """The plan of the year: the 2025 plan imported from its scanned text as staff import it,
    running in the current year (evidence lands on the current year's active plan)."""
    parsed = importer.parse((seed.DATA_DIR / "plan-14-KH-STTTT-2025.ocr.txt").read_text(encoding="utf-8"),
                            imports.unit_refs())
    plan = services.save_parsed_plan(parsed, owner_unit=units["TTBCXB"])
    Plan.objects.filter(pk=plan.pk).update(year=timezone.localdate().year, status=Plan.Status.ACTIVE)
    return plan


@pytest.fixture
def arguments(db):
    def make(title, body, themes, sources):
        return Argument.objects.create(title=title, body=body, themes=themes, sources=sources,
                                       review_date=datetime.date(2030, 1, 1))

    return {
        "port": make("Cảng cửa ngõ quốc tế Hải Phòng tại Lạch Huyện",
                     "Hai bến container đầu tiên hoạt động từ năm 2018.\nKhu bến đón tàu container lớn.",
                     ["kinh-te-dau-tu"], "Cục Hàng hải Việt Nam\nhttps://haiphong.gov.vn/"),
        "heritage": make("Vịnh Hạ Long – quần đảo Cát Bà", "Di sản thiên nhiên thế giới từ tháng 9/2023.",
                         ["du-lich"], "https://whc.unesco.org/en/list/672"),
    }


@pytest.fixture
def case(units, inspector):
    outlet = Source.objects.create(name="Trang Tin Đồn", kind=Source.Kind.NATIONAL, homepage="https://tin-don.example/")
    article = Article.objects.create(
        source=outlet, url=RUMOUR_URL, url_key=key_of(canonical_url(RUMOUR_URL)), title="Cảng Lạch Huyện đóng cửa?",
        text=CLAIM, content_hash="0" * 64, published_at=datetime.datetime(2025, 3, 12, 22, 30, tzinfo=HP))
    case = Case.objects.create(
        number="VV-01/2025", title="Tin đồn cảng Lạch Huyện đóng cửa", claim=CLAIM, origin="monitoring",
        classification="false", themes=["kinh-te-dau-tu"], owner_unit=units["TTS"], opened_by=inspector,
        summary="Cảng vẫn hoạt động bình thường.")
    CaseURL.objects.create(case=case, url=RUMOUR_URL, url_key=article.url_key, article=article, added_by=inspector)
    return case


@pytest.fixture
def reviewer(make_person):
    return make_person(Role.KIEM_DUYET_VIEN, "TTBCXB", username="kiemduyet")


def edit_url(clarification):
    return reverse(Clarification.snippet_viewset.get_url_name("edit"), args=[quote(clarification.pk)])


def action_url(clarification, name="approve"):
    state = clarification.current_workflow_task_state
    return reverse(Clarification.snippet_viewset.get_url_name("workflow_action"),
                   args=[quote(clarification.pk), name, state.pk])


def form_data(clarification, **changes):
    """What the editor's form posts for ``clarification`` (the rich text in Draftail's format)."""
    features = Clarification._meta.get_field("body").features
    data = {
        "case": clarification.case_id, "title": clarification.title, "slug": clarification.slug,
        "claim_reviewed": clarification.claim_reviewed, "rating": clarification.rating,
        "appearance_url": clarification.appearance_url,
        "appearance_published": clarification.appearance_published.strftime("%d/%m/%Y")
        if clarification.appearance_published else "",
        "summary": clarification.summary,
        "body": DraftailRichTextArea(features=features).format_value(clarification.body),
        "arguments": [str(pk) for pk in clarification.arguments.values_list("pk", flat=True)],
        "go_live_at": "", "expire_at": "",
    }
    data.update(changes)
    return data


def json_ld(page: str) -> dict:
    scripts = lxml_html.fromstring(page).xpath('//script[@type="application/ld+json"]')
    assert len(scripts) == 1
    return json.loads(scripts[0].text)


# --- drafting --------------------------------------------------------------------------------

def test_a_draft_is_prefilled_from_the_case_and_the_chosen_arguments(case, arguments, inspector, workflow):
    clarification = rebuttals.draft_from_case(case, inspector, [arguments["port"]])

    assert clarification.title == "Làm rõ thông tin: Tin đồn cảng Lạch Huyện đóng cửa"
    assert clarification.claim_reviewed == CLAIM
    assert clarification.rating == Clarification.Rating.FALSE
    assert clarification.appearance_url == RUMOUR_URL
    assert clarification.appearance_published == datetime.date(2025, 3, 12)  # 22:30 in Hải Phòng
    assert clarification.summary.startswith("Sai sự thật.") and "hoạt động bình thường" in clarification.summary
    assert clarification.slug == "lam-ro-thong-tin-tin-don-cang-lach-huyen-dong-cua"
    assert "<h3>Cảng cửa ngõ quốc tế Hải Phòng tại Lạch Huyện</h3>" in clarification.body
    assert "<p>Hai bến container đầu tiên hoạt động từ năm 2018.</p>" in clarification.body
    assert ('<ul><li>Cục Hàng hải Việt Nam</li><li><a href="https://haiphong.gov.vn/">https://haiphong.gov.vn/</a>'
            '</li></ul>') in clarification.body
    assert list(clarification.arguments.all()) == [arguments["port"]]
    # A draft, with its first revision by the drafter.
    assert clarification.live is False and clarification.first_published_at is None
    revision = clarification.latest_revision
    assert revision is not None and revision.user == inspector
    assert rebuttals.status(clarification) == ("draft", "Bản nháp")

    # A second click gives the same draft back.
    assert rebuttals.draft_from_case(case, inspector, [arguments["heritage"]]).pk == clarification.pk
    assert Clarification.objects.count() == 1


@pytest.mark.parametrize("classification, rating", [
    ("false", "false"), ("distorted", "misleading"), ("unofficial", "unproven"), ("defamation", "false"),
    ("hostile", "misleading"), ("", "unproven"),
])
def test_the_verdict_follows_the_case_s_classification(case, inspector, classification, rating):
    Case.objects.filter(pk=case.pk).update(classification=classification)
    case.refresh_from_db()
    assert rebuttals.draft_from_case(case, inspector).rating == rating


def test_a_case_without_an_address_or_claim_still_gives_a_draft(units, inspector):
    bare = Case.objects.create(number="VV-02/2025", title="Bài viết xuyên tạc về Bạch Long Vĩ", origin="staff",
                               classification="distorted", owner_unit=units["TTS"])
    first = rebuttals.draft_from_case(bare, inspector)
    assert first.claim_reviewed == bare.title and first.appearance_url == "" and first.body == ""
    # Another case with the same title gets its own address.
    twin = Case.objects.create(number="VV-03/2025", title=bare.title, origin="staff", owner_unit=units["TTS"])
    assert rebuttals.draft_from_case(twin, inspector).slug == first.slug + "-2"


# --- the case page's panel and "Soạn bài cải chính" ---------------------------------------------

def test_the_case_panel_offers_the_case_s_themes_first_and_drafts_from_them(
        case, arguments, inspector, signed_in, workflow, rf):
    request = rf.get("/")
    request.user = inspector
    panel = next(p for p in for_case(request, case) if p.title == "Cải chính, làm rõ")
    assert panel.order == 60
    assert panel.context["suggested"] == [arguments["port"]]
    assert panel.context["others"] == [arguments["heritage"]]

    client = signed_in(inspector)
    page = client.get(reverse("cases_case", args=[case.pk])).content.decode()
    assert "Soạn bài cải chính" in page and "Vụ việc chưa có bài cải chính" in page
    assert page.index(arguments["port"].title) < page.index(arguments["heritage"].title)

    response = client.post(reverse("cases_clarification_draft", args=[case.pk]),
                           {"tu_lieu": [arguments["port"].pk, arguments["heritage"].pk]})
    clarification = Clarification.objects.get()
    assert response.status_code == 302 and response.url == edit_url(clarification)
    assert set(clarification.arguments.all()) == set(arguments.values())
    assert client.get(response.url).status_code == 200

    # A double submit opens the same draft; the panel now shows it.
    again = client.post(reverse("cases_clarification_draft", args=[case.pk]), {"tu_lieu": []}, follow=True)
    assert Clarification.objects.count() == 1 and "đã có bài cải chính đang soạn" in again.content.decode()
    page = client.get(reverse("cases_case", args=[case.pk])).content.decode()
    assert f'data-clarification="{clarification.pk}" data-status="draft"' in page


def test_only_those_who_work_on_the_case_draft(case, outsider, signed_in, workflow):
    response = signed_in(outsider).post(reverse("cases_clarification_draft", args=[case.pk]))
    assert response.status_code == 403 and not Clarification.objects.exists()


# --- the workflow, publication and evidence --------------------------------------------------

def test_drafted_reviewed_approved_by_a_leader_published_and_recorded_once(
        case, arguments, inspector, reviewer, leader, signed_in, workflow, plan, client):
    assert WorkflowContentType.objects.get(content_type__model="clarification").workflow == workflow
    assert [t.name for t in workflow.tasks.order_by("workflow_tasks__sort_order")] == ["Kiểm duyệt", "Lãnh đạo duyệt"]

    clarification = rebuttals.draft_from_case(case, inspector, [arguments["port"]])
    slug = clarification.slug
    public = reverse("cases_public_clarification", args=[slug])

    # The inspector finishes the text and submits it for moderation.
    signed_in(inspector)
    response = client.post(edit_url(clarification), form_data(
        clarification, summary="Sai sự thật: cảng Lạch Huyện vẫn hoạt động bình thường.", **{"action-submit": "1"}))
    assert response.status_code == 302, response.content.decode()[:2000]
    clarification.refresh_from_db()
    assert clarification.summary == "Sai sự thật: cảng Lạch Huyện vẫn hoạt động bình thường."
    assert rebuttals.status(clarification) == ("moderation", "Đang chờ duyệt (Kiểm duyệt)")
    # The drafter cannot approve her own draft.
    client.post(action_url(clarification), {"comment": ""})
    clarification.refresh_from_db()
    assert clarification.current_workflow_task.name == "Kiểm duyệt"

    # The Kiểm duyệt viên approves; it waits for a leader and is not public yet.
    client.logout()
    signed_in(reviewer)
    assert client.post(action_url(clarification), {"comment": "Đã kiểm tra nguồn."}).status_code == 302
    clarification.refresh_from_db()
    assert clarification.current_workflow_task.name == "Lãnh đạo duyệt" and not clarification.live
    # Nor can the reviewer skip the leader by publishing.
    client.post(edit_url(clarification), form_data(clarification, **{"action-publish": "1"}))
    clarification.refresh_from_db()
    assert not clarification.live and not ProgressUpdate.objects.filter(source="cases.clarification").exists()
    client.logout()
    assert client.get(public).status_code == 404

    # A leader approves: published.
    signed_in(leader)
    assert client.post(action_url(clarification), {"comment": ""}).status_code == 302
    clarification.refresh_from_db()
    assert clarification.live and clarification.first_published_at is not None
    assert rebuttals.status(clarification) == ("published", "Đã đăng")

    # Evidence on tasks 9 and 10 of the plan, linked to the public page.
    updates = ProgressUpdate.objects.filter(source="cases.clarification").select_related("task")
    assert sorted(u.task.no for u in updates) == [9, 10]
    for update in updates:
        assert update.text == f"Đã đăng bài cải chính, làm rõ thông tin: {clarification.title}"
        assert update.date == timezone.localdate() and update.links.get().url == public

    # A later edit published again records nothing more.
    clarification.summary = "Sai sự thật. Cập nhật số liệu tháng 3."
    clarification.save_revision(user=leader).publish(user=leader)
    assert ProgressUpdate.objects.filter(source="cases.clarification").count() == 2

    # The public page, with its ClaimReview.
    client.logout()
    page = client.get(public)
    assert page.status_code == 200
    data = json_ld(page.content.decode())
    assert claimreview.validate(data) == []
    assert data["reviewRating"]["alternateName"] == "Sai sự thật" and data["reviewRating"]["ratingValue"] == 1
    assert data["url"] == f"http://testserver{public}"
    assert data["datePublished"] == timezone.localdate(clarification.first_published_at).isoformat()
    assert data["author"] == {"@type": "Organization", "name": Organisation.on().name, "url": "http://testserver/"}
    assert "Thông tin và Truyền thông" in data["author"]["name"]
    assert data["itemReviewed"]["appearance"] == {"@type": "CreativeWork", "url": RUMOUR_URL,
                                                  "datePublished": "2025-03-12"}
    assert data["itemReviewed"]["author"] == {"@type": "Organization", "name": "Trang Tin Đồn",
                                              "url": "https://tin-don.example/"}


# --- public pages ----------------------------------------------------------------------------

def publish(clarification, user):
    """Completed by the editor (the address where the claim appeared, the text) and published."""
    clarification.appearance_url = "https://mxh.example/bai/1"
    clarification.body = "<p>Thông tin đã được kiểm chứng với cơ quan chức năng.</p>"
    clarification.save_revision(user=user).publish(user=user)
    clarification.refresh_from_db()
    return clarification


def test_the_public_list_shows_only_published_clarifications_newest_first(units, inspector, leader, client, workflow):
    cases = [Case.objects.create(number=f"VV-{n}/2025", title=title, origin="staff", owner_unit=units["TTS"],
                                 classification="false")
             for n, title in enumerate(["Tin giả về bão số 3", "Tin giả về phà Gót", "Tin giả về thi tuyển"], 1)]
    older, draft, newer = (rebuttals.draft_from_case(c, inspector) for c in cases)
    publish(older, leader)
    publish(newer, leader)

    page = client.get(reverse("cases_public_clarifications")).content.decode()
    listed = lxml_html.fromstring(page).xpath("//li[@data-clarification]/@data-clarification")
    assert listed == [newer.slug, older.slug]
    assert client.get(reverse("cases_public_clarification", args=[draft.slug])).status_code == 404
    assert client.get(reverse("cases_public_clarification", args=["khong-co"])).status_code == 404
    assert any(link.url == "/cai-chinh/" for link in public_links.links())
    assert "Thông tin cải chính, làm rõ" in client.get("/").content.decode()


def test_markup_in_the_claim_is_shown_as_text_and_cannot_close_the_json_ld(units, inspector, leader, client, workflow):
    hostile = 'Cát Bà "đóng cửa" </script><script>alert("x")</script> & <b>đậm</b>'
    case = Case.objects.create(number="VV-09/2025", title="Tin giả về Cát Bà", claim=hostile, origin="staff",
                               owner_unit=units["TTS"], classification="hostile")
    clarification = publish(rebuttals.draft_from_case(case, inspector), leader)

    page = client.get(reverse("cases_public_clarification", args=[clarification.slug])).content.decode()
    assert "&lt;/script&gt;&lt;script&gt;alert(" in page
    assert page.count("<script") == 1 and page.count("</script>") == 1  # only the JSON-LD's own
    data = json_ld(page)
    assert data["claimReviewed"] == hostile
    assert data["reviewRating"] == {"@type": "Rating", "ratingValue": 2, "bestRating": 5, "worstRating": 1,
                                    "alternateName": "Sai lệch, gây hiểu nhầm"}
    assert claimreview.validate(data) == []


def test_the_preview_of_a_draft_shows_the_public_page_with_its_markup(case, inspector, workflow, rf):
    clarification = rebuttals.draft_from_case(case, inspector)
    request = rf.get("/")
    request.user = inspector
    response = clarification.serve_preview(request, "")
    page = response.rendered_content if hasattr(response, "rendered_content") else response.content.decode()
    assert "Bản xem trước, chưa đăng" in page and clarification.title in page
    data = json_ld(page)
    assert claimreview.validate(data) == [] and data["datePublished"] == timezone.localdate().isoformat()


def test_the_workflow_is_set_up_once(workflow):
    again = rebuttals.ensure_workflow()
    assert again.pk == workflow.pk and again.tasks.count() == 2
    from django.contrib.auth.models import Group

    leaders = Group.objects.get(name="Lãnh đạo Sở")
    assert leaders.permissions.filter(codename="publish_clarification").exists()
    reviewers = Group.objects.get(name="Kiểm duyệt viên")
    assert not reviewers.permissions.filter(codename="publish_clarification").exists()
    assert reviewers.permissions.filter(codename="change_clarification").exists()
    review = again.tasks.get(name="Kiểm duyệt").specific
    assert sorted(g.name for g in review.groups.all()) == ["Kiểm duyệt viên", "Trưởng đơn vị"]


def test_a_scheduled_publication_counts_when_it_goes_live(case, inspector, leader, workflow, plan):
    from django.core.management import call_command

    clarification = rebuttals.draft_from_case(case, inspector)
    clarification.body = "<p>Cảng Lạch Huyện vẫn hoạt động bình thường.</p>"
    clarification.go_live_at = go_live = timezone.now() + datetime.timedelta(seconds=2)
    clarification.save_revision(user=leader).publish(user=leader)
    clarification.refresh_from_db()
    assert not clarification.live and rebuttals.status(clarification) == ("scheduled", "Hẹn giờ đăng")
    assert not ProgressUpdate.objects.filter(source="cases.clarification").exists()

    # The time comes and the scheduler publishes it.
    time.sleep(max(0.0, (go_live - timezone.now()).total_seconds()) + 0.1)
    call_command("publish_scheduled", stdout=io.StringIO())
    clarification.refresh_from_db()
    assert clarification.live
    assert ProgressUpdate.objects.filter(source="cases.clarification").count() == 2


def test_the_staff_screens_list_clarifications_and_the_menu_leads_to_them(case, inspector, signed_in, workflow):
    clarification = rebuttals.draft_from_case(case, inspector)
    client = signed_in(inspector)
    listing = client.get(reverse(Clarification.snippet_viewset.get_url_name("list"))).content.decode()
    assert clarification.title in listing and "Bản nháp" in listing
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse(Clarification.snippet_viewset.get_url_name("list")) in home
    assert reverse("cases_arguments:index") in home
