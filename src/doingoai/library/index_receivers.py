"""Keeps the catalogue index in step with the items: a saved, published, unpublished, removed or
deleted item, a change of its pages of text or of its collections is indexed again once the
transaction commits (once per item and transaction, however many saves it made).

Imported by ``LibraryConfig.ready()`` in every process. Bulk writes that bypass signals
(``bulk_create``, ``QuerySet.update``) must call ``search.index_item_ids`` themselves."""

from __future__ import annotations

import threading

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import published, unpublished

from . import search
from .models import Item, ItemPage

# Fields of an item that the index reads: a save of other fields only (a lock, the latest
# revision, the processing progress) leaves the index alone.
INDEXED_FIELDS = frozenset({
    "kind", "title", "creator", "subject", "description", "publisher", "contributor", "date", "identifier",
    "source", "language", "relation", "coverage", "rights", "themes", "access", "text", "live",
    "first_published_at", "removed_at",
})

_local = threading.local()


class _Batch:
    def __init__(self):
        self.ids: set[int] = set()

    def flush(self):
        if getattr(_local, "batch", None) is self:
            _local.batch = None
        ids, self.ids = self.ids, set()
        if ids:
            search.index_item_ids(ids)


def schedule(item_id: int | None) -> None:
    """Index this item again when the current transaction commits (now, outside one)."""
    if item_id is None:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        search.index_item_ids([item_id])
        return
    batch = getattr(_local, "batch", None)
    # A batch whose callback went with a rolled-back transaction is not used again.
    if batch is None or not any(entry[1] == batch.flush for entry in connection.run_on_commit):
        batch = _local.batch = _Batch()
        transaction.on_commit(batch.flush)
    batch.ids.add(int(item_id))


@receiver(post_save, sender=Item, dispatch_uid="library_index_item_saved")
def item_saved(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw:
        return
    if update_fields is not None and not (set(update_fields) & INDEXED_FIELDS):
        return
    schedule(instance.pk)


@receiver(post_delete, sender=Item, dispatch_uid="library_index_item_deleted")
def item_deleted(sender, instance, **kwargs):
    schedule(instance.pk)  # gone from the database: index_item_ids takes it out of the index


@receiver(published, dispatch_uid="library_index_item_published")
@receiver(unpublished, dispatch_uid="library_index_item_unpublished")
def item_published_or_unpublished(sender, instance, **kwargs):
    if isinstance(instance, Item):
        schedule(instance.pk)


@receiver(post_save, sender=ItemPage, dispatch_uid="library_index_page_saved")
@receiver(post_delete, sender=ItemPage, dispatch_uid="library_index_page_deleted")
def page_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule(instance.item_id)


@receiver(m2m_changed, sender=Item.collections.through, dispatch_uid="library_index_collections")
def collections_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            schedule(instance.pk)
    elif action == "pre_clear":  # a collection emptied: its items, before they leave it
        for item_id in instance.items.values_list("pk", flat=True):
            schedule(item_id)
    elif action in ("post_add", "post_remove"):
        for item_id in pk_set or ():
            schedule(item_id)
