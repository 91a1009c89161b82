"""Screens of the oai area (see the package docstring)."""

from django.http import Http404


def endpoint(request):  # filled by the part that owns this module
    raise Http404
