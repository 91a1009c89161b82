"""How the items area extends the staff UI: items as a Wagtail snippet (drafts, revisions and
their comparison, locking, scheduled publishing, the workflow "Duyệt tài liệu thư viện"),
collections, "Thêm vào thư viện" on a monitored article and on the argument library, the
"Gỡ bỏ" action of a published item, and the items waiting for the person's approval."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.action_menu import ActionMenuItem, UnpublishMenuItem, WorkflowMenuItem
from wagtail.snippets.models import register_snippet

from doingoai.core import dashboard
from doingoai.core.responses import forbidden
from doingoai.monitoring.actions import Action

from .. import publishing, review
from ..access import can_use
from ..models import Item
from ..views import items as views
from ..viewsets import CollectionViewSet, ItemViewSet, items_for
from .menu import LibraryMenuItem

register_snippet(ItemViewSet)


@hooks.register("register_admin_viewset")
def collection_viewset():
    return CollectionViewSet()


@hooks.register("register_admin_urls")
def admin_urls():
    return [
        path("thu-vien/tu-bai-bao/<int:article_pk>/them/", views.from_article, name="library_from_article"),
        path("thu-vien/tu-lieu/<int:argument_pk>/them/", views.from_argument, name="library_from_argument"),
        path("thu-vien/tu-lieu/", views.arguments, name="library_arguments"),
    ]


@hooks.register("register_library_menu_item")
def items_menu():
    return LibraryMenuItem(_("Tài liệu"), reverse(Item.snippet_viewset.get_url_name("list")),
                           icon_name="doc-full-inverse", order=10)


@hooks.register("register_library_menu_item")
def collections_menu():
    return LibraryMenuItem(_("Bộ sưu tập"), reverse("library_collections:index"), icon_name="folder-open-inverse",
                           order=40)


@hooks.register("register_library_menu_item")
def arguments_menu():
    return LibraryMenuItem(_("Thêm từ tư liệu, lập luận"), reverse("library_arguments"), icon_name="doc-full",
                           order=30)


# --- "Thêm vào thư viện" on the page of an article ----------------------------------------------

@hooks.register("register_monitoring_action")
def add_to_library_action(request, obj):
    from doingoai.monitoring.models import Article

    if not isinstance(obj, Article) or not can_use(request.user):
        return []
    return [Action(gettext("Thêm vào thư viện"), reverse("library_from_article", args=[obj.pk]), post=True,
                   icon="doc-full-inverse")]


# --- the editor: "Gỡ bỏ", no plain unpublish, four eyes on each step ----------------------------

class RemoveMenuItem(ActionMenuItem):
    name = "action-remove"
    label = _("Gỡ bỏ")
    icon_name = "bin"
    order = 25

    def is_shown(self, context):
        instance = context.get("instance")
        if context.get("view") != "edit" or instance is None:
            return False
        return instance.removed_at is None and (instance.live or publishing.status(instance)[0] == "scheduled") \
            and review.can_remove(context["request"].user)

    def get_url(self, parent_context):
        return reverse("library_remove", args=[parent_context["instance"].pk])


@hooks.register("register_snippet_action_menu_item")
def remove_menu_item(model):
    return RemoveMenuItem() if model is Item else None


@hooks.register("construct_snippet_action_menu")
def item_action_menu(menu_items, request, context):
    if context.get("model") is not Item:
        return
    instance = context.get("instance")
    barred = instance is not None and not publishing.may_act(instance, request.user)
    menu_items[:] = [
        m for m in menu_items
        if not isinstance(m, UnpublishMenuItem) and not (barred and isinstance(m, WorkflowMenuItem))
    ]


@hooks.register("before_edit_snippet")
def refuse_removed_or_hidden(request, instance):
    if not isinstance(instance, Item):
        return None
    if instance.removed_at is not None:
        messages.error(request, gettext("Tài liệu «%(title)s» đã bị gỡ bỏ; không sửa hay xuất bản lại được.")
                       % {"title": instance.title})
        return redirect("library_removed")
    if not items_for(request.user).filter(pk=instance.pk).exists():
        return forbidden(request, gettext("Tài liệu này chỉ dành cho các đơn vị được chỉ định."))
    return None


@hooks.register("before_publish")
def refuse_publishing_removed(request, instance):
    if isinstance(instance, Item) and Item.objects.filter(pk=instance.pk, removed_at__isnull=False).exists():
        messages.error(request, str(publishing.RemovedItemError(instance)))
        return redirect("library_removed")
    return None


@hooks.register("before_delete_snippet")
def refuse_deleting_published(request, instances):
    kept = [i for i in instances if isinstance(i, Item) and (i.first_published_at or i.removed_at or i.live)]
    if kept:
        messages.error(request, gettext("Tài liệu đã từng xuất bản không bị xóa: gỡ bỏ nó (có lý do và căn cứ "
                                        "pháp lý) để giữ lại thông báo gỡ bỏ."))
        return redirect(Item.snippet_viewset.get_url_name("list"))
    return None


@hooks.register("register_snippet_listing_buttons")
def item_listing_buttons(snippet, user, next_url=None):
    if not isinstance(snippet, Item) or snippet.removed_at is not None or not review.can_remove(user):
        return []
    if not snippet.live:
        return []
    return [
        ListingButton(gettext("Rà soát"), reverse("library_review_item", args=[snippet.pk]), icon_name="tasks",
                      priority=60),
        ListingButton(gettext("Gỡ bỏ"), reverse("library_remove", args=[snippet.pk]), icon_name="bin",
                      priority=70),
    ]


# --- the dashboard ------------------------------------------------------------------------------

@dashboard.register_open_work
def items_to_approve(user):
    if not can_use(user):
        return []
    return [
        dashboard.WorkItem(
            title=item.title, url=reverse(Item.snippet_viewset.get_url_name("edit"), args=[item.pk]),
            module=gettext("Thư viện điện tử"), status=gettext("Chờ duyệt: %(task)s") % {"task": state.task.name},
        )
        for item, state in publishing.in_my_tasks(user)[:20]
    ]
