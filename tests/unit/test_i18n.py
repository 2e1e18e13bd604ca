"""Every user-visible string has a complete zh_CN translation, and the compiled catalogs are fresh."""

import importlib.util
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from deskterm.i18n import _, detect_language, normalise_language, set_language

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "scripts" / "i18n.py")
tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tool)


def test_no_message_missing_from_zh_cn():
    missing = tool.missing()
    assert missing == [], f"{len(missing)} untranslated, e.g. {missing[:5]}"


def test_no_fuzzy_entries():
    fuzzy = [(area, m.id) for area, cat in tool.catalogs().items() for m in cat if m.id and m.fuzzy]
    assert fuzzy == []


def test_compiled_catalogs_match_sources():
    for po in sorted(tool.ZH.glob("*.po")):
        with po.open("rb") as fh:
            source = {m.id: m.string for m in read_po(fh) if m.id and m.string and not m.fuzzy}
        with po.with_suffix(".mo").open("rb") as fh:
            compiled = {m.id: m.string for m in read_mo(fh) if m.id}
        assert compiled == source, f"{po.name}: run `python scripts/i18n.py compile`"


def test_placeholders_survive_translation():
    import re

    for area, cat in tool.catalogs().items():
        for m in cat:
            if m.id and m.string and isinstance(m.id, str):
                assert set(re.findall(r"\{\w+\}", m.id)) == set(re.findall(r"\{\w+\}", m.string)), (
                    area,
                    m.id,
                )


def test_switching_language():
    set_language("zh")
    assert _("Wrong staff code or password.") != "Wrong staff code or password."
    set_language("en")
    assert _("Wrong staff code or password.") == "Wrong staff code or password."


def test_language_names():
    assert normalise_language("zh_CN.UTF-8") == "zh_CN"
    assert normalise_language("en_US") == "en"
    assert normalise_language("fr") is None
    assert detect_language("zh") == "zh_CN"


def test_no_msgid_translated_two_ways():
    """Catalogs are chained, so the first area's translation wins everywhere: a msgid used by
    two areas must mean the same in both (or be reworded)."""
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for area, cat in tool.catalogs().items():
        for m in cat:
            if not m.id or not m.string or not isinstance(m.id, str):
                continue
            if m.id in seen and seen[m.id][1] != m.string:
                clashes.append((m.id, seen[m.id], (area, m.string)))
            seen.setdefault(m.id, (area, m.string))
    assert clashes == [], clashes[:10]


# Where an English source string may hold Chinese: where it quotes what is typed or read
# literally, the same in both languages. Anywhere else Chinese in a msgid reaches an English
# screen untranslated ("Sort order: The order (排序) is a whole number.", a placeholder
# "e.g. 水电, 木工, 电梯"): say it in English and let the catalog say it in Chinese.
CJK_QUOTES = {
    "cli/importer.py": "an import sheet's headings, as they stand in the file",
    "services/estate/importing.py": "an import sheet's headings and values",
    "services/estate/import_people.py": "an import sheet's headings and values",
    "services/admin/import_reference.py": "an import sheet's headings",
    "models/visitor.py": "a plate as it is written (粤B12345)",
    "tui/screens/inquiries.py": "the search box's grammar: names, units as people type them",
    "tui/screens/inquiries_lists.py": "the search box's grammar: names, units as people type them",
}


def test_chinese_in_a_source_string_only_where_it_quotes_what_is_typed():
    import re

    cjk = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
    stray = {
        msgid: places
        for msgid, places in tool.extracted().items()
        if cjk.search(msgid) and any(p.split(":")[0] not in CJK_QUOTES for p in places)
    }
    assert stray == {}
