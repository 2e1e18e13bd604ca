"""`deskterm report`: the exact output of each format (with Chinese text and text that looks
like markup or a formula), the empty case, periods, roles and exit codes."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from deskterm.clock import SystemClock
from deskterm.db import make_engine
from tests.cli.conftest import first_sign_in
from tests.services.test_export_seed import add, estate, slip

ADMIN = {"DESKTERM_USER": "boss", "DESKTERM_PASSWORD": "boss-pass-1"}
SUP = {"DESKTERM_USER": "sup1", "DESKTERM_PASSWORD": "sup1-pass-1"}
OP = {"DESKTERM_USER": "op1", "DESKTERM_PASSWORD": "op1-pass-1"}
NOW = datetime(2026, 11, 28, 12, 30, tzinfo=UTC)  # 20:30 in Shanghai, after the day shift
START = datetime(2026, 11, 28, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
TRICKY = "<b>=SUM(A1)</b> *急* | [链接](http://x)"


@pytest.fixture
def fixed_now(monkeypatch):
    monkeypatch.setattr(SystemClock, "now", lambda self: NOW)


@pytest.fixture
def users(cli, desk_db):
    for code, name, role in (
        ("op1", "李静", "operator"),
        ("sup1", "王强", "supervisor"),
        ("op2", "张敏", "operator"),
    ):
        result = cli(
            "users",
            "add",
            code,
            "--name",
            name,
            "--role",
            role,
            "--db",
            desk_db,
            env={**ADMIN, "DESKTERM_NEW_PASSWORD": f"{code}-pass-1"},
        )
        assert result.exit_code == 0, result.stderr
        first_sign_in(cli, desk_db, code, f"{code}-pass-1")
    con = sqlite3.connect(desk_db)
    return desk_db, dict(con.execute("select code, id from user"))


@pytest.fixture
def day(users, fixed_now):
    """A day shift of op1 (08:00-20:00) refused by op2, with visitors, a repair, a promise
    and a logbook entry whose text looks like markup and a formula."""
    from deskterm.models.inquiry import PromisedReply
    from deskterm.models.repair import RepairOrder
    from deskterm.models.shift import Handover, LogbookEntry, Shift

    path, ids = users
    engine = make_engine(path)
    units = estate(engine)
    op1, op2 = ids["op1"], ids["op2"]
    (shift_id,) = add(
        engine,
        Shift(
            post="前台",
            operator_id=op1,
            started_at=START,
            ended_at=START + timedelta(hours=12),
            status="closed",
            self_check={"appearance": True, "desk_tidy": True, "equipment": False},
        ),
    )
    add(engine, Shift(post="前台", operator_id=op2, started_at=START + timedelta(hours=12)))
    add(
        engine,
        Handover(
            post="前台",
            shift_id=shift_id,
            outgoing_user_id=op1,
            created_at=START + timedelta(hours=11),
            signed_at=START + timedelta(hours=11, minutes=50),
            status="refused",
            incoming_user_id=op2,
            answered_at=START + timedelta(hours=12, minutes=5),
            refusal_reason="钥匙少一把",
            physical_items={"keys": 5},
            notices="电梯维保",
        ),
    )
    add(
        engine,
        slip(
            "V20261128-0001",
            op1,
            at=START + timedelta(hours=1, minutes=30),
            host_unit_id=units["12-1203"],
            visitor_name="张伟",
            phone="13812345678",
            status="left",
            checked_out_at=START + timedelta(hours=2),
            slip_returned=True,
        ),
        slip(
            "V20261128-0002",
            op1,
            at=START + timedelta(hours=2, minutes=10),
            visitor_name="王五",
            host_text="刘洋 12-0101",
            headcount=2,
            purpose="delivery",
        ),
    )
    add(
        engine,
        RepairOrder(
            number="R20261128-0001",
            unit_id=units["12-0101"],
            reporter_name="刘洋",
            reporter_contact="13700001111",
            category_code="lift_failure",
            description="电梯停在3楼",
            repair_class="urgent",
            scope="public",
            reported_at=START + timedelta(hours=1),
            reported_by=op1,
            shift_id=shift_id,
            onsite_due_at=START + timedelta(hours=3),
            arrived_at=START + timedelta(hours=4),
            fix_due_at=START + timedelta(hours=25),
        ),
    )
    add(
        engine,
        PromisedReply(
            question="停车费标准?",
            asked_by="赵六",
            contact="13600002222",
            due_at=START + timedelta(hours=6),
            created_at=START + timedelta(hours=2),
            created_by=op1,
        ),
    )
    add(
        engine,
        LogbookEntry(
            occurred_at=START + timedelta(hours=3),
            recorded_at=START + timedelta(hours=3),
            category="security",
            location="北门",
            what=TRICKY,
            action_taken="报主管",
            user_id=op1,
            shift_id=shift_id,
        ),
    )
    engine.dispose()
    return path, shift_id


SHIFT_TEXT = """\
End-of-shift report
Shift 1 · 前台 · 李静 (op1)
Period: 2026-11-28 08:00 – 2026-11-28 20:00 (Asia/Shanghai)
Generated: 2026-11-28 20:30

