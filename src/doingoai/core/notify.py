"""Sending word to people: e-mail now; in-app notifications join here as modules need them."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from .models import Notification, Role

logger = logging.getLogger("doingoai.notify")


def email(users, subject: str, body: str) -> int:
    recipients = sorted({u.email for u in users if u.email})
    if not recipients:
        return 0
    return send_mail(f"[doingoai] {subject}", body, settings.DEFAULT_FROM_EMAIL, recipients)


def system_admins(subject: str, body: str) -> int:
    logger.warning("%s: %s", subject, body)
    admins = get_user_model().objects.filter(is_active=True, memberships__role=Role.QUAN_TRI).distinct()
    return email(admins, subject, body)


def in_app(users, title: str, body: str = "", url: str = "", key: str = "") -> int:
    """A notification in the staff UI for each of ``users``; with ``key``, once per person."""
    sent = 0
    for user in {u.pk: u for u in users if u.is_active}.values():
        try:
            with transaction.atomic():
                Notification.objects.create(user=user, title=title[:255], body=body, url=url, key=key)
            sent += 1
        except IntegrityError:  # already told
            pass
    return sent


def unread(user, limit: int = 10):
    return Notification.objects.filter(user=user, read_at__isnull=True)[:limit]
