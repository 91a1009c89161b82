"""The page "Tải lên tài liệu" in a real browser: two files chosen at once are sent one by one
with their own progress; the good one becomes a draft (its line leads to its editor), the
one stamped MẬT shows the refusal, and the batch goes on."""

import pytest
import weasyprint
from playwright.sync_api import expect

from doingoai.core.models import Role
from doingoai.library import publishing
from doingoai.library.models import Item
from tests.e2e.test_plans import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_batch_is_sent_file_by_file_with_a_line_for_each(live_server, page, make_person, tmp_path):  # noqa: F811
    publishing.ensure_workflow()
    make_person(Role.CHUYEN_VIEN, "TTTT", username="chuyenvien")
    good = tmp_path / "bach-long-vi.pdf"
    good.write_bytes(weasyprint.HTML(string="<h1>Huyện đảo Bạch Long Vĩ</h1><p>Đảo tiền tiêu giữa vịnh Bắc Bộ."
                                            "</p>").write_pdf())
    secret = tmp_path / "tuan-tra.pdf"
    secret.write_bytes(weasyprint.HTML(string="<p>MẬT</p><p>Kế hoạch tuần tra trên biển</p>").write_pdf())

    base = live_server.url
    sign_in(page, base, "chuyenvien")
    page.goto(f"{base}/admin/thu-vien/tai-len/")
    page.set_input_files("#library-upload-files", [str(good), str(secret)])

    rows = page.locator("[data-results] tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_attribute("data-state", "done")
    expect(rows.nth(1)).to_have_attribute("data-state", "refused")
    expect(rows.nth(1)).to_contain_text("MẬT")
    item = Item.objects.get()
    link = rows.nth(0).get_by_role("link")
    expect(link).to_contain_text(item.title)
    link.click()
    page.wait_for_url(f"{base}/admin/thu-vien/tai-lieu/edit/{item.pk}/")
    expect(page.locator("[data-panel-heading-text]", has_text="Mô tả (Dublin Core)")).to_be_visible()
