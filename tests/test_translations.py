"""Every user-facing string has its Japanese text, and the compiled catalogue matches it."""

import gettext
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "locale" / "ja" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(PO))


def test_every_string_has_japanese_text(catalogue):
    missing = [e.msgid for e in catalogue if not e.obsolete and not e.translated()]
    assert missing == []


def test_no_translation_is_left_fuzzy(catalogue):
    assert [e.msgid for e in catalogue if "fuzzy" in e.flags] == []


def test_compiled_catalogue_is_up_to_date(catalogue):
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in catalogue:
        if entry.obsolete or entry.msgid_plural:
            continue
        got = (
            compiled.pgettext(entry.msgctxt, entry.msgid)
            if entry.msgctxt
            else compiled.gettext(entry.msgid)
        )
        if got != entry.msgstr:
            stale.append(entry.msgid)
    assert stale == []


def test_placeholders_survive_translation(catalogue):
    import re

    pattern = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
    broken = [
        e.msgid
        for e in catalogue
        if e.translated()
        and sorted(pattern.findall(e.msgid)) != sorted(pattern.findall(e.msgstr))
        and not e.msgid_plural
    ]
    assert broken == []
