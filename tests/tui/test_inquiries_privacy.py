"""Privacy of the inquiry and message workflow (D-21, DESIGN "People and privacy").

Every resident and company is seeded with a distinctive phone number. The test walks every
screen, dialog and notification an operator reaches in the inquiry and message workflow —
searches of every kind, the contact dialog and its tries, messages taken and delivered,
promises made and kept, the inquiry log, help, the dashboard — and reads the whole terminal
after each step. A seeded number may appear only once it was revealed, and each reveal is in
the audit. Then the CLI's exports of inquiries and messages are read the same way.
"""

from __future__ import annotations

import html
import re

import pytest
from sqlmodel import select

from deskterm.db import run_read
from deskterm.models.audit import AuditEvent
from tests.cli.conftest import cli  # noqa: F401  (the CLI fixture, for the exports)
from tests.factories import COMPANIES, PEOPLE, seed_estate
from tests.tui.conftest import SIZE, settle

_TEXT = re.compile(r'<text[^>]*\by="([\d.]+)"[^>]*>(.*?)</text>', re.S)


def screen_text(app) -> str:
    """Everything on the terminal now, line by line (from the SVG screenshot)."""
    lines: dict[float, list[str]] = {}
    for y, chunk in _TEXT.findall(app.export_screenshot()):
        lines.setdefault(float(y), []).append(html.unescape(re.sub(r"<[^>]+>", "", chunk)))
    return "\n".join("".join(parts).replace("\xa0", " ") for _y, parts in sorted(lines.items()))


@pytest.fixture
def estate(engine, clock, staff):
    return seed_estate(engine, clock, staff.admin)


@pytest.fixture
def owners(estate):
    """phone -> (kind, id) of everyone seeded with a number."""
    out = {phone: ("resident", estate.residents[name]) for _u, name, _r, phone in PEOPLE if phone}
    out.update({phone: ("company", estate.companies[name]) for _u, name, _c, phone in COMPANIES})
    return out


class Walk:
    def __init__(self, app, engine, owners) -> None:
        self.app, self.engine, self.owners = app, engine, owners
        self.steps = 0
        self.seen_revealed: set[str] = set()

    def revealed(self) -> set[tuple[str, str]]:
        events = run_read(
            self.engine,
            lambda s: list(
                s.exec(select(AuditEvent).where(AuditEvent.action.like("%.reveal_phone")))
            ),
        )
        return {(e.entity, e.entity_id) for e in events}

    def check(self, step: str) -> None:
        self.steps += 1
        # The search box echoes what the operator typed (a number they were given): that
        # line is theirs, not the desk's answer, and is left out.
        text = "\n".join(
            line
            for line in screen_text(self.app).split("\n")
            if not re.match(r"^\[(phone|walk-in)\]", line)
        )
        shown = {phone for phone in self.owners if phone in text}
        allowed = {
            phone
            for phone, (kind, pid) in self.owners.items()
            if (kind, str(pid)) in self.revealed()
        }
        assert shown <= allowed, f"{step}: unmasked {shown - allowed}\n{text}"
        self.seen_revealed |= shown


async def press(pilot, walk: Walk, step: str, *keys: str) -> None:
    for key in keys:
        if len(key) > 1 and (
            not key.isascii()
            or key.isdigit()
            or " " in key
            or key.islower()
            and key not in KEY_NAMES
        ):
            await pilot.press(*key)
        else:
            await pilot.press(key)
    await settle(pilot)
    walk.check(step)


KEY_NAMES = {
    "shift+tab",
    "enter",
    "escape",
    "down",
    "up",
    "backspace",
    "tab",
    "ctrl+t",
    "ctrl+n",
    "ctrl+g",
    "ctrl+o",
    "ctrl+s",
    "ctrl+b",
    "ctrl+l",
    "ctrl+f",
    "f1",
    "f2",
    "f4",
    "ctrl+u",
    "ctrl+d",
    "home",
    "end",
}


async def clear(pilot) -> None:
    await pilot.press("ctrl+f", "end", *["backspace"] * 16)
    await settle(pilot)


