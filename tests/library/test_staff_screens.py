"""The library's staff screens: the list of items with its filters and a search typed without
diacritics, the item's editor (Dublin Core, themes and collections, access, the text, the
files with their processing), "Thêm vào thư viện" on a monitored article (one draft with a
captured copy, however many clicks) and on an entry of the argument library, collections,
items restricted to units, and the work waiting on the dashboard."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from lxml import html as lxml_html

from doingoai.cases.models import Argument
from doingoai.core import dashboard
from doingoai.core.models import AuditEntry, Role
from doingoai.library import (
    publishing,
    wagtail_hooks,  # noqa: F401
)
from doingoai.library.models import Access, Collection, Item, ItemFile, Kind, ProcessingState
from doingoai.monitoring import actions
from doingoai.monitoring.models import Article, Source, Story
from doingoai.monitoring.pipeline.canonical import canonical_url, key_of

HP = ZoneInfo("Asia/Ho_Chi_Minh")
URL = "https://baohaiphong.example/bach-long-vi"
TEXT = ("Huyện đảo Bạch Long Vĩ kỷ niệm 30 năm thành lập. Đảo nằm giữa vịnh Bắc Bộ, cách đất liền Hải Phòng "
        "khoảng 110 km.\nNgư dân bám biển, giữ vững chủ quyền.")
HTML = ('<p>Huyện đảo Bạch Long Vĩ kỷ niệm 30 năm thành lập.</p><script>alert("x")</script>'
        '<p onclick="steal()">Ngư dân bám biển, giữ vững chủ quyền.</p>')


@pytest.fixture
def people(make_person, units):
    publishing.ensure_workflow()
    return {
        "specialist": make_person(Role.CHUYEN_VIEN, "TTTT", username="chuyenvien"),
        "editor": make_person(Role.BIEN_TAP_VIEN, "TTTT", username="bientap"),
        "other": make_person(Role.CHUYEN_VIEN, "TTBCXB", username="chuyenvien-bao-chi"),
        "leader": make_person(Role.LANH_DAO, "BGD", username="lanhdao"),
        "admin": make_person(Role.QUAN_TRI, "VPS", username="quantri"),
    }


@pytest.fixture
def article(db):
    outlet = Source.objects.create(name="Báo Hải Phòng", kind=Source.Kind.LOCAL)
    return Article.objects.create(
        source=outlet, url=URL, url_key=key_of(canonical_url(URL)), title="Bạch Long Vĩ 30 năm giữ biển",
        text=TEXT, html=HTML, author="Trần Thu Hà", content_hash="0" * 64, language="vi", themes=["bien-dao"],
        published_at=datetime.datetime(2025, 3, 12, 23, 30, tzinfo=HP))


def list_url():
    return reverse(Item.snippet_viewset.get_url_name("list"))


def edit_url(item):
    return reverse(Item.snippet_viewset.get_url_name("edit"), args=[item.pk])


def listed(response) -> list[str]:
    doc = lxml_html.fromstring(response.content.decode())
    links = doc.xpath("//table//td//a[contains(@href, '/edit/')]")
    return [t for t in (" ".join(a.text_content().split()) for a in links) if t != "Sửa"]


# --- from a monitored article -----------------------------------------------------------------

def test_add_to_library_on_an_article_makes_one_draft_with_a_captured_copy(people, article, client, signed_in, rf):
    specialist = people["specialist"]
    request = rf.get("/")
    request.user = specialist
    found = [a for a in actions.for_object(request, article) if a.label == "Thêm vào thư viện"]
    assert found == [actions.Action("Thêm vào thư viện", reverse("library_from_article", args=[article.pk]),
                                    post=True, icon="doc-full-inverse")]
    story = Story.objects.create(title=article.title, first_article=article, first_seen_at=article.published_at,
                                 last_seen_at=article.published_at)
    assert not [a for a in actions.for_object(request, story) if a.label == "Thêm vào thư viện"]

    signed_in(specialist)
    page = client.get(reverse("monitoring_article", args=[article.pk])).content.decode()
    assert reverse("library_from_article", args=[article.pk]) in page

    response = client.post(reverse("library_from_article", args=[article.pk]))
    item = Item.objects.get()
    assert response.status_code == 302 and response.url == edit_url(item)
    assert (item.kind, item.title, item.creator, item.publisher) == (
        Kind.ARTICLE, "Bạch Long Vĩ 30 năm giữ biển", "Trần Thu Hà", "Báo Hải Phòng")
    assert item.date == datetime.date(2025, 3, 12) and item.source == URL and item.language == "vi"
    assert item.description == ("Huyện đảo Bạch Long Vĩ kỷ niệm 30 năm thành lập. Đảo nằm giữa vịnh Bắc Bộ, "
                                "cách đất liền Hải Phòng khoảng 110 km.")  # the lead
    assert item.text == TEXT and item.themes == ["bien-dao"] and item.source_article == article
    assert item.source_hash == publishing.text_hash(TEXT) and not item.live
    assert item.latest_revision.user == specialist

    copy = ItemFile.objects.get(item=item)
    assert (copy.role, copy.mime) == (ItemFile.Role.ORIGINAL, "text/html")
    body = copy.file.read().decode()
    assert URL in body and "Lưu lúc" in body and "Ngư dân bám biển" in body
    assert "<script" not in body and "onclick" not in body and "steal" not in body

    # A second click opens the same draft.
    again = client.post(reverse("library_from_article", args=[article.pk]), follow=True)
    assert Item.objects.count() == 1 and "Bài báo này đã có trong thư viện" in again.content.decode()
    assert AuditEntry.objects.filter(action="library.drafted").count() == 1

    # Once removed, the article may be added again.
    Item.objects.filter(pk=item.pk).update(removed_at=item.created_at)
    client.post(reverse("library_from_article", args=[article.pk]))
    assert Item.objects.count() == 2


def test_without_an_author_the_outlet_is_the_creator(people, article, client, signed_in):
    Article.objects.filter(pk=article.pk).update(author="")
    signed_in(people["specialist"]).post(reverse("library_from_article", args=[article.pk]))
    assert Item.objects.get().creator == "Báo Hải Phòng"


def test_those_outside_the_library_cannot_add_articles(people, article, client, signed_in):
    assert signed_in(people["admin"]).post(reverse("library_from_article", args=[article.pk])).status_code == 403
    assert not Item.objects.exists()


# --- from the argument library ----------------------------------------------------------------

def test_an_argument_becomes_a_draft_from_the_library_s_own_screen(people, units, client, signed_in):
    argument = Argument.objects.create(
        title="Quần đảo Hoàng Sa thuộc chủ quyền Việt Nam", kind=Argument.Kind.DOCUMENT,
        body="Nhiều tư liệu lịch sử khẳng định chủ quyền của Việt Nam.", themes=["bien-dao"],
        sources="Sách trắng Bộ Ngoại giao\nhttps://mofa.gov.vn/hoang-sa", owner_unit=units["TTS"],
        review_date=datetime.date(2030, 1, 1))
    signed_in(people["editor"])
    page = client.get(reverse("library_arguments") + "?q=hoang sa").content.decode()
    assert "Quần đảo Hoàng Sa thuộc chủ quyền Việt Nam" in page
    assert reverse("library_from_argument", args=[argument.pk]) in page

    response = client.post(reverse("library_from_argument", args=[argument.pk]))
    item = Item.objects.get()
    assert response.status_code == 302 and response.url == edit_url(item)
    assert item.kind == Kind.DOCUMENT and item.text == argument.body and item.source_argument == argument
    assert item.source.splitlines() == ["Sách trắng Bộ Ngoại giao", "https://mofa.gov.vn/hoang-sa"]
    assert item.subject == "Biển, đảo và chủ quyền" and item.themes == ["bien-dao"]
    client.post(reverse("library_from_argument", args=[argument.pk]))
    assert Item.objects.count() == 1
    assert "Đã có trong thư viện" in client.get(reverse("library_arguments")).content.decode()


# --- the list and the editor ------------------------------------------------------------------

def test_the_list_filters_and_finds_without_diacritics(people, client, signed_in):
    sea = Collection.objects.create(name="Biển, đảo", slug="bien-dao", order=1)
    map_item = Item.objects.create(title="Bản đồ huyện đảo Cát Hải", kind=Kind.MAP, live=False,
                                   folded="ban do huyen dao cat hai")
    map_item.collections.add(sea)
    Item.objects.create(title="Phim tư liệu Đồ Sơn", kind=Kind.VIDEO, folded="phim tu lieu do son", live=False,
                        processing=ProcessingState.RUNNING, progress=30)
    live = Item.objects.create(title="Sách Hải Phòng xưa", kind=Kind.BOOK, folded="sach hai phong xua", live=False)
    live.save_revision(user=people["leader"]).publish(user=people["leader"])

    signed_in(people["specialist"])
    everything = client.get(list_url())
    assert everything.status_code == 200
    assert sorted(listed(everything)) == ["Bản đồ huyện đảo Cát Hải", "Phim tư liệu Đồ Sơn", "Sách Hải Phòng xưa"]
    assert listed(client.get(list_url(), {"kind": "map"})) == ["Bản đồ huyện đảo Cát Hải"]
    assert listed(client.get(list_url(), {"collection": sea.pk})) == ["Bản đồ huyện đảo Cát Hải"]
    assert listed(client.get(list_url(), {"state": "live"})) == ["Sách Hải Phòng xưa"]
    assert sorted(listed(client.get(list_url(), {"state": "draft"}))) == ["Bản đồ huyện đảo Cát Hải",
                                                                          "Phim tư liệu Đồ Sơn"]
    assert listed(client.get(list_url(), {"processing": "running"})) == ["Phim tư liệu Đồ Sơn"]
    assert listed(client.get(list_url(), {"q": "do son"})) == ["Phim tư liệu Đồ Sơn"]
    assert "Đang nhận dạng chữ (30%)" in client.get(list_url()).content.decode()


def test_the_editor_shows_the_dublin_core_the_themes_the_access_the_text_and_the_files(people, client, signed_in):
    item = Item.objects.create(title="Hải đồ vịnh Bắc Bộ năm 1936", live=False, processing=ProcessingState.RUNNING, progress=55,
                               text="Văn bản nhận dạng", ocr=True, pages=2)
    stored = ItemFile(item=item, name="hai-do-1936.pdf", mime="application/pdf", size=1234, sha256="0" * 64)
    stored.file.save("hai-do-1936.pdf", ContentFile(b"%PDF-1.4"), save=True)

    page = signed_in(people["specialist"]).get(edit_url(item)).content.decode()
    for heading in ("Mô tả (Dublin Core)", "Chủ đề và bộ sưu tập", "Truy cập", "Nội dung văn bản"):
        assert heading in page
    assert 'type="checkbox" name="themes" value="bien-dao"' in page
    assert "hai-do-1936.pdf" in page and "Đang nhận dạng chữ" in page and 'value="55"' in page
    assert reverse("library_file", args=[stored.pk, "hai-do-1936.pdf"]) in page


def test_the_ocr_text_is_corrected_in_the_editor(people, client, signed_in):
    item = Item.objects.create(title="Bản quét công văn 1995", text="Pon vi chu tri", ocr=True, live=False)
    signed_in(people["specialist"])
    response = client.post(edit_url(item), {
        "title": item.title, "kind": item.kind, "language": "vi", "access": Access.PUBLIC,
        "text": "Đơn vị chủ trì", "ocr_languages": "vie", "themes": [], "collections": [], "restricted_units": [],
        "go_live_at": "", "expire_at": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    item.refresh_from_db()
    assert item.text == "Đơn vị chủ trì" and item.latest_revision.user == people["specialist"]


def test_an_item_restricted_to_units_is_hidden_from_the_others(people, units, client, signed_in):
    item = Item.objects.create(title="Hồ sơ phân giới cắm mốc", live=False, access=Access.RESTRICTED, owner_unit=units["TTTT"])
    signed_in(people["other"])
    assert "Hồ sơ phân giới cắm mốc" not in client.get(list_url()).content.decode()
    assert client.get(edit_url(item)).status_code == 403
    item.restricted_units.add(units["TTBCXB"])
    assert "Hồ sơ phân giới cắm mốc" in client.get(list_url()).content.decode()
    assert client.get(edit_url(item)).status_code == 200


def test_a_published_item_is_not_deleted(people, client, signed_in):
    item = Item.objects.create(title="Ảnh tư liệu Bạch Long Vĩ", live=False)
    item.save_revision(user=people["leader"]).publish(user=people["leader"])
    signed_in(people["leader"])
    client.post(reverse(Item.snippet_viewset.get_url_name("delete"), args=[item.pk]))
    assert Item.objects.filter(pk=item.pk).exists()
    draft = Item.objects.create(title="Bản nháp tải nhầm", live=False)
    client.post(reverse(Item.snippet_viewset.get_url_name("delete"), args=[draft.pk]))
    assert not Item.objects.filter(pk=draft.pk).exists()


def test_collections_have_their_screen(people, client, signed_in):
    signed_in(people["editor"])
    response = client.post(reverse("library_collections:add"), {
        "name": "Biển, đảo", "slug": "bien-dao", "order": 1, "public": "on", "description": "Tư liệu biển, đảo"})
    assert response.status_code == 302
    assert Collection.objects.get().name == "Biển, đảo"
    assert "Biển, đảo" in client.get(reverse("library_collections:index")).content.decode()


def test_the_dashboard_lists_items_waiting_for_the_person_s_approval(people):
    item = Item.objects.create(title="Tập san Biển đảo quê hương", live=False)
    item.save_revision(user=people["specialist"])
    item.get_workflow().start(item, people["specialist"])
    work = [w for w in dashboard.open_work(people["editor"]) if w.module == "Thư viện điện tử"]
    assert [(w.title, w.status) for w in work] == [("Tập san Biển đảo quê hương", "Chờ duyệt: Biên tập")]
    assert not [w for w in dashboard.open_work(people["specialist"]) if w.module == "Thư viện điện tử"]


def test_the_library_menu_lists_the_staff_screens(people, rf):
    from wagtail import hooks

    def shown(user):
        request = rf.get("/")
        request.user = user
        entries = [hook() for hook in hooks.get_hooks("register_library_menu_item")]
        return sorted(str(e.label) for e in entries if e.is_shown(request))

    assert shown(people["specialist"]) == ["Bộ sưu tập", "Rà soát lại", "Thêm từ tư liệu, lập luận", "Tài liệu",
                                           "Tài liệu đã gỡ bỏ", "Tải lên tài liệu"]
    assert shown(people["admin"]) == []
