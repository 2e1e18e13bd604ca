"""Importing reference data: the directory (services.directory checks and writes it) and the
fee schedule 《维修项目收费标准》 (a new version through services.fees, D-36)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, select

from deskterm.clock import Clock
from deskterm.config import Settings
from deskterm.i18n import _
from deskterm.models.repair import FeeScheduleItem
from deskterm.services.actor import Actor
from deskterm.services.sheets import ImportResult, RowProblem, Sheet

if TYPE_CHECKING:  # imported when a directory is imported: it loads the pinyin dictionary
    from deskterm.services.inquiries.directory import ImportReport


def import_directory(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    sheet: Sheet,
    result: ImportResult,
    skip_bad: bool,
) -> None:
    from deskterm.services.inquiries.directory import import_directory_rows

    rows = [
        {k: (v.isoformat(sep=" ") if isinstance(v, datetime) else v) for k, v in cells.items()}
        for _line, cells in sheet.rows
    ]
    lines = [line for line, _cells in sheet.rows]

    def run(selected: list[int], dry_run: bool) -> ImportReport:
        return import_directory_rows(
            session=session,
            actor=actor,
            clock=clock,
            tz=settings.timezone,
            rows=[rows[i] for i in selected],
            dry_run=dry_run,
        )

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
        raise ValueError(
            _("“{value}” is not a date like 2026-12-01.").format(value=value)
        ) from None


def _fen(value: Any, column: str) -> int:
    from deskterm.rules.money import parse_yuan

    text = str(value if value not in (None, "") else "0").strip()
    try:
        return parse_yuan(text)
    except (ValueError, TypeError):
        raise ValueError(
            _("{column} “{value}” is not an amount like 12.50.").format(column=column, value=value)
        ) from None


def import_fees(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    sheet: Sheet,
    result: ImportResult,
    skip_bad: bool,
) -> None:
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
            item = FeeItemIn(
                code=code,
                name=name,
                unit=str(cells.get("unit", "")).strip(),
                labour_fen=_fen(cells.get("labour"), _("labour")),
                materials_fen=_fen(cells.get("materials"), _("materials cost")),
            )
            valid_from = _day(cells.get("valid_from"), today)
            check_item(item)  # all that the write checks, here: the dry run says it by line
        except (ValueError, InvalidInput) as exc:
            result.problems.append(RowProblem(line, str(exc)))
            continue
        if (code, valid_from) in seen:
            result.problems.append(
                RowProblem(
                    line,
                    _("The same entry is already on line {line}.").format(
                        line=seen[(code, valid_from)]
                    ),
                )
            )
            continue
        seen[(code, valid_from)] = line
        same_day = session.exec(
            select(FeeScheduleItem).where(
                FeeScheduleItem.code == code, FeeScheduleItem.valid_from == valid_from
            )
        ).first()
        later = session.exec(
            select(FeeScheduleItem).where(
                FeeScheduleItem.code == code, FeeScheduleItem.valid_from > valid_from
            )
        ).first()
        if same_day is not None:
            unchanged = (
                same_day.name,
                same_day.unit,
                same_day.labour_fen,
                same_day.materials_fen,
            ) == (item.name, item.unit, item.labour_fen, item.materials_fen)
            if unchanged:
                result.unchanged += 1
                continue
            result.problems.append(
                RowProblem(
                    line,
                    _(
                        "Item {code} already has other prices from {day}; give the new prices a later 生效日期."
                    ).format(code=code, day=valid_from.isoformat()),
                )
            )
            continue
        if later is not None:
            result.problems.append(
                RowProblem(
                    line,
                    _(
                        "Item {code} already has a version from {day}; a new one must start later."
                    ).format(code=code, day=later.valid_from.isoformat()),
                )
            )
            continue
        exists = session.exec(
            select(FeeScheduleItem.id).where(FeeScheduleItem.code == code)
        ).first()
        if exists is None:
            result.created += 1
        else:
            result.updated += 1
        versions[valid_from].append(item)
    write = not result.dry_run and (skip_bad or not result.problems)
    if write:
        for valid_from in sorted(versions):
            add_schedule_version(
                session=session,
                actor=actor,
                clock=clock,
                items=versions[valid_from],
                valid_from=valid_from,
            )
    result.applied = write and bool(versions)


def import_categories(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    sheet: Sheet,
    result: ImportResult,
    skip_bad: bool,
) -> None:
    """D-30: the site's repair categories. A new code is added, a known one takes the file's
    name, class, scope and order (the admin's explicit edit; `init` never does this). Each row
    is held to the same check as the admin's screen (services.admin.repair_categories); a
    retired category stays retired (the file has no column for it)."""
    from deskterm.errors import InvalidInput
    from deskterm.models.repair import RepairCategory
    from deskterm.services.admin.repair_categories import (
        check_category,
        differs,
        same_name,
        stored_names,
        write_category,
    )

    seen: dict[str, int] = {}
    rows: list[dict[str, Any]] = []
    stored = {c["code"]: c for c in stored_names(session)}
    named: list[tuple[int, dict[str, Any]]] = []  # (line, values) of the good rows so far
    for line, cells in sheet.rows:
        try:  # the admin screen's check, the write's text rules included (models/guard.py)
            values = check_category(
                code=cells.get("code"),
                name_zh=cells.get("name_zh"),
                name_en=cells.get("name_en"),
                repair_class=cells.get("repair_class"),
                scope=cells.get("scope"),
                sort=cells.get("sort"),
            )
        except InvalidInput as exc:
            result.problems.append(RowProblem(line, str(exc)))
            continue
        if values["code"] in seen:
            result.problems.append(
                RowProblem(
                    line,
                    _("The same entry is already on line {line}.").format(
                        line=seen[values["code"]]
                    ),
                )
            )
            continue
        # a name that reads like another row's of the file, or a stored category's the file
        # does not rename
        earlier = next((n for n, v in named if same_name(values, [v])), None)
        if earlier is not None:
            result.problems.append(
                RowProblem(line, _("The same name is already on line {line}.").format(line=earlier))
            )
            continue
        others = [v for code, v in stored.items() if code not in seen and code != values["code"]]
        clash = same_name(values, others)
        if clash:
            result.problems.append(RowProblem(line, clash))
            continue
        seen[values["code"]] = line
        named.append((line, values))
        rows.append(values)
    changes = []
    for values in rows:
        row = session.get(RepairCategory, values["code"])
        if row is None:
            result.created += 1
        elif not differs(row, values):
            result.unchanged += 1
            continue
        else:
            result.updated += 1
        changes.append((row, values))
    write = not result.dry_run and (skip_bad or not result.problems)
    if write:
        for row, values in changes:
            write_category(session, row, values)
        session.flush()
    result.applied = write and bool(changes)
