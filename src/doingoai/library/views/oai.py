"""The OAI-PMH 2.0 endpoint (``/oai``): GET or POST (form-encoded) arguments in, the XML of
``oai.handle`` out. Open to everybody (harvesters do not sign in); no CSRF token for POST,
since nothing is changed."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .. import oai


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def endpoint(request):
    data = request.POST if request.method == "POST" else request.GET
    params = [(key, value) for key, values in data.lists() for value in values]
    body = oai.handle(params, request.build_absolute_uri(reverse("library_oai")))
    return HttpResponse(body, content_type="text/xml; charset=utf-8")
