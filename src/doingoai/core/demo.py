"""Demo data for ``make run``: the reference units, the organisation and one person per role.

Idempotent: a second run keeps existing data and people (and their changed passwords)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from . import context, seed
from .models import Membership, Role, Unit

DEMO_PASSWORD = "Doingoai@2025"


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    unit: str
    role: str


DEMO_PEOPLE = [
    DemoPerson("lanhdao", "Phạm Văn", "Tuấn", "BGD", Role.LANH_DAO),
    DemoPerson("truongphong", "Nguyễn Thị", "Hương", "TTBCXB", Role.TRUONG_DON_VI),
    DemoPerson("chuyenvien", "Trần Minh", "Đức", "TTBCXB", Role.CHUYEN_VIEN),
    DemoPerson("bientap", "Lê Thu", "Trang", "TTTT", Role.BIEN_TAP_VIEN),
    DemoPerson("kiemduyet", "Vũ Quang", "Hải", "TTTT", Role.KIEM_DUYET_VIEN),
    DemoPerson("thanhtra", "Đỗ Thị", "Lan", "TTS", Role.THANH_TRA_VIEN),
    DemoPerson("quantri", "Hoàng Anh", "Dũng", "VPS", Role.QUAN_TRI),
]


_loaders: list[tuple[int, object]] = []


def loader(order: int = 100):
    """Register a module's demo loader (``demo.py`` of an app); it runs after the people exist,
    in ``order``, and must be idempotent."""

    def decorate(func):
        _loaders.append((order, func))
        return func

    return decorate


def run_module_loaders(log=print) -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("demo")
    for _, func in sorted(_loaders, key=lambda item: item[0]):
        with context.acting_as(via="command"):
            message = func()
        if message:
            log(message)


@transaction.atomic
def load() -> list[tuple[DemoPerson, bool]]:
    """Load the units and demo people; returns each demo person with whether it was created now."""
    with context.acting_as(via="command"):
        seed.load_organisation()
        seed.load_units()
        User = get_user_model()
        people = []
        for person in DEMO_PEOPLE:
            user, created = User.objects.get_or_create(
                username=person.username,
                defaults={"first_name": person.first_name, "last_name": person.last_name,
                          "email": f"{person.username}@doingoai.invalid"},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            Membership.objects.get_or_create(user=user, unit=Unit.objects.get(code=person.unit), role=person.role)
            people.append((person, created))
        return people