async def test_no_number_shown_unless_revealed_and_every_reveal_audited(
    make_desk_app, engine, owners
):
    app = make_desk_app(area="inquiries")
    async with app.run_test(size=SIZE) as pilot:
        walk = Walk(app, engine, owners)
        await settle(pilot)
        walk.check("start")
        # every kind of search, and every line of its results
        for text in (
            "zs",
            "zhang",
            "张",
            "建国",
            "娜娜",
            "12-1203",
            "12-",
            "1203",
            "A座1203",
            "a1501",
            "康宁",
            "kn",
            "王强",
            "wq",
            "银行",
            "会所",
            "中秋",
            "13912340001",
            "139 1234 0002",
            "+86 139-1234-0003",
            "1391234",
        ):
            await clear(pilot)
            await press(pilot, walk, f"search {text}", text)
            if app.screen.query_one("#list-find").total:
                await press(pilot, walk, f"results of {text}", "down")
                for _ in range(min(app.screen.query_one("#list-find").total, 4)):
                    await press(pilot, walk, f"line of {text}", "down")
        # ring 张三: the contact dialog, tries, a message with a notification
        await clear(pilot)
        await press(pilot, walk, "find 张三", "张三", "enter")
        await press(
            pilot, walk, "contact dialog", "shift+tab", "shift+tab", "王先生", "enter", "enter"
        )
        await press(pilot, walk, "a try", "4", "ctrl+s")
        await press(pilot, walk, "absent", "3", "ctrl+s")
        await press(pilot, walk, "message dialog", "ctrl+n")
        await press(pilot, walk, "message typed", "请回电 13500001111")
        await press(pilot, walk, "message saved", "ctrl+s")
        # a company, a staff member
        await clear(pilot)
        await press(pilot, walk, "company contact", "康宁", "enter")
        await press(pilot, walk, "company try", "4", "ctrl+s")
        await press(pilot, walk, "company give-up asked", "escape")
        await press(pilot, walk, "company closed, inquirer declined", "ctrl+d")
        await clear(pilot)
        await press(pilot, walk, "staff contact", "王强", "enter")
        await press(pilot, walk, "staff message", "ctrl+n")
        await press(
            pilot, walk, "staff message typed", "前台小李", "enter", "enter", "交班本已放桌上"
        )
        await press(pilot, walk, "staff message saved", "ctrl+s")
        # messages: list, deliver
        await press(pilot, walk, "messages", "ctrl+t")
        await press(pilot, walk, "deliver dialog", "enter")
        await press(pilot, walk, "delivered", "1")
        # promises: make and keep
        await press(pilot, walk, "promise dialog", "ctrl+g")
        await press(
            pilot,
            walk,
            "promise typed",
            "停水几点恢复",
            "enter",
            "3-502业主",
            "enter",
            "13600002222",
            "enter",
        )
        await press(pilot, walk, "promise saved", "ctrl+s")
        await press(pilot, walk, "promises", "ctrl+t")
        await press(pilot, walk, "answer dialog", "enter")
        await press(pilot, walk, "answered", "已告知", "ctrl+s")
        await press(pilot, walk, "inquiry log", "ctrl+t")
        await press(pilot, walk, "log line", "down")
        await press(pilot, walk, "help", "f1")
        await press(pilot, walk, "help closed", "escape")
        await press(pilot, walk, "dashboard", "f2")
        await press(pilot, walk, "dashboard lines", "down", "down", "down", "tab")
        # a reveal, on purpose: that number, and only it, may now be shown
        await press(pilot, walk, "back", "f4", "ctrl+t")
        await clear(pilot)
        await press(pilot, walk, "李四", "李四")
        await press(pilot, walk, "reveal asked", "ctrl+o")
        await press(pilot, walk, "reveal given", "转接来电", "enter")
        assert walk.seen_revealed == {"13912340003"}
        # and inside the contact dialog, for a company
        await clear(pilot)
        await press(pilot, walk, "company again", "康宁", "enter")
        await press(pilot, walk, "company reveal", "ctrl+o", "enter")
        assert "13912340008" in walk.seen_revealed
        assert walk.steps > 60
        # the walk did what it says: two messages (one delivered), a promise kept
        from deskterm.models.inquiry import Message, PromisedReply

        taken = run_read(engine, lambda s: list(s.exec(select(Message))))
        assert sorted(m.for_name for m in taken) == ["12-1203 张三", "王强"]
        assert sum(m.delivered_at is not None for m in taken) == 1
        kept = run_read(engine, lambda s: list(s.exec(select(PromisedReply))))
        assert [(p.question, p.answer) for p in kept] == [("停水几点恢复", "已告知")]
        revealed = walk.revealed()
        assert revealed == {
            ("resident", str(owners["13912340003"][1])),
            ("company", str(owners["13912340008"][1])),
        }


def test_exports_of_inquiries_and_messages_hold_no_resident_number(
    cli,  # noqa: F811
    tmp_path,
    engine,
    clock,
    staff,
    owners,
    estate,
):
    """The CLI outputs of the workflow: inquiries and messages exported (no --include-pii)."""
    if engine.dialect.name != "sqlite":
        pytest.skip("the CLI reads a database file")
    from deskterm.db import run_write
    from deskterm.models.inquiry import InquiryCreate, MessageCreate
    from deskterm.services.inquiries import log as inquiries
    from deskterm.services.inquiries import messages

    resident = estate.residents["张三"]
    inquiry = run_write(
        engine,
        lambda s: inquiries.open_inquiry(
            session=s,
            actor=staff.operator,
            clock=clock,
            inquiry_in=InquiryCreate(topic="找人", target_kind="resident", target_id=resident),
        ),
    )
    run_write(
        engine,
        lambda s: messages.take_message(
            session=s,
            actor=staff.operator,
            clock=clock,
            message_in=MessageCreate(
                for_kind="resident",
                for_id=resident,
                for_name="x",
                from_name="王先生",
                from_contact="13500001111",
                text="请回电",
                inquiry_id=inquiry.id,
            ),
        ),
    )
    db = engine.url.database
    env = {"DESKTERM_PASSWORD": "secret-pass"}
    for kind in ("inquiries", "messages"):
        for fmt in ("csv", "json"):
            result = cli(
                "export",
                kind,
                "--format",
                fmt,
                "--db",
                db,
                "--user",
                "admin1",
                "--since",
                "2026-11-01",
                env=env,
            )
            assert result.exit_code == 0, result.stderr
            assert "张三" in result.output
            for phone in owners:
                assert phone not in result.output + result.stderr, (kind, fmt, phone)
