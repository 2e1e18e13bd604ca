"""D-32 (issue 21): the notice of where and when repairs are reported is built from the
settings and the directory, so it follows them."""

from __future__ import annotations

from deskterm.config import SlaPolicy
from deskterm.db import run_read, run_write
from deskterm.models.directory import DirectoryEntry, DirectoryKind
from deskterm.services.inquiries import notice


def add_phone(engine, name, phone, hours=None):
    def work(s):
        s.add(DirectoryEntry(kind=DirectoryKind.phone, name=name, phone=phone, hours=hours))
        s.add(DirectoryEntry(kind=DirectoryKind.bank, name=name + "银行", phone="95588"))

    run_write(engine, work)


def test_the_notice_follows_the_settings_and_the_directory(engine, settings):
    add_phone(engine, "报修热线", "0571-8888 0110", "24小时")
    add_phone(engine, "物业财务室", "0571-8888 0199")
    lines = run_read(engine, lambda s: notice.repair_notice(s, settings))
    assert lines[0] == "Where and when to report repairs"
    assert f"Report at: {settings.post}" in lines
    assert "Phone: 报修热线 0571-8888 0110 (24小时)" in lines
    assert not any("财务" in line or "95588" in line for line in lines)
    assert any("on site within 2 h, repaired within 24 h" in line for line in lines)
    site = settings.replace(
        repair_report_place="A座一楼物业服务中心",
        repair_report_hours="07:30-21:00",
        sla=SlaPolicy(urgent_onsite_minutes=90),
        warranty_months=6,
    )
    lines = run_read(engine, lambda s: notice.repair_notice(s, site))
    assert "Report at: A座一楼物业服务中心" in lines
    assert any(line.startswith("Hours: 07:30-21:00") for line in lines)
    assert any("on site within 1 h 30 min" in line for line in lines)
    assert "Repairs are under warranty for 6 months." in lines
    printed = notice.notice_text(lines)
    assert printed.splitlines()[1].startswith("====") and printed.endswith("\n")


def test_without_a_phone_in_the_directory_the_notice_says_ask_at_the_desk(engine, settings):
    none = settings.replace(repair_phone_names=("没有这样的电话",))
    lines = run_read(engine, lambda s: notice.repair_notice(s, none))
    assert "Phone: ask at the desk." in lines
