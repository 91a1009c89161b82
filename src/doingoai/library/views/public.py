"""Screens of the public area (see the package docstring)."""

from django.http import Http404


def home(request):  # filled by the part that owns this module
    raise Http404


def search(request):  # filled by the part that owns this module
    raise Http404


def collection(request, slug):  # filled by the part that owns this module
    raise Http404


def item(request, pk):  # filled by the part that owns this module
    raise Http404
