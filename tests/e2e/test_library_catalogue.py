"""A reader on a phone: she searches the sea-and-islands library for "bien dao" typed without
diacritics, narrows the results to books with the keyboard alone, opens the item and copies
its share link. The page fits a 375 px wide screen."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from doingoai.library import search
from doingoai.library.models import Access, Collection, Item, Kind
from tests.library.test_catalogue_fixtures import attach, pdf_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def library(db):
    sea = Collection.objects.create(name="Biển đảo Hải Phòng", slug="bien-dao-hai-phong")
    book = Item.objects.create(
        title="Biển đảo Bạch Long Vĩ qua tư liệu", kind=Kind.BOOK, live=True, access=Access.PUBLIC,
        creator="Viện Sử học", date=datetime.date(2016, 4, 30), publisher="Nhà xuất bản Hải Phòng",
        text="Ngư dân Bạch Long Vĩ bám biển, giữ gìn chủ quyền biển đảo của Tổ quốc.", themes=["bien-dao"],
    )
    book.collections.add(sea)
    attach(book, "bach-long-vi.pdf", pdf_bytes(), "application/pdf")
    Item.objects.create(title="Ảnh biển đảo Cát Bà", kind=Kind.IMAGE, live=True, access=Access.PUBLIC,
                        text="Vịnh Lan Hạ, biển đảo Cát Bà.")
    Item.objects.create(title="Biển đảo – hồ sơ nội bộ", kind=Kind.BOOK, live=True, access=Access.INTERNAL)
    search.rebuild()  # the index is not emptied between browser tests: start from the items here
    return book


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 375, "height": 812},
        is_mobile=True, has_touch=True, device_scale_factor=2,
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def tab_to(page, locator, most: int = 40) -> None:
    for _ in range(most):
        page.keyboard.press("Tab")
        if locator.evaluate("el => el === document.activeElement"):
            return
    pytest.fail(f"{locator} is not reachable with Tab")


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_reader_on_a_phone_searches_filters_by_keyboard_opens_and_shares(live_server, phone, library):
    page = phone
    page.goto(f"{live_server.url}/thu-vien/")
    expect(page.get_by_role("heading", name="Thư viện điện tử biển, đảo", level=1)).to_be_visible()
    assert fits_the_screen(page)

    # Typed without diacritics: both public items, highlighted; the internal one is not there.
    page.get_by_label("Tìm trong thư viện").fill("bien dao")
    page.keyboard.press("Enter")
    expect(page.locator("[data-total]")).to_have_text("2")
    expect(page.locator(".results mark").first).to_have_text(re.compile("Biển đảo", re.I))
    expect(page.get_by_text("hồ sơ nội bộ")).to_have_count(0)
    assert fits_the_screen(page)

    # Keyboard only: on a phone the facets are folded; Tab to "Lọc kết quả", Enter unfolds them,
    # Tab to "Sách", Space ticks it; the results narrow to it and the focus comes back to the box.
    expect(page.locator("details[data-facets]")).not_to_have_attribute("open", "")
    tab_to(page, page.locator("details[data-facets] summary"))
    page.keyboard.press("Enter")
    books = page.get_by_role("checkbox", name=re.compile("^Sách"))
    tab_to(page, books)
    page.keyboard.press("Space")
    expect(page.locator("[data-total]")).to_have_text("1")
    expect(books).to_be_checked()
    expect(books).to_be_focused()
    assert "kind=book" in page.url

    # She opens the book: the PDF viewer and its fallback link, the citation, the share link.
    page.get_by_role("link", name=re.compile("Bạch Long Vĩ qua tư liệu")).focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()  # its script (copy buttons, zoom) has run
    expect(page.get_by_role("heading", name="Biển đảo Bạch Long Vĩ qua tư liệu", level=1)).to_be_visible()
    expect(page.locator("iframe[title^='Tài liệu PDF']")).to_be_attached()
    expect(page.get_by_role("link", name=re.compile("Tải PDF"))).to_be_visible()
    expect(page.locator(".citation")).to_contain_text("Viện Sử học (2016), Biển đảo Bạch Long Vĩ qua tư liệu")
    assert fits_the_screen(page)

    page.bring_to_front()  # the Clipboard API writes only from the focused page
    page.get_by_role("button", name="Sao chép liên kết").click()
    link = f"{live_server.url}/thu-vien/tai-lieu/{library.pk}/"
    expect(page.get_by_label("Liên kết đến tài liệu")).to_have_value(link)
    said = page.get_by_role("status").filter(has_text=re.compile("sao chép", re.IGNORECASE))
    expect(said).to_be_visible()
    if "Đã sao chép liên kết." in said.inner_text():
        assert page.evaluate("navigator.clipboard.readText()") == link
    else:  # a browser that refuses the clipboard: the link is selected for Ctrl+C, and she is told so
        expect(said).to_have_text(re.compile("liên kết đã được chọn"))
        assert page.evaluate("""() => { const f = document.activeElement;
            return f.id === 'share-url' && f.selectionStart === 0 && f.selectionEnd === f.value.length; }""")


def test_an_image_zooms_with_the_buttons_and_the_keyboard(live_server, page, db):
    from tests.library.test_catalogue_fixtures import png_bytes

    item = Item.objects.create(title="Ngọn hải đăng Long Châu", kind=Kind.IMAGE, live=True, access=Access.PUBLIC)
    attach(item, "hai-dang.png", png_bytes(400, 300), "image/png", width=400, height=300)
    page.goto(f"{live_server.url}/thu-vien/tai-lieu/{item.pk}/")
    image = page.get_by_role("img", name="Ngọn hải đăng Long Châu")
    expect(image).to_be_visible()

    page.get_by_role("button", name="Phóng to ảnh").click()
    expect(image).to_have_attribute("style", re.compile(r"scale\(1\.5\)"))
    page.locator(".zoom-frame").focus()
    page.keyboard.press("+")
    expect(image).to_have_attribute("style", re.compile(r"scale\(2\.25\)"))
    page.keyboard.press("-")
    expect(image).to_have_attribute("style", re.compile(r"scale\(1\.5\)"))
    page.keyboard.press("0")
    expect(image).not_to_have_attribute("style", re.compile("scale"))
