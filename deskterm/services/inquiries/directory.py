"""The desk's reference directory (D-23): the project's services and the layout of its areas;
transport, shops, entertainment and banks nearby; events (time, place, content); the
project's own phone directory (offices and departments — never residents).

`import_directory_rows` is what `deskterm import directory FILE` calls with the rows of a
CSV or XLSX file: every row is checked first and nothing is written if any row is wrong;
entries are matched by kind and name (events by title and start), so importing the same file
twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from deskterm.clock import Clock, as_utc
from deskterm.db import lock_first, stored_id
from deskterm.errors import InvalidInput, NotFound
from deskterm.i18n import N_, _
from deskterm.models.directory import DirectoryEntry, DirectoryKind, Event
from deskterm.models.guard import check_values
from deskterm.rules.pinyin import pinyin_keys
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.permissions import require

COLUMNS = ("kind", "name", "location", "phone", "hours", "notes", "starts_at", "ends_at")
EVENT = "event"

KIND_LABELS = {
    DirectoryKind.service: N_("service"),
    DirectoryKind.layout: N_("layout"),
    DirectoryKind.transport: N_("transport"),
    DirectoryKind.shop: N_("shop"),
    DirectoryKind.entertainment: N_("entertainment"),
    DirectoryKind.bank: N_("bank"),
    DirectoryKind.phone: N_("office phone"),
}
# What an admin may write in the kind column: the codes, and the Chinese words for them.
KIND_WORDS = {
    "服务": "service",
    "服务项目": "service",
    "布局": "layout",
    "区域": "layout",
    "交通": "transport",
    "商店": "shop",
    "购物": "shop",
    "商铺": "shop",
    "娱乐": "entertainment",
    "银行": "bank",
    "电话": "phone",
    "办公电话": "phone",
    "通讯录": "phone",
    "活动": "event",
    "事件": "event",
}
_LIMITS = {"name": 128, "location": 256, "phone": 64, "hours": 128, "notes": 1000}


@dataclass
class RowProblem:
    line: int  # the line in the file (the header is line 1)
    message: str


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    events_added: int = 0
    events_updated: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def kind_label(kind: str) -> str:
    try:
        return _(KIND_LABELS[DirectoryKind(kind)])
    except ValueError:
        return _("event") if kind == EVENT else kind


def entry_kind(value: str) -> str:
    text = (value or "").strip()
    word = KIND_WORDS.get(text, text.lower())
    if word == EVENT:
        return EVENT
    try:
        return DirectoryKind(word).value
    except ValueError:
        raise InvalidInput(
            _(
                "Unknown kind “{kind}”: use service, layout, transport, shop, entertainment, "
                "bank, phone or event."
            ).format(kind=text),
            field="kind",
        ) from None


def _when(value: Any, tz: str, column: str) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        text = str(value).strip().replace("/", "-").replace("T", " ")
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise InvalidInput(
                _("{column} must be a date and time like 2026-12-01 19:00.").format(column=column),
                field=column,
            ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(tz))
    try:
        return as_utc(parsed)
    except OverflowError:  # year 0001 at the edge of the clock
        raise InvalidInput(
            _("{column} must be a date and time like 2026-12-01 19:00.").format(column=column),
            field=column,
        ) from None


def _cell(row: Mapping[str, Any], key: str) -> str:
    value = row.get(key)
    if value is None:
        return ""
    return " ".join(str(value).split())


@dataclass
class _Checked:
    kind: str
    values: dict[str, Any]


def check_row(row: Mapping[str, Any], tz: str) -> _Checked:
    row = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
    kind = entry_kind(_cell(row, "kind"))
    name = _cell(row, "name") or _cell(row, "title")
    if not name:
        raise InvalidInput(_("The name is empty."), field="name")
    values: dict[str, Any] = {"name": name}
    for key in ("location", "phone", "hours", "notes"):
        values[key] = _cell(row, key) or None
    for key, limit in _LIMITS.items():
        if values.get(key) and len(values[key]) > limit:
            raise InvalidInput(
                _("{column} is longer than {n} characters.").format(column=key, n=limit),
                field=key,
            )
    if kind == EVENT:
        starts = _when(row.get("starts_at"), tz, "starts_at")
        if starts is None:
            raise InvalidInput(_("An event needs starts_at (date and time)."), field="starts_at")
        ends = _when(row.get("ends_at"), tz, "ends_at")
        if ends is not None and ends < starts:
            raise InvalidInput(_("The event ends before it starts."), field="ends_at")
        if not values["location"]:
            raise InvalidInput(_("An event needs a place (the location column)."), field="location")
        values.update(starts_at=starts, ends_at=ends)
    elif kind == DirectoryKind.phone.value and not values["phone"]:
        raise InvalidInput(_("A phone-directory entry needs a phone number."), field="phone")
    # the columns' limits and text rules, as the flush will check them (models/guard.py): a
    # dry run says by line what the write would refuse
    if kind == EVENT:
        check_values(
            Event, {"title": name, "place": values["location"], "content": values["notes"]}
        )
    else:
        check_values(DirectoryEntry, values)
    return _Checked(kind, values)


def import_directory_rows(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    tz: str,
    rows: Iterable[Mapping[str, Any]],
    dry_run: bool = False,
) -> ImportReport:
    """Check every row, then (unless `dry_run` or a row is wrong) add or update entries.

    Columns: kind, name, location, phone, hours, notes; events also starts_at and ends_at
    (desk time), their place in location and their content in notes.
    """
    require(actor, "import.run")
    report = ImportReport(dry_run=dry_run)
    checked: list[_Checked] = []
    first_line: dict[tuple[str, Any, Any], int] = {}  # (kind, name, starts_at): line
    for line, row in enumerate(rows, start=2):
        try:
            item = check_row(row, tz)
        except InvalidInput as exc:
            report.problems.append(RowProblem(line, str(exc)))
            continue
        key = (item.kind, item.values["name"], item.values.get("starts_at"))
        if key in first_line:
            report.problems.append(
                RowProblem(
                    line,
                    _("The same entry is already on line {line}.").format(line=first_line[key]),
                )
            )
            continue
        first_line[key] = line
        checked.append(item)
    if report.problems:
        return report
    for item in checked:
        if item.kind == EVENT:
            _upsert_event(session, item.values, report, write=not dry_run)
        else:
            _upsert_entry(session, item.kind, item.values, report, write=not dry_run)
    if dry_run:
        return report
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="directory.import",
        entity="directory_entry",
        detail={
            "added": report.added,
            "updated": report.updated,
            "events_added": report.events_added,
            "events_updated": report.events_updated,
        },
    )
    return report


def _upsert_entry(
    session: Session, kind: str, values: dict[str, Any], report: ImportReport, *, write: bool
) -> None:
    entry = lock_first(
        session,
        select(DirectoryEntry).where(
            DirectoryEntry.kind == kind, DirectoryEntry.name == values["name"]
        ),
    )
    full, initials = pinyin_keys(values["name"])
    fields = {**values, "name_pinyin": full, "name_initials": initials}
    if entry is None:
        report.added += 1
        if write:
            session.add(DirectoryEntry(kind=DirectoryKind(kind), **fields))
        return
    if all(getattr(entry, k) == v for k, v in fields.items()):
        report.unchanged += 1
        return
    report.updated += 1
    if write:
        for key, value in fields.items():
            setattr(entry, key, value)
        session.add(entry)


def _upsert_event(
    session: Session, values: dict[str, Any], report: ImportReport, *, write: bool
) -> None:
    event = lock_first(
        session,
        select(Event).where(Event.title == values["name"], Event.starts_at == values["starts_at"]),
    )
    full, initials = pinyin_keys(values["name"])
    fields = {
        "title": values["name"],
        "place": values["location"],
        "starts_at": values["starts_at"],
        "ends_at": values["ends_at"],
        "content": values["notes"],
        "title_pinyin": full,
        "title_initials": initials,
    }
    if event is None:
        report.events_added += 1
        if write:
            session.add(Event(**fields))
        return
    if all(getattr(event, k) == v for k, v in fields.items()):
        report.unchanged += 1
        return
    report.events_updated += 1
    if write:
        for key, value in fields.items():
            setattr(event, key, value)
        session.add(event)


def add_event(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    title: str,
    place: str,
    starts_at: datetime,
    ends_at: datetime | None = None,
    content: str | None = None,
) -> Event:
    """An event on the estate (time, place, content) that the desk can answer about (D-23)."""
    require(actor, "import.run")
    title, place = " ".join((title or "").split()), " ".join((place or "").split())
    if not title or len(title) > 128:
        raise InvalidInput(_("An event's title is 1 to 128 characters."), field="title")
    if not place or len(place) > 128:
        raise InvalidInput(_("An event's place is 1 to 128 characters."), field="place")
    if ends_at is not None and as_utc(ends_at) < as_utc(starts_at):
        raise InvalidInput(_("The event ends before it starts."), field="ends_at")
    full, initials = pinyin_keys(title)
    event = Event(
        title=title,
        place=place,
        starts_at=as_utc(starts_at),
        ends_at=as_utc(ends_at) if ends_at else None,
        content=(content or "").strip() or None,
        title_pinyin=full,
        title_initials=initials,
    )
    session.add(event)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="event.create",
        entity="event",
        entity_id=event.id,
        detail={"title": title},
    )
    return event


@dataclass(frozen=True)
class EntryView:
    kind: str
    id: int
    name: str
    location: str
    phone: str
    hours: str
    notes: str
    starts_at: datetime | None = None
    ends_at: datetime | None = None


def get_entry(*, session: Session, kind: str, entry_id: int) -> EntryView:
    """A directory entry or an event, for the desk to read out (D-24: clearly, briefly)."""
    if kind == EVENT:
        event = session.get(Event, entry_id)
        if event is None:
            raise NotFound(_("No event has the number {id}.").format(id=entry_id))
        return EntryView(
            EVENT,
            stored_id(event),
            event.title,
            event.place,
            "",
            "",
            event.content or "",
            event.starts_at,
            event.ends_at,
        )
    entry = session.get(DirectoryEntry, entry_id)
    if entry is None:
        raise NotFound(_("No directory entry has the number {id}.").format(id=entry_id))
    return EntryView(
        str(entry.kind),
        stored_id(entry),
        entry.name,
        entry.location or "",
        entry.phone or "",
        entry.hours or "",
        entry.notes or "",
    )


# -- browsing the reference material by kind (D-23) ------------------------------------------
PAST_EVENT = "past_event"
# The order the desk pages through with one key: what callers ask most first.
BROWSE_KINDS = (
    DirectoryKind.transport.value,
    DirectoryKind.bank.value,
    EVENT,
    PAST_EVENT,
    DirectoryKind.phone.value,
    DirectoryKind.shop.value,
    DirectoryKind.entertainment.value,
    DirectoryKind.service.value,
    DirectoryKind.layout.value,
)
BROWSE_LABELS = {EVENT: N_("events"), PAST_EVENT: N_("past events")}
EVENT_STILL_ON = timedelta(days=1)  # an event that started less than a day ago is still "on"


def browse_label(kind: str) -> str:
    return _(BROWSE_LABELS[kind]) if kind in BROWSE_LABELS else kind_label(kind)


def _event_view(event: Event) -> EntryView:
    return EntryView(
        EVENT,
        stored_id(event),
        event.title,
        event.place,
        "",
        "",
        event.content or "",
        event.starts_at,
        event.ends_at,
    )


def browse(*, session: Session, kind: str, now: datetime, limit: int = 300) -> list[EntryView]:
    """The entries of one kind, to read down the list: directory entries by name; events to
    come soonest first; past events (still findable) latest first."""
    if kind not in BROWSE_KINDS:
        raise InvalidInput(
            _("Unknown kind of reference entry: {kind}.").format(kind=kind), field="kind"
        )
    since = as_utc(now) - EVENT_STILL_ON
    if kind == EVENT:
        rows = session.exec(
            select(Event)
            .where(Event.starts_at >= since)
            .order_by(col(Event.starts_at), col(Event.id))
            .limit(limit)
        )
        return [_event_view(e) for e in rows]
    if kind == PAST_EVENT:
        rows = session.exec(
            select(Event)
            .where(Event.starts_at < since)
            .order_by(col(Event.starts_at).desc(), col(Event.id).desc())
            .limit(limit)
        )
        return [_event_view(e) for e in rows]
    entries = session.exec(
        select(DirectoryEntry)
        .where(DirectoryEntry.kind == kind)
        .order_by(col(DirectoryEntry.name_pinyin), col(DirectoryEntry.id))
        .limit(limit)
    )
    return [
        EntryView(
            str(e.kind),
            stored_id(e),
            e.name,
            e.location or "",
            e.phone or "",
            e.hours or "",
            e.notes or "",
        )
        for e in entries
    ]


def browse_counts(*, session: Session, now: datetime) -> dict[str, int]:
    """How many entries each kind holds (kinds with none are shown too, as 0)."""
    since = as_utc(now) - EVENT_STILL_ON
    counts = {kind: 0 for kind in BROWSE_KINDS}
    for kind, n in session.exec(
        select(DirectoryEntry.kind, func.count()).group_by(DirectoryEntry.kind)
    ):
        counts[str(kind)] = n
    counts[EVENT] = session.exec(
        select(func.count()).select_from(Event).where(Event.starts_at >= since)
    ).one()
    counts[PAST_EVENT] = session.exec(
        select(func.count()).select_from(Event).where(Event.starts_at < since)
    ).one()
    return counts
