"""Receipt printers: a printout as ESC/POS bytes, with a slip's number as a CODE128 barcode.

Most front desks print visitor slips on a small thermal receipt printer that speaks ESC/POS
(Epson's command set, which the Chinese makes follow). With `printer = "escpos"` in
settings.toml the desk sends it these bytes through the print command (a raw queue such as
`lp -d slips -o raw`, or `tee /dev/usb/lp0`): Chinese text in GB18030 after FS & (the
printers' double-byte mode), and the slip number as a barcode with the number printed under
it, so the visitor's slip is checked out with one scan and Enter (D-7).

python-escpos was weighed first: its text path maps characters to single-byte code pages and
prints Chinese as '?', so the five documented commands used here are written out instead.
"""

from __future__ import annotations

from deskterm.encoders import printer_line

ESC, GS, FS = b"\x1b", b"\x1d", b"\x1c"
INIT = ESC + b"@"  # reset the printer
CHINESE_MODE = FS + b"&"  # GB18030 / GBK double-byte characters
CENTRE, LEFT = ESC + b"a\x01", ESC + b"a\x00"
FEED_AND_CUT = GS + b"V" + bytes((66, 3))  # feed 3 lines, then a partial cut
BARCODE_HEIGHT = 80  # dots (10 mm at 203 dpi): easy for a hand scanner
BARCODE_MODULE = 2  # dots per narrow bar: 14 characters fit 58 mm paper
CODE128 = 73  # GS k m=73: CODE128 with a length byte; data starts with a code-set selector
HRI_BELOW = 2  # the number printed in words under the bars


def barcode(data: str) -> bytes:
    """A centred CODE128 (set B) barcode of `data` with the text under it."""
    if not data or not data.isascii() or not data.isprintable() or "{" in data:
        raise ValueError(f"a CODE128 set B barcode holds printable ASCII, not {data!r}")
    payload = b"{B" + data.encode("ascii")
    if len(payload) > 255:
        raise ValueError("a barcode holds at most 253 characters")
    return (
        CENTRE
        + GS
        + b"h"
        + bytes((BARCODE_HEIGHT,))
        + GS
        + b"w"
        + bytes((BARCODE_MODULE,))
        + GS
        + b"H"
        + bytes((HRI_BELOW,))
        + GS
        + b"k"
        + bytes((CODE128, len(payload)))
        + payload
        + b"\n"
        + LEFT
    )


def document(text: str, *, barcode_line: str | None = None) -> bytes:
    """`text` for an ESC/POS printer; the line that reads `barcode_line` becomes its barcode."""
    out = [INIT, CHINESE_MODE]
    for line in text.splitlines():
        if barcode_line and line.strip() == barcode_line:
            out.append(barcode(barcode_line))
        else:
            out.append(printer_line(line) + b"\n")  # printable GB18030 only (issue 15)
    out.append(FEED_AND_CUT)
    return b"".join(out)
