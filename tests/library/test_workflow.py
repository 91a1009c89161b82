"""The editorial workflow of library items, "Duyệt tài liệu thư viện": a draft is written and
submitted by a specialist, approved at "Biên tập" by an editor, at "Kiểm duyệt" by a reviewer
and at "Lãnh đạo duyệt" by a leader, which publishes it and records evidence on task 5 of the
plan; the leader later removes it with a reason and its legal basis. Nobody approves her own
submission or two steps of one round; nobody below a leader publishes; a removed item is
never published again; scheduled publishing waits for its time."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from wagtail.models import WorkflowContentType

from doingoai.core import seed
from doingoai.core.models import AuditEntry, Role
from doingoai.library import (
    access,
    publishing,
    wagtail_hooks,  # noqa: F401  (the snippet and the screens)
)
from doingoai.library.models import Collection, Item, ProcessingState
from doingoai.plans import importer, imports, services
from doingoai.plans.models import Plan, ProgressUpdate

TITLE = "Bản đồ các đảo tiền tiêu của thành phố Hải Phòng"


@pytest.fixture
def workflow(units):
    return publishing.ensure_workflow()


@pytest.fixture
def plan(units):
    """The 2025 plan imported from its scanned text, running in the current year."""
    parsed = importer.parse((seed.DATA_DIR / "plan-14-KH-STTTT-2025.ocr.txt").read_text(encoding="utf-8"),
                            imports.unit_refs())
    plan = services.save_parsed_plan(parsed, owner_unit=units["TTBCXB"])
    Plan.objects.filter(pk=plan.pk).update(year=timezone.localdate().year, status=Plan.Status.ACTIVE)
    return plan


@pytest.fixture
def people(make_person, workflow):
    return {
        "specialist": make_person(Role.CHUYEN_VIEN, "TTTT", username="chuyenvien"),
        "editor": make_person(Role.BIEN_TAP_VIEN, "TTTT", username="bientap"),
        "editor2": make_person(Role.BIEN_TAP_VIEN, "TTTT", username="bientap2"),
        "reviewer": make_person(Role.KIEM_DUYET_VIEN, "TTBCXB", username="kiemduyet"),
        "leader": make_person(Role.LANH_DAO, "BGD", username="lanhdao"),
        "inspector": make_person(Role.THANH_TRA_VIEN, "TTS", username="thanhtra"),
    }


def draft(user, title=TITLE, **fields) -> Item:
    item = Item.objects.create(title=title, creator="Trung tâm Thông tin và Truyền thông", created_by=user,
                               text="Quần đảo Bạch Long Vĩ nằm giữa vịnh Bắc Bộ.", live=False, **fields)
    item.save_revision(user=user)
    return item


def edit_url(item):
    return reverse(Item.snippet_viewset.get_url_name("edit"), args=[quote(item.pk)])


def action_url(item, name="approve"):
    state = item.current_workflow_task_state
    return reverse(Item.snippet_viewset.get_url_name("workflow_action"), args=[quote(item.pk), name, state.pk])


def form_data(item, **changes):
    """What the item's editor posts."""
    data = {
        "title": item.title, "kind": item.kind, "date": item.date.strftime("%d/%m/%Y") if item.date else "",
        "creator": item.creator, "subject": item.subject, "description": item.description,
        "publisher": item.publisher, "contributor": item.contributor, "format": item.format,
        "identifier": item.identifier, "source": item.source, "language": item.language,
        "coverage": item.coverage, "relation": item.relation, "rights": item.rights,
        "themes": list(item.themes or []), "collections": [str(c.pk) for c in item.collections.all()],
        "access": item.access, "restricted_units": [str(u.pk) for u in item.restricted_units.all()],
        "owner_unit": item.owner_unit_id or "", "text": item.text, "ocr_languages": item.ocr_languages,
        "go_live_at": "", "expire_at": "",
    }
    data.update(changes)
    return data


def task_name(item):
    item.refresh_from_db()
    task = item.current_workflow_task
    return task.name if task else None


# --- set-up ----------------------------------------------------------------------------------

