"""A small plan of three tasks, built through the same service the importer uses."""

import datetime
from types import SimpleNamespace as NS

import pytest

from doingoai.core.models import Role
from doingoai.plans import services
from doingoai.plans.timeline import Timeline


def unit(code, name):
    return NS(code=code, name=name, is_new=False)


@pytest.fixture
def parsed_plan():
    doc = NS(number="14/KH-STTTT", kind="Kế hoạch", date=datetime.date(2025, 2, 18),
             title="Kế hoạch Công tác thông tin đối ngoại ngành Thông tin và Truyền thông năm 2025",
             issuer="SỞ THÔNG TIN VÀ TRUYỀN THÔNG", issuer_parent="UBND THÀNH PHỐ HẢI PHÒNG", place="Hải Phòng",
             basis=[], recipients=["UBND TP (để b/c)"], signer=NS(title="GIÁM ĐỐC", name="Phạm Văn Tuấn"))
    ttbcxb = unit("TTBCXB", "Phòng Thông tin – Báo chí – Xuất bản")
    tttt = unit("TTTT", "Trung tâm Thông tin và Truyền thông")
    tts = unit("TTS", "Thanh tra Sở")
    tasks = [
        NS(no=1, title="Thông tin về chủ trương, đường lối của Đảng", content=["Chỉ đạo các cơ quan báo chí"],
           lead=ttbcxb, coordinators=[tttt], and_related_units=True,
           timeline=Timeline("Thường xuyên", "continuous", datetime.date(2025, 1, 1), datetime.date(2025, 12, 31), True)),
        NS(no=2, title="Xây dựng thư viện điện tử về biển, đảo", content=[], lead=tttt, coordinators=[ttbcxb, tts],
           and_related_units=False,
           timeline=Timeline("Trước ngày 10/5/2025", "before", None, datetime.date(2025, 5, 10))),
        NS(no=3, title="Xử lý thông tin sai sự thật", content=[], lead=tts,
           coordinators=[ttbcxb, NS(code=None, name="Công an thành phố", is_new=True)], and_related_units=False,
           timeline=Timeline("Quý II/2025", "quarter", datetime.date(2025, 4, 1), datetime.date(2025, 6, 30))),
    ]
    return NS(document=doc, tasks=tasks)


@pytest.fixture
def plan(units, parsed_plan):
    return services.save_parsed_plan(parsed_plan, owner_unit=units["TTBCXB"])


@pytest.fixture
def people(make_person):
    return {
        "head": make_person(Role.TRUONG_DON_VI, "TTBCXB", username="truongphong"),
        "specialist": make_person(Role.CHUYEN_VIEN, "TTBCXB", username="chuyenvien"),
        "editor": make_person(Role.BIEN_TAP_VIEN, "TTTT", username="bientap"),
        "inspector": make_person(Role.THANH_TRA_VIEN, "TTS", username="thanhtra"),
        "leader": make_person(Role.LANH_DAO, "BGD", username="lanhdao"),
        "admin": make_person(Role.QUAN_TRI, "VPS", username="quantri"),
    }