Who was on ─────────────────────────────────────────────────────────────────────────────────────────
Post        前台
Operator    李静 (op1)
Started     2026-11-28 08:00
Ended       2026-11-28 20:00
Self-check  not in order: Phone, radio and computer working

Handover ───────────────────────────────────────────────────────────────────────────────────────────
Status                           refused
Signed by the outgoing operator  2026-11-28 19:50
Answered by                      张敏 (op2)
Answered at                      2026-11-28 20:05
Reason for refusing              钥匙少一把
Open items handed over           0
Notices                          电梯维保

Items handed over
Item   Count
────────────
Keys       5
"""


def test_shift_report_text_exact(cli, day):
    path, shift_id = day
    result = cli("report", "shift", "--shift", str(shift_id), "--db", path, env=SUP)
    assert result.exit_code == 0, result.stderr
    assert result.output.startswith(SHIFT_TEXT)
    body = result.output
    # D-11 / issue 21: the open items handed over are listed, not only counted.
    assert body[len(SHIFT_TEXT) :].startswith("\nOpen items handed over\nNothing was open.\n")
    assert "Slips issued                  2\nPeople                        3\n" in body
    assert "Still on site at the end      1\n" in body
    assert "V20261128-0002   王五      刘洋 12-0101   2026-11-28 10:10" in body
    assert (
        "On-site deadlines (urgent)        0/1 (0.0%)\nRepair deadlines                  —\n"
        in body
    )
    assert (
        "R20261128-0001   Lift failure or    arrival on site   2026-11-28 11:00   2026-11-28 12:00   reported\n"
        in body
    )
    assert "2026-11-28 14:00   赵六       停车费标准?" in body
    assert (
        "<b>=SUM(A1)</b> *急* |" in body and "[链接](http://x)" in body
    )  # literally, not as markup
    assert (
        "138" not in body and "137" not in body and "136" not in body
    )  # no phone, not even masked
    assert not re.search(r"[ \t]\n", body)  # no trailing spaces in a file


def test_shift_report_json_exact_keys_and_values(cli, day):
    path, shift_id = day
    result = cli("report", "shift", "--shift", str(shift_id), "-f", "json", "--db", path, env=SUP)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.output)
    assert (data["report"], data["start"], data["end"], data["generated_at"]) == (
        "shift",
        "2026-11-28T08:00:00+08:00",
        "2026-11-28T20:00:00+08:00",
        "2026-11-28T20:30:00+08:00",
    )
    sections = {s["key"]: s for s in data["sections"]}
    assert list(sections) == [
        "shift",
        "handover",
        "visitors",
        "inquiries",
        "messages",
        "repairs",
        "fees",
        "complaints",
        "callbacks",
        "logbook",
    ]
    assert sections["handover"]["facts"]["refusal_reason"] == "钥匙少一把"
    assert sections["visitors"]["facts"] == {
        "checked_in": 2,
        "people": 3,
        "checked_out": 1,
        "on_site": 1,
        "long_stays": 1,
        "lost_slips": 0,
    }
    assert sections["repairs"]["facts"]["onsite_deadlines"] == {
        "part": 0,
        "whole": 1,
        "percent": 0.0,
    }
    assert sections["repairs"]["tables"][1]["rows"] == [
        {
            "number": "R20261128-0001",
            "category": "Lift failure or lift not running normally",
            "deadline": "arrival on site",
            "due": "2026-11-28T11:00:00+08:00",
            "done": "2026-11-28T12:00:00+08:00",
            "status": "reported",
        }
    ]
    assert sections["messages"]["facts"]["promises_overdue"] == 1
    assert sections["logbook"]["tables"][0]["rows"][0]["what"] == TRICKY
    assert "1380" not in result.output and "1370" not in result.output


def test_shift_report_markdown_escapes_user_text(cli, day):
    path, shift_id = day
    result = cli(
        "report", "shift", "--shift", str(shift_id), "-f", "markdown", "--db", path, env=SUP
    )
    assert result.exit_code == 0, result.stderr
    md = result.output
    assert md.startswith("# End-of-shift report\n\nShift 1 · 前台 · 李静 (op1)\n")
    assert "- Reason for refusing: **钥匙少一把**\n" in md
    assert "| Item | Count |\n|---|---:|\n| Keys | 5 |\n" in md
    escaped = r"\<b\>=SUM(A1)\</b\> \*急\* \| \[链接\](http://x)"
    assert escaped in md


def test_html_is_one_self_contained_file(cli, day, tmp_path):
    path, _shift = day
    target = tmp_path / "daily.html"
    result = cli(
        "report",
        "daily",
        "--date",
        "2026-11-28",
        "-f",
        "html",
        "-o",
        str(target),
        "--db",
        path,
        env=SUP,
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"Report written to {target}.\n"
    page = target.read_text(encoding="utf-8")
    assert page.startswith('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">')
    assert "<svg" in page and "<script" not in page.lower()
    assert not re.search(r"(src|href)\s*=", page)  # nothing fetched from anywhere
    assert "http://x" in page  # the user's text, escaped, is the only address in the page
    assert "&lt;b&gt;=SUM(A1)&lt;/b&gt; *急* | [链接](http://x)" in page
    assert "<b>=SUM" not in page


def test_sla_lists_every_breach(cli, day):
    path, _shift = day
    result = cli(
        "report",
        "sla",
        "--since",
        "2026-11-01",
        "--until",
        "2026-11-28",
        "-f",
        "json",
        "--db",
        path,
        env=SUP,
    )
    assert result.exit_code == 0, result.stderr
    sections = {s["key"]: s for s in json.loads(result.output)["sections"]}
    assert sections["repairs"]["facts"]["onsite"] == {"part": 0, "whole": 1, "percent": 0.0}
    assert sections["repairs"]["facts"]["pending"] == 1  # the 24 h repair deadline still runs
    (breach,) = sections["breaches"]["tables"][0]["rows"]
    assert (breach["number"], breach["deadline"], breach["late"]) == (
        "R20261128-0001",
        "arrival on site",
        60,
    )
    assert sections["repairs"]["charts"][0]["bars"] == [
        {"label": "Lift failure or lift not running normally", "value": 0.0}
    ]
    assert sections["other"]["facts"]["promised_replies"] == {"part": 0, "whole": 1, "percent": 0.0}


def test_visitors_report_counts_by_local_hour(cli, day):
    path, _shift = day
    result = cli("report", "visitors", "--date", "2026-11-28", "-f", "json", "--db", path, env=SUP)
    sections = {s["key"]: s for s in json.loads(result.output)["sections"]}
    assert sections["summary"]["facts"]["slips"] == 2
    assert sections["summary"]["facts"]["average_stay"] == 30
    bars = dict((b["label"], b["value"]) for b in sections["traffic"]["charts"][0]["bars"])
    assert bars["09:00"] == 1 and bars["10:00"] == 1 and sum(bars.values()) == 2
    assert sections["traffic"]["tables"][0]["rows"] == [
        {"day": "2026-11-28", "slips": 2, "people": 3}
    ]


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "html"])
def test_empty_period_renders_in_every_format(cli, users, fixed_now, fmt):
    path, _ids = users
    result = cli("report", "visitors", "--date", "2026-01-01", "-f", fmt, "--db", path, env=SUP)
    assert result.exit_code == 0, result.stderr
    if fmt == "json":
        summary = json.loads(result.output)["sections"][0]
        assert summary["facts"]["slips"] == 0 and summary["facts"]["average_stay"] is None
    elif fmt == "markdown":
        assert "### By day\n\nNo visitors in this period.\n" in result.output
    else:
        assert "No visitors in this period." in result.output


def test_daily_report_lists_the_shifts(cli, day):
    path, _shift = day
    result = cli("report", "daily", "--date", "2026-11-28", "--db", path, env=SUP)
    assert result.exit_code == 0, result.stderr
    assert (
        "\n    1   前台   李静 (op1)   2026-11-28 08:00   2026-11-28 20:00   refused    op2\n"
        in result.output
    )
    assert (
        "\n    2   前台   张敏 (op2)   2026-11-28 20:00   still on duty      none       —\n"
        in result.output
    )


def test_shift_report_chinese(cli, day):
    path, shift_id = day
    result = cli("--lang", "zh", "report", "shift", "--shift", str(shift_id), "--db", path, env=SUP)
    assert result.exit_code == 0, result.stderr
    assert result.output.startswith("交班报告\n")
    assert "电梯故障、不能正常运行" in result.output


@pytest.mark.parametrize("who,code", [(SUP, 0), (ADMIN, 0), (OP, 1)])
def test_reports_are_for_supervisors_and_admins(cli, day, who, code):
    path, _shift = day
    result = cli("report", "visitors", "--db", path, env=who)
    assert result.exit_code == code
    if code:
        assert result.output == ""
        assert result.stderr == "Your role (operator) may not run a report.\n"
        con = sqlite3.connect(path)
        (detail,) = con.execute(
            "select detail from audit_event where action = 'permission.denied'"
        ).fetchone()
        assert json.loads(detail) == {"action": "report.run", "role": "operator"}


@pytest.mark.parametrize(
    "args,message",
    [
        (["report", "visitors", "--shift", "1"], "--shift is for the shift report only."),
        (["report", "shift", "--since", "2026-11-01"], "The shift report takes --shift or --date."),
        (
            ["report", "daily", "--date", "2026-11-28", "--since", "2026-11-01"],
            "Give one of --date, --shift, or --since/--until.",
        ),
        (
            ["report", "daily", "--date", "2026-13-40"],
            "'2026-13-40' is not a date like 2026-11-28, 20261128, today, yesterday, -7d",
        ),
        (["report", "weekly"], "Invalid value for"),
    ],
)
def test_bad_usage_exits_2(cli, users, args, message):
    path, _ids = users
    result = cli(*args, "--db", path, env=SUP)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.output == ""


def test_unknown_shift_is_one_sentence(cli, users, fixed_now):
    path, _ids = users
    result = cli("report", "shift", "--shift", "99", "--db", path, env=SUP)
    assert result.exit_code == 1
    assert result.stderr == "There is no shift 99.\n"


@pytest.mark.parametrize("kind", ["shift", "daily", "sla", "visitors", "repairs"])
def test_builders_run_on_every_engine(engine, staff, clock, settings, kind):
    """The report SQL (hour buckets, durations, CASE sums) on SQLite and on PostgreSQL."""
    from deskterm.db import run_read
    from deskterm.models.repair import RepairOrder
    from deskterm.models.shift import Shift
    from deskterm.reports import builder
    from deskterm.reports.period import Period, day_period

    op = staff.operator.user_id
    start = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)  # midnight in Shanghai
    add(engine, Shift(post="前台", operator_id=op, started_at=start))
    add(
        engine,
        slip(
            "V20261128-0001",
            op,
            at=start + timedelta(hours=1),
            status="left",
            checked_out_at=start + timedelta(hours=1, minutes=45),
        ),
        slip("V20261128-0002", op, at=start + timedelta(hours=9)),
    )
    add(
        engine,
        RepairOrder(
            number="R20261128-0001",
            reporter_name="刘洋",
            category_code="lift_failure",
            description="电梯停运",
            repair_class="urgent",
            scope="public",
            reported_at=start + timedelta(hours=2),
            reported_by=op,
            onsite_due_at=start + timedelta(hours=4),
            fix_due_at=start + timedelta(hours=26),
        ),
    )
    period = day_period(datetime(2026, 11, 28).date(), settings.timezone)
    if kind == "shift":
        period = Period(period.start, period.end)
    build = builder(kind)
    report = run_read(
        engine, lambda s: build(session=s, period=period, settings=settings, clock=clock)
    )
    data = json.loads(_render(report, "json"))
    assert data["report"] == kind
    if kind == "visitors":
        summary = data["sections"][0]["facts"]
        assert (summary["slips"], summary["average_stay"]) == (2, 45)
        bars = {b["label"]: b["value"] for b in data["sections"][1]["charts"][0]["bars"]}
        assert bars["01:00"] == 1 and bars["09:00"] == 1
    if kind == "sla":
        # clock: 10:00; nobody went on site by 04:00 (missed), the 24 h repair deadline still runs
        assert data["sections"][0]["facts"]["pending"] == 1
        assert data["sections"][1]["facts"]["count"] == 1
    for fmt in ("text", "markdown", "html"):
        assert _render(report, fmt)


def _render(report, fmt):
    import io

    from deskterm.reports.render import render

    out = io.StringIO()
    render(report, fmt, out)
    return out.getvalue()


def test_complaints_report_without_the_contact(cli, day):
    from deskterm.models.complaint import Callback, Complaint

    path, _shift = day
    engine = make_engine(path)
    op1 = sqlite3.connect(path).execute("select id from user where code = 'op1'").fetchone()[0]
    (cid,) = add(
        engine,
        Complaint(
            number="C20261128-0001",
            who_name="周晓东",
            contact="13955556666",
            category="noise_neighbours",
            content="楼上装修噪音 =1+1",
            received_at=START,
            received_by=op1,
            reply_due_at=START + timedelta(hours=24),
            status="referred",
            referred_at=START + timedelta(minutes=10),
        ),
    )
    add(
        engine,
        Callback(
            subject_kind="complaint",
            subject_id=cid,
            due_at=START + timedelta(hours=5),
            done_at=START + timedelta(hours=4),
            result="satisfied",
        ),
    )
    engine.dispose()
    result = cli(
        "report", "complaints", "--date", "2026-11-28", "-f", "json", "--db", path, env=SUP
    )
    assert result.exit_code == 0, result.stderr
    sections = {s["key"]: s for s in json.loads(result.output)["sections"]}
    assert sections["summary"]["facts"]["received"] == 1
    assert sections["summary"]["facts"]["callbacks_on_time"] == {
        "part": 1,
        "whole": 1,
        "percent": 100.0,
    }
    (row,) = sections["complaints"]["tables"][0]["rows"]
    assert (row["number"], row["status"], row["content"], row["reply_due"]) == (
        "C20261128-0001",
        "referred",
        "楼上装修噪音 =1+1",
        "2026-11-29T08:00:00+08:00",
    )
    (call,) = sections["callbacks"]["tables"][0]["rows"]
    assert (call["number"], call["result"], call["on_time"]) == (
        "C20261128-0001",
        "satisfied",
        True,
    )
    assert "5555" not in result.output
    text = cli(
        "--lang", "zh", "report", "complaints", "--date", "2026-11-28", "--db", path, env=SUP
    )
    assert text.output.startswith("投诉报告\n") and "已转交" in text.output


def test_json_money_is_exact_fen_beside_the_yuan_text():
    """Every Money of a report, in a fact or a table, whatever its key is called, goes to JSON
    as the integer of fen under *_fen and the yuan text under *_yuan (as exports do); nothing
    under *_fen is ever text."""
    from deskterm.reports.model import Column, Fact, Money, Report, Section, Table

    report = Report(
        kind="repairs",
        title="t",
        subtitle="",
        start=datetime(2026, 11, 1, tzinfo=UTC),
        end=datetime(2026, 11, 2, tzinfo=UTC),
        timezone="Asia/Shanghai",
        generated_at=datetime(2026, 11, 2, tzinfo=UTC),
        sections=[
            Section(
                key="s",
                title="s",
                facts=[Fact("fees_charged", "F", Money(123456)), Fact("count", "C", 3)],
                tables=[
                    Table(
                        "t",
                        "T",
                        [
                            Column("number", "N"),
                            Column("labour_fen", "L"),
                            Column("total_yuan", "Y"),
                        ],
                        [["R1", Money(2000), Money(5)]],
                    )
                ],
            )
        ],
    )
    section = json.loads(_render(report, "json"))["sections"][0]
    assert section["facts"] == {
        "fees_charged_fen": 123456,
        "fees_charged_yuan": "1234.56",
        "count": 3,
    }
    assert section["tables"][0]["rows"] == [
        {
            "number": "R1",
            "labour_fen": 2000,
            "labour_yuan": "20.00",
            "total_fen": 5,
            "total_yuan": "0.05",
        }
    ]


def test_chart_counts_are_whole_in_every_format():
    """A count chart reads 22 (not 22.0) in text, markdown, HTML and JSON; a percent chart keeps
    its decimal."""
    from deskterm.reports.model import Chart, Report, Section

    counts = Chart("by_category", "By category", [("漏水", 22.0), ("电梯", 3)])
    shares = Chart("met", "Met", [("漏水", 87.5)], percent=True)
    report = Report(
        kind="repairs",
        title="t",
        start=datetime(2026, 11, 1, tzinfo=UTC),
        end=datetime(2026, 11, 2, tzinfo=UTC),
        timezone="Asia/Shanghai",
        generated_at=datetime(2026, 11, 2, tzinfo=UTC),
        sections=[Section(key="s", title="s", charts=[counts, shares])],
    )
    for fmt in ("text", "markdown", "html", "json"):
        shown = _render(report, fmt)
        assert "22.0" not in shown and "3.0" not in shown, (fmt, shown)
        assert "22" in shown and "87.5" in shown, fmt
    bars = json.loads(_render(report, "json"))["sections"][0]["charts"][0]["bars"]
    assert [b["value"] for b in bars] == [22, 3]
    assert "| 漏水 | 22 |" in _render(report, "markdown")