def test_the_workflow_is_set_up_once_with_three_steps_and_the_role_permissions(workflow):
    assert WorkflowContentType.objects.get(content_type__model="item", content_type__app_label="library").workflow \
        == workflow
    steps = [t.specific for t in workflow.tasks.order_by("workflow_tasks__sort_order")]
    assert [t.name for t in steps] == ["Biên tập", "Kiểm duyệt", "Lãnh đạo duyệt"]
    assert [sorted(g.name for g in t.groups.all()) for t in steps] == [
        ["Biên tập viên"], ["Kiểm duyệt viên", "Trưởng đơn vị"], ["Lãnh đạo Sở"]]

    again = publishing.ensure_workflow()
    assert again.pk == workflow.pk and again.tasks.count() == 3

    def codenames(role_label):
        return set(Group.objects.get(name=role_label).permissions.filter(content_type__app_label="library")
                   .values_list("codename", flat=True))

    assert {"add_item", "change_item"} <= codenames("Chuyên viên") and "publish_item" not in codenames("Chuyên viên")
    assert "publish_item" not in codenames("Kiểm duyệt viên") and "lock_item" in codenames("Kiểm duyệt viên")
    assert {"publish_item", "lock_item", "unlock_item"} <= codenames("Lãnh đạo Sở")


def test_a_step_staff_reconfigured_is_kept(workflow):
    """The steps and groups are Wagtail's Settings → Workflows; ensure_workflow does not undo them."""
    first = workflow.tasks.order_by("workflow_tasks__sort_order").first().specific
    first.groups.add(Group.objects.get(name="Trưởng đơn vị"))
    publishing.ensure_workflow()
    assert sorted(g.name for g in first.groups.all()) == ["Biên tập viên", "Trưởng đơn vị"]


# --- draft → published → removed, by different people ----------------------------------------

def test_drafted_approved_in_three_steps_published_recorded_and_removed(people, plan, client, signed_in):
    specialist, editor, reviewer, leader = (people[k] for k in ("specialist", "editor", "reviewer", "leader"))
    item = draft(specialist, owner_unit=people["specialist"].memberships.get().unit)

    # The specialist completes the description and submits it.
    signed_in(specialist)
    response = client.post(edit_url(item), form_data(
        item, description="Bản đồ hành chính các đảo.", themes=["bien-dao"], **{"action-submit": "1"}))
    assert response.status_code == 302, response.content.decode()[:3000]
    item.refresh_from_db()
    assert item.description == "Bản đồ hành chính các đảo." and item.themes == ["bien-dao"] and not item.live
    assert task_name(item) == "Biên tập"
    assert publishing.status(item) == ("moderation", "Đang chờ duyệt (Biên tập)")
    # She cannot approve her own step (she is not an editor either).
    client.post(action_url(item), {"comment": ""})
    assert task_name(item) == "Biên tập"

    # The editor approves "Biên tập"; the same editor cannot approve "Kiểm duyệt" too.
    client.logout()
    signed_in(editor)
    assert client.post(action_url(item), {"comment": "Đã soát chính tả."}).status_code == 302
    assert task_name(item) == "Kiểm duyệt"
    client.post(action_url(item), {"comment": ""})
    assert task_name(item) == "Kiểm duyệt"

    # The reviewer approves "Kiểm duyệt" and cannot skip the leader by publishing.
    client.logout()
    signed_in(reviewer)
    assert client.post(action_url(item), {"comment": "Nguồn đã kiểm tra."}).status_code == 302
    assert task_name(item) == "Lãnh đạo duyệt"
    client.post(edit_url(item), form_data(item, **{"action-publish": "1"}))
    item.refresh_from_db()
    assert not item.live and not ProgressUpdate.objects.filter(source="library.item").exists()

    # The leader approves the last step: published, evidence on task 5 of the plan.
    client.logout()
    signed_in(leader)
    assert client.post(action_url(item), {"comment": ""}).status_code == 302
    item.refresh_from_db()
    assert item.live and item.first_published_at is not None and not item.workflow_in_progress
    assert publishing.status(item) == ("published", "Đã xuất bản")
    update = ProgressUpdate.objects.select_related("task").get(source="library.item")
    assert update.task.no == 5 and update.date == timezone.localdate()
    assert update.text == f"Đã xuất bản tài liệu thư viện điện tử: {TITLE}"
    assert update.links.get().url == reverse("library_public_item", args=[item.pk])
    # A later publication of an edit records nothing more.
    item.description = "Bản đồ hành chính các đảo, cập nhật năm 2025."
    item.save_revision(user=leader).publish(user=leader)
    assert ProgressUpdate.objects.filter(source="library.item").count() == 1

    # The leader removes it, with the reason and the legal basis: a tombstone stays.
    response = client.post(reverse("library_remove", args=[item.pk]), {
        "reason": "Bản đồ có sai sót về địa danh.", "legal_basis": "Điều 9 Luật Báo chí 2016"})
    assert response.status_code == 302 and response.url == reverse("library_removed")
    item.refresh_from_db()
    assert not item.live and item.removed_at is not None and item.removed_by == leader
    assert item.title == TITLE and item.first_published_at is not None
    assert item.removal_reason == "Bản đồ có sai sót về địa danh."
    assert item.removal_legal_basis == "Điều 9 Luật Báo chí 2016"
    assert publishing.status(item) == ("removed", "Đã gỡ bỏ")
    assert not access.can_view(leader, item) and not access.public_items().filter(pk=item.pk).exists()
    entry = AuditEntry.objects.get(action="library.removed", object_id=str(item.pk))
    assert entry.actor == leader
    assert entry.changes["lý do"] == "Bản đồ có sai sót về địa danh."
    assert entry.changes["căn cứ pháp lý"] == "Điều 9 Luật Báo chí 2016"
    assert AuditEntry.objects.filter(action="wagtail:wagtail.unpublish", object_id=str(item.pk)).exists()
    page = client.get(reverse("library_removed")).content.decode()
    assert TITLE in page and "Điều 9 Luật Báo chí 2016" in page

    # Three different people (and the drafter) stand behind it.
    assert len({specialist.pk, editor.pk, reviewer.pk, leader.pk}) == 4


