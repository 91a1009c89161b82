"""The translation catalogues shipped in the repository are complete and compiled."""

import gettext
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "src/doingoai/locale"
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: f"{p.parts[-3]}/{p.name}")
def test_every_entry_is_translated_and_the_mo_file_is_up_to_date(po_path):
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po if not e.obsolete and not e.translated()]
    assert untranslated == [], f"{po_path.name}: untranslated {untranslated[:5]}"
    with open(po_path.with_suffix(".mo"), "rb") as fh:
        mo = gettext.GNUTranslations(fh)
    stale = []
    for entry in po:
        if entry.obsolete or entry.msgid_plural:
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if mo._catalog.get(key) != entry.msgstr:
            stale.append(entry.msgid)
    assert stale == [], f"{po_path.name} changed since the .mo was compiled (make messages): {stale[:5]}"


def test_there_is_a_vietnamese_and_an_english_catalogue():
    assert {p.parts[-3] for p in CATALOGUES} == {"vi", "en"}
