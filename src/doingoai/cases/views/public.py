"""Screens of the public area (see the package docstring)."""

from django.http import Http404


def report_form(request):  # filled by the cases part
    raise Http404


def report_receipt(request, receipt):  # filled by the cases part
    raise Http404
