"""Printing (services/printing.py, receipt.py): plain text for `lp`, or ESC/POS bytes for the
desk's receipt printer with the slip number as a CODE128 barcode, so that what the printer
prints is what the scanner reads back at check-out (D-7)."""

from __future__ import annotations

import re

import pytest

from deskterm.config import Settings, load_settings
from deskterm.db import run_read, run_write
from deskterm.errors import DeskError, InvalidInput
from deskterm.models.visitor import SlipStatus
from deskterm.services import printing, receipt
from deskterm.services.visitors import slips as visitors
from deskterm.services.visitors.slip_print import print_slip, slip_text
from tests.factories import make_estate, valid_resident_id, walk_in

BARCODE = re.compile(rb"\x1dk\x49(.)\{B", re.S)  # GS k 73 n, then the code-set selector


def scanned(data: bytes) -> list[str]:
    """What a scanner reads from each CODE128 barcode in an ESC/POS printout."""
    found = []
    for match in BARCODE.finditer(data):
        length = match.group(1)[0]
        found.append(data[match.start() + 4 : match.start() + 4 + length][2:].decode("ascii"))
    return found


def register(engine, staff, clock, settings, **overrides):
    estate = make_estate(engine)
    return run_write(
        engine,
        lambda s: visitors.register_slip(
            session=s,
            actor=staff.operator,
            clock=clock,
            settings=settings,
            slip_in=walk_in(estate, **overrides),
        ),
    )


def test_a_receipt_printer_gets_chinese_in_gb18030_and_the_number_as_a_barcode(
    engine, staff, clock, settings
):
    slip = register(engine, staff, clock, settings, visitor_name="欧阳娜娜")
    text = slip_text(slip, settings)
    data = receipt.document(text, barcode_line=slip.number)
    assert data.startswith(receipt.INIT + receipt.CHINESE_MODE)
    assert data.endswith(receipt.FEED_AND_CUT)
    assert scanned(data) == [slip.number]
    assert "欧阳娜娜".encode("gb18030") in data
    assert "欧阳娜娜".encode() not in data  # the printer would print mojibake
    # every other line is there, in order, as the printer's own encoding
    lines = [ln for ln in text.splitlines() if ln.strip() != slip.number]
    body = b"".join(ln.encode("gb18030") + b"\n" for ln in lines[:2])
    assert body in data


def test_what_the_slip_prints_checks_the_visitor_out(engine, staff, clock, settings, tmp_path):
    out = tmp_path / "printer.bin"
    desk = settings.replace(printer="escpos", print_command=f"tee {out}")
    slip = register(engine, staff, clock, settings)
    print_slip(slip, desk)
    (code,) = scanned(out.read_bytes())
    done = run_write(
        engine,
        lambda s: visitors.check_out(
            session=s, actor=staff.operator, clock=clock, settings=settings, number=code
        ),
    )
    assert done.id == slip.id
    assert (
        run_read(engine, lambda s: visitors.get_slip(session=s, slip_id=slip.id)).status
        == SlipStatus.left
    )


def test_no_identity_number_or_phone_on_either_printout(engine, staff, clock, settings, tmp_path):
    doc = valid_resident_id(7)
    slip = register(engine, staff, clock, settings, doc_number=doc, phone="13912345678")
    for printer in ("text", "escpos"):
        out = tmp_path / f"{printer}.bin"
        print_slip(slip, settings.replace(printer=printer, print_command=f"tee {out}"))
        data = out.read_bytes()
        assert data
        for secret in (doc, doc[:-4], "13912345678", "12345678"):
            assert secret.encode() not in data


def test_plain_text_stays_utf8_for_lp(tmp_path, settings):
    out = tmp_path / "printed.txt"
    printing.send("交班单\n", settings.replace(print_command=f"tee {out}"))
    assert out.read_text(encoding="utf-8") == "交班单\n"


def test_printing_failures_are_one_sentence(settings):
    with pytest.raises(InvalidInput, match="print_command"):
        printing.send("x", settings)
    with pytest.raises(DeskError, match="Printing failed"):
        printing.send("x", settings.replace(print_command="false"))
    with pytest.raises(DeskError, match="Printing failed"):
        printing.send("x", settings.replace(print_command="/no/such/printer"))


@pytest.mark.parametrize("data", ["", "访客", "V1\n", "a{b", "x" * 254])
def test_a_barcode_holds_printable_ascii_only(data):
    with pytest.raises(ValueError):
        receipt.barcode(data)


def test_the_printer_setting_is_checked(tmp_path, monkeypatch):
    path = tmp_path / "settings.toml"
    path.write_text('printer = "escpos"\nprint_command = "lp -o raw"\n', encoding="utf-8")
    assert load_settings(path).printer == "escpos"
    assert Settings().printer == "text"
    path.write_text('printer = "laser"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="text, escpos"):
        load_settings(path)
