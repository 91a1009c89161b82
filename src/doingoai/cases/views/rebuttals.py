"""Screens of the rebuttals area (see the package docstring)."""

from django.http import Http404


def public_index(request):  # filled by the rebuttals part
    raise Http404


def public_detail(request, slug):  # filled by the rebuttals part
    raise Http404
