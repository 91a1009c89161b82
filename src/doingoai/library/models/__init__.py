"""The data of the library app."""

from .items import Access, Collection, Item, ItemFile, ItemPage, Kind, ProcessingState, Review  # noqa: F401
