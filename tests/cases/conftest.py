"""People of the cases app: an inspector (Thanh tra Sở), the head of the inspectorate, a
leader of the department, a specialist of the press division, and someone outside."""

import pytest

from doingoai.core.models import Role


@pytest.fixture
def inspector(make_person):
    return make_person(Role.THANH_TRA_VIEN, "TTS", username="thanhtra")


@pytest.fixture
def chief_inspector(make_person):
    return make_person(Role.TRUONG_DON_VI, "TTS", username="chanhthanhtra")


@pytest.fixture
def leader(make_person):
    return make_person(Role.LANH_DAO, "BGD", username="lanhdao")


@pytest.fixture
def press_specialist(make_person):
    return make_person(Role.CHUYEN_VIEN, "TTBCXB", username="chuyenvien")


@pytest.fixture
def outsider(make_person):
    return make_person(Role.CHUYEN_VIEN, "VPS", username="vanphong")
