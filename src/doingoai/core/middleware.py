"""Request-level rules: language, who acts (for the audit log), idle timeout, two-factor."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from . import context, permissions


class LanguageMiddleware:
    """Vietnamese unless the person chose English (cookie set by the language switch or her
    Wagtail account preference); browsers' Accept-Language is not followed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        lang = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, settings.LANGUAGE_CODE)
        if lang not in dict(settings.LANGUAGES):
            lang = settings.LANGUAGE_CODE
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        try:
            response = self.get_response(request)
            response.headers.setdefault("Content-Language", translation.get_language())
            return response
        finally:
            # The thread serves the next request (or test, or job) in the default language.
            translation.deactivate()


def client_ip(request) -> str:
    count = getattr(settings, "AXES_IPWARE_PROXY_COUNT", None) or 0
    if count:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.audit_ip = client_ip(request)
        user = request.user if request.user.is_authenticated else None
        with context.acting_as(user=user, ip_address=request.audit_ip, via="web"):
            return self.get_response(request)


class IdleTimeoutMiddleware:
    """Signs out a person idle for longer than IDLE_TIMEOUT_SECONDS."""

    KEY = "doingoai_last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(self.KEY, now)
            if now - last > settings.IDLE_TIMEOUT_SECONDS:
                logout(request)
                messages.warning(request, _("Phiên làm việc đã kết thúc vì không hoạt động quá lâu. Xin đăng nhập lại."))
                return redirect(f"{reverse('wagtailadmin_login')}?next={request.path}")
            if now - last >= 30 or self.KEY not in request.session:
                request.session[self.KEY] = now
        return self.get_response(request)


class TwoFactorMiddleware:
    """In the staff UI, a person with a TOTP device must enter a code after signing in; a
    person whose role requires two-factor and who has no device is sent to set one up."""

    OPEN_PREFIXES = ("/admin/login/", "/admin/logout/", "/admin/bao-mat/", "/admin/jsi18n/", "/static/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        path = request.path
        if (
            user.is_authenticated
            and path.startswith("/admin/")
            and not path.startswith(self.OPEN_PREFIXES)
            and not user.is_verified()
        ):
            from django_otp.plugins.otp_totp.models import TOTPDevice

            has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
            if has_device:
                return redirect(f"{reverse('doingoai_2fa_verify')}?next={path}")
            if permissions.needs_two_factor(user):
                return redirect(f"{reverse('doingoai_2fa_setup')}?next={path}")
        return self.get_response(request)
