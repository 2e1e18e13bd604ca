"""Exports: one module per kind of record, each a column list and a SQLAlchemy Core select.

A kind module defines `FIELDS` ((Col, SQL expression) pairs, in output order), `TIME` (the
instant that --since / --until filter on, a column of the base table; None for the estate's
tables, which have no period), `FILTERS` (filter name -> value -> condition: status, building,
action, user) and `query()` (the select with its joins and order, unfiltered). Rows stream from the driver's cursor into
deskterm.export.write_rows; nothing is loaded as an ORM object (measured: ORM loading is 20x
slower than sqlite3 -csv, a raw cursor under 3x).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, literal, select
from sqlalchemy.engine import Engine
from sqlalchemy.sql import Select

from deskterm.export import BATCH, Col
from deskterm.exports.kinds import KINDS


class ExportFilterError(ValueError):
    """A filter or a column the kind does not have; the message is one sentence."""


@dataclass(frozen=True)
class ExportQuery:
    kind: str
    columns: tuple[Col, ...]
    rows: Select
    count: Select


def labelled(fields: Sequence[tuple[Col, Any]]) -> list[Any]:
    """The select list of FIELDS, each expression named after its column."""
    return [expr.label(col.name) for col, expr in fields]


def build_query(
    kind: str,
    *,
    since: datetime | None,
    until: datetime | None,
    filters: dict[str, str | None] | None = None,
    columns: Sequence[str] | None = None,
) -> ExportQuery:
    """The select for `kind` between two instants (since inclusive, until exclusive), with
    `filters` (name -> value, see the kind's FILTERS) and only `columns` (in that order)."""
    if kind not in KINDS:
        raise KeyError(kind)
    from deskterm.db import UTCDateTime
    from deskterm.i18n import _

    module = importlib.import_module(f"deskterm.exports.{kind}")
    fields = list(module.FIELDS)
    if columns:
        by_name = {col.name: (col, expr) for col, expr in fields}
        unknown = [c for c in columns if c not in by_name]
        if unknown:
            raise ExportFilterError(
                _("{kind} has no column {names}; its columns are {all}.").format(
                    kind=kind, names=", ".join(unknown), all=", ".join(by_name)
                )
            )
        fields = [by_name[c] for c in dict.fromkeys(columns)]
    rows = module.query()
    if columns:
        rows = rows.with_only_columns(*labelled(fields), maintain_column_froms=True)
    base = module.TIME.table if module.TIME is not None else module.BASE
    conditions, joined = [], False
    if (since is not None or until is not None) and module.TIME is None:
        raise ExportFilterError(
            _("{kind} has no period: leave out --since and --until.").format(kind=kind)
        )
    if since is not None:
        conditions.append(module.TIME >= literal(since, UTCDateTime))
    if until is not None:
        conditions.append(module.TIME < literal(until, UTCDateTime))
    for name, value in (filters or {}).items():
        if value is None:
            continue
        condition = getattr(module, "FILTERS", {}).get(name)
        if condition is None:
            raise ExportFilterError(
                _("{kind} cannot be filtered by {what}.").format(kind=kind, what=name)
            )
        conditions.append(condition(value))
        joined = True
    rows = rows.where(*conditions) if conditions else rows
    if joined:  # a filter may be on a joined table: count the filtered select
        count = select(func.count()).select_from(rows.order_by(None).subquery())
    else:  # the period is on the base table: count it alone (fast on a million rows)
        count = select(func.count()).select_from(base)
        count = count.where(*conditions) if conditions else count
    return ExportQuery(kind, tuple(col for col, _expr in fields), rows, count)


def check_filters(
    engine: Engine, kind: str, filters: dict[str, str | None] | None
) -> dict[str, str | None]:
    """The filters as the kind's FILTERS take them, each value checked against what exists: a
    status by its code or its name in English or Chinese (the word the zh xlsx shows), a
    building, a user or an action (or an action's kind, "resident") that the database holds.
    An unknown value is ExportFilterError, one sentence listing what there is."""
    from deskterm.exports import tables
    from deskterm.exports.labels import CODE_COLUMNS, enum_labels
    from deskterm.i18n import _, load_translation

    module = importlib.import_module(f"deskterm.exports.{kind}")
    checked = dict(filters or {})
    zh = load_translation("zh_CN")
    for name, value in checked.items():
        if value is None or name not in getattr(module, "FILTERS", {}):
            continue  # not given, or refused by build_query in one sentence
        text = " ".join(str(value).split())
        if name == "status":
            labels = enum_labels(CODE_COLUMNS[(kind, "status")])
            words: dict[str, str] = {}
            for code, label in labels.items():
                for word in (code, label, _(label), zh.gettext(label)):
                    words.setdefault(word.casefold(), code)
            shown = ", ".join(f"{code} ({_(label)})" for code, label in labels.items())
        else:
            column = {
                "building": tables.building.c.code,
                "user": tables.user.c.code,
                "action": tables.audit_event.c.action,
            }[name]
            with engine.connect() as conn:
                found = sorted(
                    (v for (v,) in conn.execute(select(column).distinct()) if v),
                    key=lambda v: (not v.isdigit(), int(v) if v.isdigit() else 0, v),
                )
            words = {v.casefold(): v for v in found}
            if name == "action":  # every action of a kind: "resident" is resident.create, ...
                for action in found:
                    words.setdefault(action.split(".")[0].casefold(), action.split(".")[0])
                found = list(dict.fromkeys(action.split(".")[0] for action in found))  # the kinds
            shown = ", ".join(found) or _("none yet")
        if text.casefold() not in words:
            what = {
                "status": "--status",
                "building": "--building",
                "user": "--by",
                "action": "--action",
            }[name]
            raise ExportFilterError(
                _("{kind} has no {option} “{value}”; there are: {values}.").format(
                    kind=kind, option=what, value=value, values=shown
                )
            )
        checked[name] = words[text.casefold()]
    return checked


@contextmanager
def open_rows(
    engine: Engine, query: ExportQuery, *, count: bool = False
) -> Iterator[tuple[int | None, Iterator[Sequence[Any]]]]:
    """(row count or None, batches of raw rows) inside one read transaction.

    The count and the rows come from the same snapshot. On SQLite the batches are read
    straight from the driver's cursor (SQLAlchemy's per-row fetch doubled the time of a
    million-row export); PostgreSQL streams through a server-side cursor.
    """
    with engine.connect() as conn:
        total = conn.execute(query.count).scalar_one() if count else None
        if engine.dialect.name == "sqlite":
            result = conn.execute(query.rows)
            cursor = result.cursor
            batches = iter(lambda: cursor.fetchmany(BATCH), [])
        else:
            result = conn.execution_options(yield_per=BATCH).execute(query.rows)
            batches = result.partitions()
        try:
            yield total, batches
        finally:
            result.close()


REASON_MAX = 500  # an export's reason, as the audit keeps it


def record_export(
    *,
    session,
    actor,
    clock,
    kind: str,
    fmt: str,
    since: datetime | None,
    until: datetime | None,
    include_pii: bool,
    reason: str | None,
    filters: dict | None = None,
    columns: Sequence[str] | None = None,
) -> None:
    """Audit an export (who, what, which period, whether personal data was included and why)."""
    from deskterm.services import audit
    from deskterm.services.permissions import require

    require(actor, "export.run")
    if include_pii:
        require(actor, "export.include_pii")
    if reason is not None:  # typed text like any other: control characters refused, numbers masked
        from deskterm.models.guard import NOTICES, check_text
        from deskterm.models.text import LINE

        reason = check_text(
            "reason", reason, REASON_MAX, LINE, session.info.setdefault(NOTICES, [])
        )

    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="export.run",
        entity="export",
        entity_id=kind,
        detail={
            "kind": kind,
            "format": fmt,
            "since": since,
            "until": until,
            "include_pii": include_pii,
            "reason": reason,
            **({"filters": filters} if filters else {}),
            **({"columns": list(columns)} if columns else {}),
        },
    )
