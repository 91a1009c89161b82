"""Two-factor sign-in with TOTP (django-otp): setting up a device and entering a code."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .. import audit, permissions

THROTTLED = gettext_lazy("Đã nhập sai nhiều lần. Xin đợi vài giây rồi nhập mã mới.")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Mã xác thực 6 chữ số"),
        min_length=6, max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise forms.ValidationError(_("Mã xác thực gồm 6 chữ số."))
        return code


def _next(request) -> str:
    target = request.GET.get("next") or request.POST.get("next") or "/admin/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return "/admin/"
    return target


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def setup(request):
    user = request.user
    if not user.is_authenticated:
        return redirect("wagtailadmin_login")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Ứng dụng xác thực"), confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not device.verify_is_allowed()[0]:
            form.add_error("code", THROTTLED)
        elif device.verify_token(form.cleaned_data["code"]):
            TOTPDevice.objects.filter(user=user, confirmed=True).delete()
            device.confirmed = True
            device.save()
            otp_login(request, device)
            audit.record("2fa-enabled", user, user=user)
            messages.success(request, _("Đã bật xác thực hai lớp cho tài khoản."))
            return redirect(_next(request))
        else:
            form.add_error("code", _("Mã không đúng. Kiểm tra giờ trên điện thoại và nhập mã mới nhất."))
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(request, "core/two_factor_setup.html", {
        "form": form,
        "qr": _qr_svg(device.config_url),
        "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        "required": permissions.needs_two_factor(user),
        "next": _next(request),
    })


def verify(request):
    user = request.user
    if not user.is_authenticated:
        return redirect("wagtailadmin_login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
        if devices and not any(d.verify_is_allowed()[0] for d in devices):
            form.add_error("code", THROTTLED)
        else:
            for device in devices:
                if device.verify_token(form.cleaned_data["code"]):
                    otp_login(request, device)
                    return redirect(_next(request))
            audit.record("2fa-failed", user, user=user)
            form.add_error("code", _("Mã không đúng hoặc đã hết hạn."))
    return render(request, "core/two_factor_verify.html", {"form": form, "next": _next(request)})
