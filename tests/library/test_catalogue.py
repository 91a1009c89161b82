"""The public catalogue: home with collections and the newest items, search with facets and
highlighted snippets, a collection's page, an item's page with its viewers, metadata,
citation and share link; a tombstone (410) for a removed item; 404 for items the public may
not see (and the same for staff of another unit), the page for permitted staff."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from doingoai.core.models import Role
from doingoai.library import catalogue
from doingoai.library.models import Access, Collection, Item, Kind

from .test_catalogue_fixtures import attach, item_fields, pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_item(django_capture_on_commit_callbacks):
    """An item, committed: the search index has it."""

    def make(collections=(), **fields) -> Item:
        with django_capture_on_commit_callbacks(execute=True):
            item = Item.objects.create(**item_fields(**fields))
            item.collections.add(*collections)
        return item

    return make


@pytest.fixture
def sea(db):
    return Collection.objects.create(name="Biển đảo Hải Phòng", name_en="Hai Phong's sea and islands",
                                     slug="bien-dao-hai-phong", description="Tư liệu về biển, đảo của thành phố.")


def item_url(item) -> str:
    return reverse("library_public_item", args=[item.pk])


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- home, search, collections ---------------------------------------------------------------

def test_home_shows_collections_with_counts_the_newest_items_and_a_search_box(client, make_item, sea):
    make_item(title="Bản đồ Hoàng Sa thời Nguyễn", collections=[sea])
    make_item(title="Hồ sơ nội bộ", access=Access.INTERNAL, collections=[sea])
    Collection.objects.create(name="Bộ sưu tập ẩn", slug="an", public=False)

    response = client.get(reverse("library_public_home"))
    assert response.status_code == 200
    page = text_of(response)
    assert "Biển đảo Hải Phòng" in page and "1 tài liệu" in page
    assert "Bộ sưu tập ẩn" not in page
    assert "Bản đồ Hoàng Sa thời Nguyễn" in page and "Hồ sơ nội bộ" not in page
    assert 'role="search"' in response.content.decode()


def test_search_without_diacritics_shows_highlighted_snippets_and_facets(client, make_item, sea):
    make_item(title="Biển đảo Bạch Long Vĩ", text="Ngư dân trên đảo Bạch Long Vĩ <vẫn> bám biển.",
              kind=Kind.BOOK, date=datetime.date(2014, 5, 2), themes=["bien-dao"], collections=[sea])
    make_item(title="Đảo Cát Bà", text="Vùng biển đảo Cát Bà.", kind=Kind.IMAGE, date=datetime.date(2020, 1, 1))
    make_item(title="Lễ hội", text="Không liên quan.")

    response = client.get(reverse("library_public_search"), {"q": "bien dao"})
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"<span data-total>2</span>", html)
    assert "<mark>Biển đảo</mark> Bạch Long Vĩ" in html
    assert "&lt;vẫn&gt;" in html  # escaped before the matches are marked
    # Facets: checkboxes with labels and counts, in a form that works without JavaScript.
    assert re.search(r'<input type="checkbox" name="kind" value="book"[^>]*> Sách <span class="count">\(1\)</span>',
                     html)
    assert 'name="theme" value="bien-dao"' in html and "Biển, đảo và chủ quyền" in html
    assert 'name="year" value="2014"' in html and f'name="collection" value="{sea.pk}"' in html

    response = client.get(reverse("library_public_search"), {"q": "bien dao", "kind": "book"})
    html = response.content.decode()
    assert re.search(r"<span data-total>1</span>", html)
    assert re.search(r'name="kind" value="book" checked', html)
    assert "Đảo Cát Bà" not in text_of(response).split("tài liệu", 1)[1]


def test_a_bad_query_gets_a_clear_message_and_keeps_what_was_typed(client):
    response = client.get(reverse("library_public_search"), {"q": '"hoang sa'})
    assert response.status_code == 200
    assert "Thiếu dấu ngoặc kép đóng" in response.content.decode()
    assert 'value="&quot;hoang sa"' in response.content.decode()


def test_results_are_paginated(client, make_item):
    for n in range(23):
        make_item(title=f"Hải đăng số {n}")
    first = client.get(reverse("library_public_search"), {"q": "hai dang"}).content.decode()
    assert first.count('class="card"') == 20 and "Trang 1/2" in first
    assert 'href="?q=hai+dang&amp;page=2"' in first
    second = client.get(reverse("library_public_search"), {"q": "hai dang", "page": "2"}).content.decode()
    assert second.count('class="card"') == 3 and 'start="21"' in second


def test_a_collection_page_lists_its_items_and_is_named_in_the_readers_language(client, make_item, sea):
    make_item(title="Cột mốc chủ quyền", collections=[sea])
    make_item(title="Ngoài bộ sưu tập")

    response = client.get(reverse("library_public_collection", args=[sea.slug]))
    page = text_of(response)
    assert response.status_code == 200
    assert "Biển đảo Hải Phòng" in page and "Cột mốc chủ quyền" in page and "Ngoài bộ sưu tập" not in page

    client.cookies["django_language"] = "en"
    response = client.get(reverse("library_public_collection", args=[sea.slug]))
    assert '<html lang="en">' in response.content.decode()
    assert "Hai Phong&#x27;s sea and islands" in response.content.decode()

    hidden = Collection.objects.create(name="Ẩn", slug="an", public=False)
    assert client.get(reverse("library_public_collection", args=[hidden.slug])).status_code == 404


# --- an item ---------------------------------------------------------------------------------

def test_an_item_page_shows_the_pdf_viewer_metadata_themes_citation_and_share_link(client, make_item, sea,
                                                                                    settings):
    item = make_item(title="Châu bản triều Nguyễn về Hoàng Sa", creator="Viện Sử học", kind=Kind.BOOK,
                     publisher="Nhà xuất bản Chính trị quốc gia Sự thật", date=datetime.date(2014, 6, 2),
                     description="Tập hợp châu bản.", themes=["bien-dao"], language="vi, en", collections=[sea])
    pdf = attach(item, "chau-ban.pdf", pdf_bytes(), "application/pdf")
    file_url = reverse("library_file", args=[pdf.pk, pdf.name])

    response = client.get(item_url(item))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<iframe src="{file_url}#view=FitH" title="Tài liệu PDF: Châu bản triều Nguyễn về Hoàng Sa"' in html
    assert f'href="{file_url}" download' in html  # the fallback
    page = text_of(response)
    assert "Tác giả Viện Sử học" in page
    assert "Ngày xuất bản, ban hành 02/06/2014" in page
    assert "Ngôn ngữ Tiếng Việt Tiếng Anh" in page
    assert 'href="/thu-vien/tim-kiem/?theme=bien-dao"' in html
    absolute = f"http://testserver{item_url(item)}"
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert (f"Viện Sử học (2014), <em>Châu bản triều Nguyễn về Hoàng Sa</em>, Nhà xuất bản Chính trị quốc gia "
            f"Sự thật, truy cập ngày {today} tại {absolute}.") in html
    assert f'<input id="share-url" type="text" value="{absolute}" readonly>' in html
    assert "Sao chép liên kết" in html
    assert f'<meta property="og:url" content="{absolute}">' in html
    assert '<meta property="og:title" content="Châu bản triều Nguyễn về Hoàng Sa">' in html


def test_a_search_hit_on_a_page_opens_the_pdf_at_that_page(client, make_item):
    item = make_item(title="Báo cáo")
    pdf = attach(item, "bao-cao.pdf", pdf_bytes(), "application/pdf")
    response = client.get(item_url(item), {"trang": "3"})
    file_url = reverse("library_file", args=[pdf.pk, pdf.name])
    assert f'<iframe src="{file_url}#page=3&amp;view=FitH"' in response.content.decode()


def test_an_image_item_has_a_zoom_with_buttons_keys_and_alt_text(client, make_item):
    item = make_item(title="Ngọn hải đăng Long Châu", kind=Kind.IMAGE, description="Ảnh chụp năm 1995.")
    image = attach(item, "hai-dang.png", png_bytes(), "image/png", width=40, height=30)
    html = client.get(item_url(item)).content.decode()
    file_url = reverse("library_file", args=[image.pk, image.name])
    assert "data-zoom" in html and "data-zoom-in" in html and "data-zoom-out" in html
    assert f'<img src="{file_url}" alt="Ngọn hải đăng Long Châu. Ảnh chụp năm 1995." width="40" height="30"' in html
    assert 'class="zoom-frame" tabindex="0"' in html
    assert f'<meta property="og:image" content="http://testserver{file_url}">' in html


def test_a_video_item_has_a_player_with_the_files_type(client, make_item):
    item = make_item(title="Phim tư liệu Trường Sa", kind=Kind.VIDEO)
    video = attach(item, "truong-sa.mp4", b"\x00\x00\x00\x18ftypmp42", "video/mp4")
    html = client.get(item_url(item)).content.decode()
    assert "<video controls" in html
    assert f'<source src="{reverse("library_file", args=[video.pk, video.name])}" type="video/mp4">' in html


def test_a_removed_item_shows_its_tombstone_with_status_410(client, make_item, signed_in, make_person):
    item = make_item(title="Bài viết đã gỡ", first_published_at=timezone.now())
    attach(item, "bai-viet.pdf", pdf_bytes(), "application/pdf")
    item.removed_at = timezone.make_aware(datetime.datetime(2025, 3, 4, 10, 0))
    item.removal_reason = "Thông tin cá nhân của người dân trong ảnh."
    item.removal_legal_basis = "Nghị định 13/2023/NĐ-CP"
    item.save()

    response = client.get(item_url(item))
    assert response.status_code == 410
    page = text_of(response)
    assert "Bài viết đã gỡ" in page
    assert "Tài liệu đã được gỡ bỏ ngày 04/03/2025" in page
    assert "Lý do: theo quy định. Căn cứ: Nghị định 13/2023/NĐ-CP." in page
    assert "Thông tin cá nhân" not in page and "/thu-vien/tep/" not in response.content.decode()
    # Staff see the same tombstone.
    leader = make_person(Role.LANH_DAO, "BGD")
    assert signed_in(leader).get(item_url(item)).status_code == 410


def test_a_removed_item_that_was_never_public_stays_unknown(client, make_item):
    item = make_item(title="Nội bộ đã gỡ", access=Access.INTERNAL, first_published_at=timezone.now(),
                     removed_at=timezone.now())
    assert client.get(item_url(item)).status_code == 404


@pytest.mark.parametrize("state", [{"live": False}, {"access": Access.INTERNAL}, {"access": Access.RESTRICTED}])
def test_non_public_items_are_not_found_by_the_public(client, make_item, state):
    item = make_item(title="Hồ sơ chưa công khai", **state)
    assert client.get(item_url(item)).status_code == 404


def test_permitted_staff_see_non_public_items_and_staff_of_another_unit_do_not(client, make_item, signed_in,
                                                                              make_person, units):
    internal = make_item(title="Tư liệu nội bộ", access=Access.INTERNAL)
    restricted = make_item(title="Tư liệu hạn chế", access=Access.RESTRICTED, owner_unit=units["TTTT"])
    assert signed_in(make_person(Role.CHUYEN_VIEN, "TTBCXB")).get(item_url(internal)).status_code == 200
    assert client.get(item_url(restricted)).status_code == 404
    assert signed_in(make_person(Role.BIEN_TAP_VIEN, "TTTT")).get(item_url(restricted)).status_code == 200


def test_the_page_is_in_english_when_the_reader_chose_english(client, make_item):
    item = make_item(title="Hoàng Sa", themes=["bien-dao"])
    client.cookies["django_language"] = "en"
    html = client.get(item_url(item)).content.decode()
    assert '<html lang="en">' in html
    assert "Sea, islands and sovereignty" in html  # the theme's English name
    assert '<h1 lang="vi">Hoàng Sa</h1>' in html


# --- citation --------------------------------------------------------------------------------

def test_citation_with_creators_and_date():
    item = Item(pk=7, title="Quần đảo Hoàng Sa", creator="Viện Sử học\nNguyễn Văn An", date=datetime.date(2014, 6, 2),
                publisher="Nhà xuất bản Hải Phòng")
    assert catalogue.citation(item, datetime.date(2025, 6, 5), "vi", url="https://thuvien.example.vn/7/") == (
        "Viện Sử học, Nguyễn Văn An (2014), Quần đảo Hoàng Sa, Nhà xuất bản Hải Phòng, "
        "truy cập ngày 05/06/2025 tại https://thuvien.example.vn/7/."
    )


def test_citation_without_creator_or_date_puts_the_title_first():
    item = Item(pk=8, title="Bản đồ cổ <An Nam>")
    assert catalogue.citation(item, datetime.date(2025, 1, 9), "vi", url="https://thuvien.example.vn/8/") == (
        "Bản đồ cổ <An Nam> (không rõ năm), truy cập ngày 09/01/2025 tại https://thuvien.example.vn/8/."
    )
    assert str(catalogue.citation_html(item, datetime.date(2025, 1, 9), "vi", url="https://x.vn/8/")) == (
        "<em>Bản đồ cổ &lt;An Nam&gt;</em> (không rõ năm), truy cập ngày 09/01/2025 tại https://x.vn/8/."
    )


def test_citation_uses_the_platforms_address_when_none_is_given(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://thuvien.haiphong.gov.vn"
    item = Item(pk=9, title="Hải đăng", creator="Sở Thông tin và Truyền thông")
    assert catalogue.citation(item, datetime.date(2025, 2, 1), "vi").endswith(
        "tại https://thuvien.haiphong.gov.vn/thu-vien/tai-lieu/9/.")


def test_the_editors_preview_renders_the_item_page_from_the_item_alone(rf, make_item):
    item = make_item(title="Bản nháp về đảo Long Châu", live=False, creator="Trần Thị Bình")
    attach(item, "long-chau.png", png_bytes(), "image/png")
    response = item.serve_preview(rf.get("/"), item.default_preview_mode)
    html = response.render().content.decode()
    assert "<h1 lang=\"vi\">Bản nháp về đảo Long Châu</h1>" in html
    assert "data-zoom" in html and "Trần Thị Bình" in html


def test_the_public_home_page_leads_to_the_library(client, db):
    body = client.get(reverse("public_home")).content.decode()
    assert "Thư viện điện tử biển, đảo" in body and reverse("library_public_home") in body
