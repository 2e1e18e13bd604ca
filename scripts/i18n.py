"""Developer tool for the translation catalogs (Babel).

    python scripts/i18n.py missing [AREA]   # msgids used in the source but absent from zh_CN
    python scripts/i18n.py add AREA         # append those msgids (empty msgstr) to zh_CN/AREA.po
    python scripts/i18n.py fill AREA F.json # set msgstrs in zh_CN/AREA.po from {msgid: msgstr}
    python scripts/i18n.py compile          # compile every zh_CN/*.po to .mo

Catalogs are split by area (core.po, visitors.po, ...) and chained at run time; see
deskterm/i18n.py. English is the source language and needs no catalog.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "deskterm"
ZH = PACKAGE / "locale" / "zh_CN" / "LC_MESSAGES"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def extracted() -> dict[str, list[str]]:
    """msgid -> places it is used."""
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _ctx in extract_from_dir(
        str(PACKAGE),
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=(),
        strip_comment_tags=True,
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return found


def catalogs() -> dict[str, Catalog]:
    result = {}
    for po in sorted(ZH.glob("*.po")):
        with po.open("rb") as fh:
            result[po.stem] = read_po(fh, locale="zh_CN")
    return result


def translated_ids(cats: dict[str, Catalog]) -> dict[str, str]:
    ids: dict[str, str] = {}
    for cat in cats.values():
        for msg in cat:
            if msg.id and msg.string and not msg.fuzzy:
                key = msg.id[0] if isinstance(msg.id, tuple) else msg.id
                ids.setdefault(key, msg.string if isinstance(msg.string, str) else msg.string[0])
    return ids


def missing(area_filter: str | None = None) -> list[tuple[str, list[str]]]:
    have = translated_ids(catalogs())
    out = []
    for msgid, places in sorted(extracted().items()):
        if msgid in have:
            continue
        if area_filter and not any(area_filter in p for p in places):
            continue
        out.append((msgid, places))
    return out


def add(area: str) -> int:
    ZH.mkdir(parents=True, exist_ok=True)
    path = ZH / f"{area}.po"
    if path.exists():
        with path.open("rb") as fh:
            cat = read_po(fh, locale="zh_CN")
    else:
        cat = Catalog(locale="zh_CN", domain=area, project="deskterm", charset="utf-8")
    present = {m.id for m in cat if m.id}
    n = 0
    for msgid, places in missing():
        if msgid in present:
            continue
        cat.add(
            msgid,
            "",
            locations=[(p.rsplit(":", 1)[0], int(p.rsplit(":", 1)[1])) for p in places[:1]],
        )
        n += 1
    with path.open("wb") as fh:
        write_po(fh, cat, width=100, omit_header=False, sort_output=False)
    return n


def fill(area: str, mapping: dict[str, str]) -> int:
    """Set translations in AREA.po (adding the msgids that are not there yet)."""
    ZH.mkdir(parents=True, exist_ok=True)
    path = ZH / f"{area}.po"
    if path.exists():
        with path.open("rb") as fh:
            cat = read_po(fh, locale="zh_CN")
    else:
        cat = Catalog(locale="zh_CN", domain=area, project="deskterm", charset="utf-8")
    for msgid, msgstr in mapping.items():
        msg = cat.get(msgid)
        if msg is None:
            cat.add(msgid, msgstr)
        else:
            msg.string = msgstr
            msg.flags.discard("fuzzy")
    with path.open("wb") as fh:
        write_po(fh, cat, width=100, omit_header=False, sort_output=True)
    return len(mapping)


def compile_all() -> None:
    for po in sorted(ZH.glob("*.po")):
        with po.open("rb") as fh:
            cat = read_po(fh, locale="zh_CN")
        with po.with_suffix(".mo").open("wb") as fh:
            write_mo(fh, cat, use_fuzzy=False)


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else "missing"
    if cmd == "missing":
        rows = missing(sys.argv[2] if len(sys.argv) > 2 else None)
        for msgid, places in rows:
            print(f"{places[0]}\t{msgid!r}")
        print(f"{len(rows)} missing", file=sys.stderr)
    elif cmd == "add":
        print(f"added {add(sys.argv[2])} msgids to {sys.argv[2]}.po")
    elif cmd == "fill":
        import json

        data = json.loads(Path(sys.argv[3]).read_text(encoding="utf-8"))
        print(f"set {fill(sys.argv[2], data)} translations in {sys.argv[2]}.po")
        compile_all()
    elif cmd == "compile":
        compile_all()
        print("compiled")
    else:
        raise SystemExit(__doc__)