def approve_link(item):
    state = item.current_workflow_task_state
    return reverse(Item.snippet_viewset.get_url_name("collect_workflow_action_data"),
                   args=[quote(item.pk), "approve", state.pk])


def test_an_editor_who_submits_her_own_draft_needs_another_editor(people, client, signed_in):
    item = draft(people["editor"])
    item.get_workflow().start(item, people["editor"])
    item.refresh_from_db()

    # Her editor offers her no approval, and approving anyway changes nothing.
    signed_in(people["editor"])
    assert approve_link(item) not in client.get(edit_url(item)).content.decode()
    client.post(action_url(item), {"comment": ""})
    assert task_name(item) == "Biên tập"

    # Another editor sees the approval and gives it.
    client.logout()
    signed_in(people["editor2"])
    assert approve_link(item) in client.get(edit_url(item)).content.decode()
    client.post(action_url(item), {"comment": ""})
    assert task_name(item) == "Kiểm duyệt"
    assert publishing.may_act(item, people["editor2"]) is False  # she approved the step before


# --- who may remove; what a removal needs ----------------------------------------------------

def published(user, **fields) -> Item:
    item = draft(user, **fields)
    item.save_revision(user=user).publish(user=user)
    item.refresh_from_db()
    return item


def test_only_leaders_reviewers_and_unit_heads_remove(people, make_person, client, signed_in):
    item = published(people["leader"])
    for who in ("specialist", "editor", "inspector"):
        response = signed_in(people[who]).post(reverse("library_remove", args=[item.pk]), {
            "reason": "Không còn phù hợp.", "legal_basis": "Quy chế thư viện"})
        assert response.status_code == 403
        client.logout()
    item.refresh_from_db()
    assert item.live and item.removed_at is None

    # A unit head may; the reason and the legal basis are required.
    head = make_person(Role.TRUONG_DON_VI, "TTTT", username="truongdonvi")
    signed_in(head)
    page = client.post(reverse("library_remove", args=[item.pk]), {"reason": "", "legal_basis": ""}).content.decode()
    assert "Xin nêu lý do gỡ bỏ." in page and "Xin nêu căn cứ pháp lý của việc gỡ bỏ" in page
    item.refresh_from_db()
    assert item.live
    response = client.post(reverse("library_remove", args=[item.pk]), {
        "reason": "Tài liệu trùng lặp.", "legal_basis": "Quy chế quản lý thư viện điện tử, Điều 12"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.removed_by == head and not item.live

    # A second submit changes nothing.
    again = client.post(reverse("library_remove", args=[item.pk]), {
        "reason": "Lần nữa.", "legal_basis": "Lần nữa"}, follow=True)
    assert "đã được gỡ bỏ" in again.content.decode()
    item.refresh_from_db()
    assert item.removal_reason == "Tài liệu trùng lặp."
    assert AuditEntry.objects.filter(action="library.removed").count() == 1


def test_a_draft_is_not_removed_but_edited_or_deleted(people):
    from django.core.exceptions import ValidationError

    from doingoai.library import review

    item = draft(people["specialist"])
    with pytest.raises(ValidationError) as caught:
        review.remove(item, people["leader"], "Sai.", "Quy chế")
    assert "Chỉ gỡ bỏ được tài liệu đã xuất bản" in " ".join(caught.value.messages)


def test_a_removed_item_is_never_published_again(people, client, signed_in):
    from doingoai.library import review

    item = published(people["leader"])
    old_revision = item.live_revision
    review.remove(item, people["leader"], "Vi phạm bản quyền.", "Điều 28 Luật Sở hữu trí tuệ")
    item.refresh_from_db()

    with pytest.raises(publishing.RemovedItemError):
        old_revision.publish(user=people["leader"])
    item.refresh_from_db()
    assert not item.live and item.removed_at is not None

    # Its editor is closed: the screen leads to the removed items.
    response = signed_in(people["leader"]).get(edit_url(item))
    assert response.status_code == 302 and response.url == reverse("library_removed")
    # Wagtail's plain unpublish leads to the removal form instead.
    other = published(people["leader"], title="Sách ảnh Cát Bà")
    response = client.get(reverse(Item.snippet_viewset.get_url_name("unpublish"), args=[other.pk]))
    assert response.status_code == 302 and response.url == reverse("library_remove", args=[other.pk])


# --- scheduled publishing ---------------------------------------------------------------------

def test_scheduled_publishing_waits_for_its_time(people, plan):
    leader = people["leader"]
    item = draft(leader)
    item.go_live_at = timezone.now() + datetime.timedelta(days=2)
    item.save_revision(user=leader).publish(user=leader)
    item.refresh_from_db()
    assert not item.live and publishing.status(item)[0] == "scheduled"
    assert not ProgressUpdate.objects.filter(source="library.item").exists()

    call_command("publish_scheduled")
    item.refresh_from_db()
    assert not item.live

    # The time comes.
    with freeze_time(timezone.now() + datetime.timedelta(days=2, minutes=1)):
        call_command("publish_scheduled")
    item.refresh_from_db()
    assert item.live and item.first_published_at is not None
    assert ProgressUpdate.objects.filter(source="library.item").count() == 1


def test_a_scheduled_item_can_be_removed_before_it_goes_live(people):
    from doingoai.library import review

    leader = people["leader"]
    item = draft(leader)
    item.go_live_at = timezone.now() + datetime.timedelta(days=2)
    item.save_revision(user=leader).publish(user=leader)
    review.remove(item, leader, "Thông tin chưa được kiểm chứng.", "Điều 9 Luật Báo chí 2016")
    with freeze_time(timezone.now() + datetime.timedelta(days=2, minutes=1)):
        call_command("publish_scheduled")
    item.refresh_from_db()
    assert not item.live and item.removed_at is not None


# --- what the machine keeps is not undone by an older revision ------------------------------

def test_publishing_an_older_revision_keeps_the_ocr_text_and_the_processing_state(people):
    leader = people["leader"]
    item = draft(leader, processing=ProcessingState.RUNNING)
    Item.objects.filter(pk=item.pk).update(text="")
    item.refresh_from_db()
    revision = item.save_revision(user=leader)  # made while the OCR was running: no text yet
    Item.objects.filter(pk=item.pk).update(text="Văn bản nhận dạng từ bản quét.", processing=ProcessingState.DONE,
                                           progress=100, pages=3)
    revision.publish(user=leader)
    item.refresh_from_db()
    assert item.live and item.text == "Văn bản nhận dạng từ bản quét."
    assert (item.processing, item.progress, item.pages) == (ProcessingState.DONE, 100, 3)


def test_collections_change_when_a_published_item_is_saved(people, client, signed_in):
    leader = people["leader"]
    sea = Collection.objects.create(name="Biển, đảo", slug="bien-dao", order=1)
    item = published(leader)
    signed_in(leader)
    response = client.post(edit_url(item), form_data(item, collections=[str(sea.pk)], description="Đã bổ sung."))
    assert response.status_code == 302, response.content.decode()[:3000]
    item.refresh_from_db()
    assert list(item.collections.all()) == [sea]
    assert item.has_unpublished_changes and item.description == ""  # the text waits for approval
