"""Screens of the files area (see the package docstring)."""

from django.http import Http404


def download(request, pk, name):  # filled by the part that owns this module
    raise Http404
