"""How the uploads area extends the staff UI: the page "Tải lên tài liệu", the view that takes
one file, the status of an item's processing, and the menu entry."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from ..views import uploads as views
from .menu import LibraryMenuItem


@hooks.register("register_admin_urls")
def admin_urls():
    return [
        path("thu-vien/tai-len/", views.upload_page, name="library_upload"),
        path("thu-vien/tai-len/tep/", views.upload_file, name="library_upload_file"),
        path("thu-vien/tai-lieu/<int:pk>/tinh-trang/", views.item_status, name="library_item_status"),
    ]


class UploadMenuItem(LibraryMenuItem):
    def is_shown(self, request):
        return views.can_upload(request.user)


@hooks.register("register_library_menu_item")
def upload_menu():
    return UploadMenuItem(_("Tải lên tài liệu"), reverse("library_upload"), icon_name="upload", order=20)
