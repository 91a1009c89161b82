"""Template tags of the public catalogue: the item page's context, also for the editors'
preview (where Wagtail gives the template only the item and the request)."""

from django import template

from .. import catalogue

register = template.Library()


@register.simple_tag(takes_context=True)
def catalogue_item(context, item):
    """``{% catalogue_item object as page %}``: what the item page shows (``catalogue.item_context``)."""
    return catalogue.item_context(item, context.get("request"))
