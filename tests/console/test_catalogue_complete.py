"""Every msgid the code uses has a real zh-Hans translation, and no help text mixes the languages.

Django's own extraction (`manage.py makemessages`) runs over a copy of the sources in a temporary
directory, so the repository is never touched; its msgids are then looked up in the committed
catalogue, where each must be present, translated and not fuzzy.
"""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
SOURCES = ["accounts", "connections", "console", "hostedlogin", "oidc", "scanlogin", "tenants", "templates", "wechatsim"]
HAN = re.compile(r"[\u4e00-\u9fff]")


def parse_po(text_or_path: str) -> dict[tuple[str, str], dict]:
    """{(msgctxt, msgid): {"strs": [msgstr…], "fuzzy": bool}} of the live (not obsolete) entries (polib)."""
    return {(e.msgctxt or "", e.msgid): {"strs": [e.msgstr] if not e.msgid_plural else list(e.msgstr_plural.values()),
                                          "fuzzy": "fuzzy" in e.flags}
            for e in polib.pofile(text_or_path) if not e.obsolete}


def extracted_msgids(tmp_path: Path) -> set[tuple[str, str]]:
    """The msgids `makemessages` finds in a copy of the sources (settings resolve LOCALE_PATHS inside the copy)."""
    copy = tmp_path / "src"
    for name in SOURCES:
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "migrations"))
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    (copy / "locale").mkdir()
    result = subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-location", "-v", "0"],
                            cwd=copy, capture_output=True, text=True, timeout=300,
                            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(copy), "DJANGO_SETTINGS_MODULE": "scanlogin.settings",
                                 "DEBUG": "true"})
    assert result.returncode == 0, result.stderr
    made = copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    return {key for key in parse_po(str(made)) if key[1]}


def test_the_reading_of_entries_fuzzy_flags_and_plurals():
    text = ('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n#, fuzzy\nmsgid "a"\nmsgstr "甲"\n\nmsgctxt "c"\nmsgid "b\\n"\n"c"\nmsgstr ""\n\n'
            'msgid "one"\nmsgid_plural "many"\nmsgstr[0] "多"\n\n#~ msgid "old"\n#~ msgstr "旧"\n')
    entries = parse_po(text)
    assert entries[("", "a")] == {"strs": ["甲"], "fuzzy": True}
    assert entries[("c", "b\nc")] == {"strs": [""], "fuzzy": False}
    assert entries[("", "one")]["strs"] == ["多"] and ("", "old") not in entries


@pytest.fixture(scope="module")
def used(tmp_path_factory):
    return extracted_msgids(tmp_path_factory.mktemp("catalogue"))


def test_the_extraction_finds_the_code_s_strings(used):
    msgids = {msgid for _ctx, msgid in used}
    assert {"Create identity source", "Try login", "PC mini-program scan"} <= msgids
    assert len(msgids) > 300


def catalogue_gaps(used: set, catalogue: dict) -> dict[str, list[str]]:
    """The msgids in use that the catalogue lacks, marks fuzzy, or leaves (partly) untranslated."""
    return {
        "missing": sorted(msgid for key in used if key not in catalogue for _ctx, msgid in [key]),
        "fuzzy": sorted(key[1] for key in used if key in catalogue and catalogue[key]["fuzzy"]),
        "untranslated": sorted(key[1] for key in used if key in catalogue and not all(s.strip() for s in catalogue[key]["strs"])),
    }


def test_every_msgid_the_code_uses_is_translated_in_zh_hans(used):
    assert catalogue_gaps(used, parse_po(str(PO))) == {"missing": [], "fuzzy": [], "untranslated": []}


def test_one_missing_fuzzy_or_empty_entry_is_caught(used):
    catalogue = parse_po(str(PO))
    gone, blurred, emptied = sorted(used)[:3]
    del catalogue[gone]
    catalogue[blurred] = {**catalogue[blurred], "fuzzy": True}
    catalogue[emptied] = {**catalogue[emptied], "strs": [""]}
    assert catalogue_gaps(used, catalogue) == {"missing": [gone[1]], "fuzzy": [blurred[1]], "untranslated": [emptied[1]]}


def test_msgids_are_english_only_and_translations_chinese_only(used):
    """A help text or message appears in the active language only (no "English. 中文" glued in one string)."""
    catalogue = parse_po(str(PO))
    glued = sorted(msgid for (_ctx, msgid) in used if HAN.search(msgid))
    assert glued == []
    both = sorted(msgid for key, entry in catalogue.items() if key in used for msgid in [key[1]]
                  if len(msgid.split()) >= 3 and any(msgid in s and HAN.search(s) for s in entry["strs"]))
    assert both == []  # a translation that repeats the English sentence beside the Chinese one

