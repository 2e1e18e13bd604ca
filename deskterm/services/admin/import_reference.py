"""Importing reference data: the directory (services.directory checks and writes it) and the
fee schedule 《维修项目收费标准》 (a new version through services.fees, D-36)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from deskterm.db import lock_row
from deskterm.i18n import _
from deskterm.models.repair import FeeScheduleItem
from deskterm.services.admin.sheets import ImportResult, RowProblem, Sheet


def import_directory(*, session: Session, actor, clock, settings, sheet: Sheet, result: ImportResult,
                     skip_bad: bool) -> None:
    from deskterm.services.inquiries.directory import import_directory_rows

    rows = [{k: (v.isoformat(sep=" ") if isinstance(v, datetime) else v) for k, v in cells.items()}
            for _line, cells in sheet.rows]
    lines = [line for line, _cells in sheet.rows]

    def run(selected, dry_run):
        return import_directory_rows(session=session, actor=actor, clock=clock, tz=settings.timezone,
                                     rows=[rows[i] for i in selected], dry_run=dry_run)

    everything = list(range(len(rows)))
    checked = run(everything, dry_run=True)
    result.problems = [RowProblem(lines[p.line - 2], p.message) for p in checked.problems]
    bad = {lines.index(p.line) for p in result.problems}
    good = [i for i in everything if i not in bad]
    write = not result.dry_run and (skip_bad or not result.problems)
    report = run(good, dry_run=not write) if good else checked
    result.created = report.added + report.events_added
    result.updated = report.updated + report.events_updated
    result.unchanged = report.unchanged
    if report.events_added or report.events_updated:
        result.extra["events"] = report.events_added + report.events_updated
    result.applied = write and bool(good)


def _day(value: Any, default: date) -> date:
    if value in ("", None):
        return default
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip().replace("/", "-"))
    except ValueError:
        raise ValueError(_("“{value}” is not a date like 2026-12-01.").format(value=value)) from None


def _fen(value: Any, column: str) -> int:
    from deskterm.rules.money import parse_yuan

    text = str(value if value not in (None, "") else "0").strip()
    try:
        return parse_yuan(text)
    except (ValueError, TypeError):
        raise ValueError(_("{column} “{value}” is not an amount like 12.50.").format(column=column, value=value)) from None


def import_fees(*, session: Session, actor, clock, settings, sheet: Sheet, result: ImportResult,
                skip_bad: bool) -> None:
    """Each row is an item of the schedule version in force from its 生效日期 (default: today).

    An item already in the schedule from that day with the same prices is unchanged; with other
    prices it is a bad row (a version is never rewritten: give a later date).
    """
    from deskterm.errors import InvalidInput
    from deskterm.services.repairs.fee_schedule import (
        FeeItemIn,
        add_schedule_version,
        check_item,
        desk_day,
    )

    today = desk_day(clock, settings)
    versions: dict[date, list[FeeItemIn]] = defaultdict(list)
    seen: dict[tuple[str, date], int] = {}
    for line, cells in sheet.rows:
        try:
            code, name = str(cells["code"]).strip(), " ".join(str(cells["name"]).split())
            if not code or not name:
                raise ValueError(_("Every item needs a code (编号) and a name (服务项目)."))
            item = FeeItemIn(code=code, name=name, unit=str(cells.get("unit", "")).strip(),
                             labour_fen=_fen(cells.get("labour"), _("labour")),
                             materials_fen=_fen(cells.get("materials"), _("materials cost")))
            valid_from = _day(cells.get("valid_from"), today)
            check_item(item)  # all that the write checks, here: the dry run says it by line
        except (ValueError, InvalidInput) as exc:
            result.problems.append(RowProblem(line, str(exc)))
            continue
        if (code, valid_from) in seen:
            result.problems.append(RowProblem(line, _("The same entry is already on line {line}.").format(
                line=seen[(code, valid_from)])))
            continue
        seen[(code, valid_from)] = line
        same_day = session.exec(select(FeeScheduleItem).where(FeeScheduleItem.code == code,
                                                              FeeScheduleItem.valid_from == valid_from)).first()
        later = session.exec(select(FeeScheduleItem).where(FeeScheduleItem.code == code,
                                                           FeeScheduleItem.valid_from > valid_from)).first()
        if same_day is not None:
            unchanged = (same_day.name, same_day.unit, same_day.labour_fen, same_day.materials_fen) == (
                item.name, item.unit, item.labour_fen, item.materials_fen)
            if unchanged:
                result.unchanged += 1
                continue
            result.problems.append(RowProblem(line, _(
                "Item {code} already has other prices from {day}; give the new prices a later 生效日期.").format(
                code=code, day=valid_from.isoformat())))
            continue
        if later is not None:
            result.problems.append(RowProblem(line, _(
                "Item {code} already has a version from {day}; a new one must start later.").format(
                code=code, day=later.valid_from.isoformat())))
            continue
        exists = session.exec(select(FeeScheduleItem.id).where(FeeScheduleItem.code == code)).first()
        if exists is None:
            result.created += 1
        else:
            result.updated += 1
        versions[valid_from].append(item)
    write = not result.dry_run and (skip_bad or not result.problems)
    if write:
        for valid_from in sorted(versions):
            add_schedule_version(session=session, actor=actor, clock=clock, items=versions[valid_from],
                                 valid_from=valid_from)
    result.applied = write and bool(versions)


CLASS_WORDS = {"urgent": "urgent", "急修": "urgent", "急": "urgent",
               "general": "general", "一般": "general", "一般项目": "general", "急修项目": "urgent"}
SCOPE_WORDS = {"": "any", "any": "any", "不限": "any", "全部": "any", "household": "household",
               "户内": "household", "住户": "household", "public": "public", "公共": "public",
               "公共设施": "public"}


def import_categories(*, session: Session, actor, clock, settings, sheet: Sheet,
                      result: ImportResult, skip_bad: bool) -> None:
    """D-30: the site's repair categories. A new code is added, a known one takes the file's
    name, class, scope and order (the admin's explicit edit; `init` never does this)."""
    import re

    from deskterm.models.repair import RepairCategory

    seen: dict[str, int] = {}
    rows: list[dict[str, Any]] = []
    for line, cells in sheet.rows:
        code = str(cells.get("code", "")).strip()
        name_zh = " ".join(str(cells.get("name_zh", "")).split())
        name_en = " ".join(str(cells.get("name_en", "") or "").split()) or name_zh
        klass = CLASS_WORDS.get(str(cells.get("repair_class", "")).strip().lower())
        scope = SCOPE_WORDS.get(str(cells.get("scope", "") or "").strip().lower())
        sort_text = str(cells.get("sort", "") or "0").strip()
        problem = None
        if not re.fullmatch(r"[a-z0-9_]{1,32}", code):
            problem = _("A category code is 1 to 32 lower-case letters, digits or _, like "
                        "heating_not_warm.")
        elif not name_zh or len(name_zh) > 64 or len(name_en) > 128:
            problem = _("A category needs a name (名称) of at most 64 characters.")
        elif klass is None:
            problem = _("The class (类别) is 急修/urgent or 一般/general.")
        elif scope is None:
            problem = _("The scope (范围) is 户内/household, 公共/public or empty for both.")
        elif not re.fullmatch(r"-?[0-9]{1,6}", sort_text.removesuffix(".0")):
            problem = _("The order (排序) is a whole number.")
        elif code in seen:
            problem = _("The same entry is already on line {line}.").format(line=seen[code])
        if problem is not None:
            result.problems.append(RowProblem(line, problem))
            continue
        seen[code] = line
        rows.append({"code": code, "name_zh": name_zh, "name_en": name_en,
                     "repair_class": klass, "scope": scope,
                     "sort": int(sort_text.removesuffix(".0"))})
    changes = []
    for values in rows:
        row = session.get(RepairCategory, values["code"])
        if row is None:
            result.created += 1
        elif all(getattr(row, k) == v for k, v in values.items()):
            result.unchanged += 1
            continue
        else:
            result.updated += 1
        changes.append((row, values))
    write = not result.dry_run and (skip_bad or not result.problems)
    if write:
        for row, values in changes:
            # an edit loads its row with the lock (desks' write guard); a new one is born here
            row = ((row and lock_row(session, RepairCategory, row.code))
                   or RepairCategory(code=values["code"]))
            for key, value in values.items():
                setattr(row, key, value)
            session.add(row)
        session.flush()
    result.applied = write and bool(changes)
