from django.shortcuts import render

from .. import public_links


def home(request):
    return render(request, "core/public_home.html", {"links": public_links.links()})
