"""Screens of the public area (no sign-in): the form through which anyone reports false
information at an address, and the receipt it gives back.

A sender gets a receipt number; the same address reported again joins the case already open.
Each network address may send ``DOINGOAI_REPORTS_PER_HOUR`` reports an hour (only a salted hash
of it is kept); a field hidden from people catches robots."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_protect

from doingoai.core import public_links
from doingoai.core.middleware import client_ip

from .. import services
from ..forms import ReportForm
from ..models import PublicReport

public_links.register(public_links.PublicLink(
    title=gettext_lazy("Phản ánh thông tin sai sự thật"),
    url=reverse_lazy("cases_public_report"),
    description=gettext_lazy("Gửi cho Sở địa chỉ một bài viết, bài đăng có thông tin sai sự thật, xuyên tạc về "
                             "thành phố; anh/chị nhận mã tiếp nhận để theo dõi."),
    order=80,
))


@csrf_protect
def report_form(request):
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_bot():
            refused = _("Không tiếp nhận được phản ánh này. Nếu anh/chị là người gửi, xin để trống ô "
                        "“Để trống ô này” của biểu mẫu rồi gửi lại.")
            return render(request, "cases/public/report.html", {"form": ReportForm(), "refused": refused},
                          status=400)
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = services.submit_report(url=data["url"], description=data["description"],
                                                contact=data["contact"], address=client_ip(request))
            except services.TooManyReports:
                form.add_error(None, _(
                    "Anh/chị đã gửi %(n)s phản ánh trong một giờ qua, là số tối đa cho phép. Xin gửi lại sau ít "
                    "phút; nội dung đã nhập vẫn còn trên biểu mẫu.") % {"n": settings.DOINGOAI_REPORTS_PER_HOUR})
                status = 429
            except ValidationError as exc:
                form.add_error(None, " ".join(exc.messages))
                status = 400
            else:
                return redirect("cases_public_receipt", receipt=report.receipt)
        else:
            status = 400
    return render(request, "cases/public/report.html", {"form": form}, status=status)


def report_receipt(request, receipt):
    report = get_object_or_404(PublicReport.objects.select_related("case"), receipt=receipt)
    return render(request, "cases/public/report_receipt.html", {
        "report": report, "status": services.report_status(report),
    })
