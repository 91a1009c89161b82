"""How the review area extends the staff UI: the re-review queue, the review and removal
forms, the removed items, their menu entries and the dashboard's count of items due."""

from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from doingoai.core import dashboard

from .. import review
from ..access import can_use
from ..views import review as views
from .menu import LibraryMenuItem


@hooks.register("register_admin_urls")
def admin_urls():
    return [
        path("thu-vien/ra-soat/", views.queue, name="library_review_queue"),
        path("thu-vien/ra-soat/<int:pk>/", views.review_item, name="library_review_item"),
        path("thu-vien/go-bo/<int:pk>/", views.remove, name="library_remove"),
        path("thu-vien/da-go-bo/", views.removed, name="library_removed"),
    ]


@hooks.register("register_library_menu_item")
def queue_menu():
    return LibraryMenuItem(_("Rà soát lại"), reverse("library_review_queue"), icon_name="tasks", order=50)


@hooks.register("register_library_menu_item")
def removed_menu():
    return LibraryMenuItem(_("Tài liệu đã gỡ bỏ"), reverse("library_removed"), icon_name="bin", order=60)


@dashboard.register_counter
def items_due_for_review(user):
    if not can_use(user):
        return []
    return [dashboard.Counter(label=gettext("Tài liệu thư viện chờ rà soát lại"), value=review.due_count(),
                              url=reverse("library_review_queue"))]
