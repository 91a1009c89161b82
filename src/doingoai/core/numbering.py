"""Numbers of outgoing documents, taken from the register (sổ văn bản đi).

"05/BC-STTTT": the fifth report of the year. A number is taken in the same transaction as
the document that carries it, so a failed issue gives its number back."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from .models import DocumentRegister


def format_number(number: int, symbol: str) -> str:
    return f"{number:02d}/{symbol}"


@transaction.atomic
def take_number(symbol: str, year: int) -> str:
    try:
        with transaction.atomic():
            DocumentRegister.objects.get_or_create(year=year, symbol=symbol)
    except IntegrityError:  # created at the same moment by another process
        pass
    register = DocumentRegister.objects.select_for_update().get(year=year, symbol=symbol)
    register.last_number += 1
    register.save(update_fields=["last_number"])
    return format_number(register.last_number, symbol)
