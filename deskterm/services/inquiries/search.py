"""The one search box of the inquiry desk (D-20, D-23): people, units and the directory.

The operator types a name (张建国, 建国), pinyin (zhangjianguo, zjg), a unit the way people
say it (12-1203, 12栋1203, A座1203, 1203) or a place in the directory (会所, 银行), and
every keystroke runs one SQL statement: a UNION ALL of indexed range scans, each branch
with its own LIMIT, so a keystroke costs about the same on 50,000 residents as on 50.

Privacy (D-21): a resident's or company's phone leaves this module masked only, and a
text that looks like a phone number searches no person at all (it would confirm or deny
whose number it is); only the directory's public office numbers are matched then.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import (
    BindParameter,
    Boolean,
    ColumnElement,
    Integer,
    Label,
    Select,
    SQLColumnExpression,
    String,
    and_,
    bindparam,
    cast,
    func,
    literal_column,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.engine import Dialect
from sqlmodel import Session, col

from deskterm.clock import Clock, as_utc
from deskterm.db import UTCDateTime
from deskterm.models.directory import DirectoryEntry, Event
from deskterm.models.estate import Company, Resident, Unit
from deskterm.models.user import User
from deskterm.rules.phone import looks_like_phone, mask_phone, normalise_phone
from deskterm.services.actor import Actor
from deskterm.services.permissions import require

RESIDENT_LIMIT = 30  # people shown for one keystroke; more means "keep typing"
OTHER_LIMIT = 8  # companies, staff, directory entries, events, each
UNIT_LIMIT = 40  # residents, tenants and empty units of the units a unit text names
EVENT_PAST = timedelta(days=1)  # events that started more than a day ago are not offered

Expr = SQLColumnExpression[Any]  # a column, or an expression over columns
Statement = Select[*tuple[Any, ...]]  # a branch's SELECT, or the UNION ALL of them


class HitKind(StrEnum):
    resident = "resident"
    company = "company"
    unit = "unit"  # a unit with nobody on record
    staff = "staff"
    directory = "directory"
    event = "event"


class Mode(StrEnum):
    empty = "empty"
    phone = "phone"  # refused for people (D-21)
    unit = "unit"  # a building and/or unit number
    pinyin = "pinyin"  # ASCII letters: pinyin, full or initials
    name = "name"  # anything else: Chinese names, companies, places


@dataclass(frozen=True)
class Plan:
    """What a search text is taken to mean."""

    mode: Mode
    term: str = ""  # the name or pinyin to look for (pinyin lower case)
    building: str | None = None  # building code ("12", "A") of a unit text
    number: str = ""  # unit number (prefix) of a unit text


class Hit(NamedTuple):
    """One search result. `phone` is masked for people; public for directory entries."""

    kind: HitKind
    id: int
    name: str
    place: str = ""  # unit label, location or event place
    role: str = ""  # relation (owner...), staff role, directory kind, company contact name
    phone: str = ""
    note: str = ""
    hours: str = ""
    at: datetime | None = None  # events: when it starts
    unit_id: int | None = None

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind.value, self.id)


@dataclass(frozen=True)
class SearchResult:
    text: str
    plan: Plan
    hits: tuple[Hit, ...] = ()
    more: bool = False  # some branch had more than it shows: type more
    phone_refused: bool = False  # the text looked like a phone number (D-21)
    counts: dict[str, int] = field(default_factory=dict)


# -- understanding the text -------------------------------------------------------------------

_UNIT_SEP = r"(?:座|栋|棟|幢|号楼|號樓|号|號|楼|樓|#|-|_|/|\.|\s)"
_UNIT_WITH_BUILDING = re.compile(
    rf"^(?P<b>[A-Z]|\d{{1,3}})\s*{_UNIT_SEP}+\s*(?P<n>\d{{0,5}})\s*(?:室|房|号|號)?$"
)
_UNIT_LETTER_NUMBER = re.compile(r"^(?P<b>[A-Z])(?P<n>\d{1,5})(?:室|房)?$")
_UNIT_NUMBER = re.compile(r"^(?P<n>\d{1,5})(?:室|房)?$")
_PINYIN = re.compile(r"^[a-z]+$")


def _fold(text: str) -> str:
    """Full-width forms to ASCII (ＡＢ１２ -> AB12), dashes to '-', outer spaces dropped."""
    folded = unicodedata.normalize("NFKC", text or "").strip()
    return re.sub(r"[‐‑‒–—―－]", "-", folded)


def plan_query(text: str) -> Plan:
    """Read a search text: a unit, a phone number, pinyin, or a name (in that order)."""
    folded = _fold(text)
    if not folded:
        return Plan(Mode.empty)
    upper = folded.upper()
    # A building and a unit first: "123-4567" is unit 4567 of building 123 here, and a unit
    # search never reads a phone column, so it can confirm nothing about a number.
    for pattern in (_UNIT_WITH_BUILDING, _UNIT_LETTER_NUMBER):
        match = pattern.match(upper)
        if match:
            building = match.group("b")
            if building.isdigit():
                building = str(int(building))  # "012栋" is building 12
            return Plan(Mode.unit, building=building, number=match.group("n"))
    if looks_like_phone(folded):
        return Plan(Mode.phone, term=normalise_phone(folded))
    match = _UNIT_NUMBER.match(folded)
    if match:
        return Plan(Mode.unit, number=match.group("n"))
    compact = re.sub(r"[\s'’·.\-]", "", folded)
    if _PINYIN.match(compact.lower()):
        return Plan(Mode.pinyin, term=compact.lower())
    return Plan(Mode.name, term=re.sub(r"\s+", "", folded))


# -- SQL --------------------------------------------------------------------------------------


def _bump(prefix: str) -> str:
    """The smallest string above every string that starts with `prefix` (code-point order)."""
    last = ord(prefix[-1]) + 1
    if 0xD800 <= last <= 0xDFFF:  # no surrogates in UTF-8 text
        last = 0xE000
    return prefix[:-1] + chr(min(last, 0x10FFFF))


def _prefix(column: Expr, name: str, dialect: str) -> ColumnElement[bool]:
    """`column` starts with the bound `name`: an index range on SQLite, LIKE elsewhere.

    SQLite compares text byte-wise (so a range is exact and uses the index); PostgreSQL's
    collation may not order text by code point, so it gets LIKE with an escaped pattern.
    """
    if dialect == "sqlite":
        return and_(column >= bindparam(name), column < bindparam(name + "_hi"))
    return column.like(bindparam(name + "_like"), escape="\\")


def _contains(column: Expr, name: str) -> ColumnElement[bool]:
    """`column` contains the bound text (small tables only: this scans)."""
    return column.like(bindparam(name + "_any"), escape="\\")


def _prefix_like(column: Expr, name: str) -> ColumnElement[bool]:
    """`column` starts with the bound text, by LIKE (small tables only)."""
    return column.like(bindparam(name + "_like"), escape="\\")


def _digits_of(column: Expr) -> Expr:
    """The column without the separators phone numbers are written with (0571-8888 0001)."""
    for separator in (" ", "-", "+", "(", ")", "/"):
        column = func.replace(column, separator, "")
    return column


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _params(**terms: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, term in terms.items():
        out[name] = term
        out[name + "_hi"] = _bump(term) if term else "\U0010ffff"
        out[name + "_like"] = _escape_like(term) + "%"
        out[name + "_any"] = "%" + _escape_like(term) + "%"
    return out


class Branch(IntEnum):
    """Branch numbers: the order in which their hits are listed."""

    unit_people = 0
    unit_companies = 1
    name_start = 3
    name_after_1 = 4
    name_after_2 = 5
    initials = 6
    pinyin = 7
    company = 8
    staff = 9
    directory = 10
    event = 11


_STR = String()


def _row(
    branch: Branch,
    kind: HitKind,
    *,
    id: Expr,
    name: Expr,
    place: Expr | None = None,
    role: Expr | None = None,
    phone: Expr | None = None,
    note: Expr | None = None,
    hours: Expr | None = None,
    at: Expr | None = None,
    unit_id: Expr | None = None,
    k0: Expr | None = None,
    k1: Expr | None = None,
    k2: Expr | None = None,
) -> list[Label[Any]]:
    """One branch's SELECT list, the same shape in every branch (UNION ALL needs it)."""

    def text(value: Expr | None) -> Expr:
        return cast(null(), _STR) if value is None else value

    return [
        literal_column(str(int(branch)), Integer).label("branch"),
        id.label("id"),
        text(name).label("name"),
        text(place).label("place"),
        text(role).label("role"),
        text(phone).label("phone"),
        text(note).label("note"),
        text(hours).label("hours"),
        (cast(null(), UTCDateTime()) if at is None else at).label("at"),
        (cast(null(), Integer) if unit_id is None else unit_id).label("unit_id"),
        (cast(null(), Integer) if k0 is None else k0).label("k0"),
        text(k1).label("k1"),
        (cast(null(), Integer) if k2 is None else k2).label("k2"),
    ]


def _resident_branch(
    branch: Branch, key: Expr, where: ColumnElement[bool], dialect: str, limit: int
) -> Statement:
    r, u = Resident, Unit
    stmt = (
        select(
            *_row(
                branch,
                HitKind.resident,
                id=col(r.id),
                name=col(r.name),
                place=col(u.label),
                role=col(r.relation),
                phone=col(r.phone),
                note=col(r.note),
                unit_id=col(r.unit_id),
                k1=key,
                k2=col(r.id),
            )
        )
        .select_from(r)
        .outerjoin(u, col(u.id) == col(r.unit_id))
        .where(where, col(r.active).is_(True))
        .order_by(key, col(r.id))
        .limit(limit + 1)
    )
    return stmt


def _company_branch(
    where: ColumnElement[bool], limit: int, branch: Branch = Branch.company
) -> Statement:
    c, u = Company, Unit
    return (
        select(
            *_row(
                branch,
                HitKind.company,
                id=col(c.id),
                name=col(c.name),
                place=col(u.label),
                role=col(c.contact_name),
                phone=col(c.phone),
                unit_id=col(c.unit_id),
                k1=col(u.label),
                k2=col(c.id),
            )
        )
        .select_from(c)
        .outerjoin(u, col(u.id) == col(c.unit_id))
        .where(where, col(c.active).is_(True))
        .order_by(col(u.label), col(c.id))
        .limit(limit + 1)
    )


def _staff_branch(where: ColumnElement[bool], limit: int) -> Statement:
    return (
        select(
            *_row(
                Branch.staff,
                HitKind.staff,
                id=col(User.id),
                name=col(User.name),
                role=col(User.role),
                k1=col(User.name),
                k2=col(User.id),
            )
        )
        .where(where, col(User.active).is_(True))
        .order_by(col(User.name), col(User.id))
        .limit(limit + 1)
    )


def _directory_branch(where: ColumnElement[bool], limit: int) -> Statement:
    d = DirectoryEntry
    return (
        select(
            *_row(
                Branch.directory,
                HitKind.directory,
                id=col(d.id),
                name=col(d.name),
                place=col(d.location),
                role=col(d.kind),
                phone=col(d.phone),
                note=col(d.notes),
                hours=col(d.hours),
                k1=col(d.kind),
                k2=col(d.id),
            )
        )
        .where(where)
        .order_by(col(d.kind), col(d.id))
        .limit(limit + 1)
    )


def _event_branch(where: ColumnElement[bool], limit: int) -> Statement:
    e = Event
    return (
        select(
            *_row(
                Branch.event,
                HitKind.event,
                id=col(e.id),
                name=col(e.title),
                place=col(e.place),
                note=col(e.content),
                at=col(e.starts_at),
                k1=cast(col(e.id), _STR),
                k2=col(e.id),
            )
        )
        .where(where, col(e.starts_at) >= bindparam("event_since", type_=UTCDateTime()))
        .order_by(col(e.starts_at), col(e.id))
        .limit(limit + 1)
    )


def _unit_statement(dialect: str, *, with_building: bool) -> Statement:
    """Residents (or the empty unit itself) and companies of the units a unit text names."""
    u, r = Unit, Resident
    if with_building:
        # One building's units (a few hundred at most) in the order of their numbers:
        # 12-101 before 12-1001, so shorter labels first.
        where = _prefix(col(u.label), "label", dialect)
        short, key = func.length(col(u.label)), col(u.label)
    else:
        # Unit numbers across buildings can be thousands for one digit: index order.
        where = _prefix(col(u.number), "number", dialect)
        short, key = None, col(u.number)
    people = (
        select(
            *_row(
                Branch.unit_people,
                HitKind.resident,
                id=col(r.id),
                name=col(r.name),
                place=col(u.label),
                role=col(r.relation),
                phone=col(r.phone),
                note=col(r.note),
                unit_id=col(u.id),
                k0=short,
                k1=key,
                k2=col(r.id),
            )
        )
        .select_from(u)
        .outerjoin(r, and_(col(r.unit_id) == col(u.id), col(r.active).is_(True)))
        .where(where)
        .order_by(*([short] if short is not None else []), key, col(u.id), col(r.id))
        .limit(UNIT_LIMIT + 1)
    )
    companies = (
        select(
            *_row(
                Branch.unit_companies,
                HitKind.company,
                id=col(Company.id),
                name=col(Company.name),
                place=col(u.label),
                role=col(Company.contact_name),
                phone=col(Company.phone),
                unit_id=col(u.id),
                k0=short,
                k1=key,
                k2=col(Company.id),
            )
        )
        .select_from(u)
        .join(Company, col(Company.unit_id) == col(u.id))
        .where(where, col(Company.active).is_(True))
        # By label only: ordering by its length too would make SQLite scan every company.
        .order_by(key, col(u.id), col(Company.id))
        .limit(OTHER_LIMIT + 1)
    )
    return _union(people, companies)


def _name_statement(dialect: str) -> Statement:
    r = Resident
    branches = [
        _resident_branch(
            Branch.name_start,
            col(r.name),
            _prefix(col(r.name), "term", dialect),
            dialect,
            RESIDENT_LIMIT,
        ),
        _resident_branch(
            Branch.name_after_1,
            col(r.name_after_1),
            _prefix(col(r.name_after_1), "term", dialect),
            dialect,
            RESIDENT_LIMIT,
        ),
        _resident_branch(
            Branch.name_after_2,
            col(r.name_after_2),
            _prefix(col(r.name_after_2), "term", dialect),
            dialect,
            RESIDENT_LIMIT,
        ),
        _company_branch(_contains(col(Company.name), "term"), OTHER_LIMIT),
        _staff_branch(_contains(col(User.name), "term"), OTHER_LIMIT),
        _directory_branch(
            or_(
                _contains(col(DirectoryEntry.name), "term"),
                _contains(col(DirectoryEntry.location), "term"),
                _contains(col(DirectoryEntry.notes), "term"),
            ),
            OTHER_LIMIT,
        ),
        _event_branch(
            or_(_contains(col(Event.title), "term"), _contains(col(Event.place), "term")),
            OTHER_LIMIT,
        ),
    ]
    return _union(*branches)


def _pinyin_statement(dialect: str) -> Statement:
    r, c, d = Resident, Company, DirectoryEntry
    branches = [
        _resident_branch(
            Branch.initials,
            col(r.name_initials),
            _prefix(col(r.name_initials), "term", dialect),
            dialect,
            RESIDENT_LIMIT,
        ),
        _resident_branch(
            Branch.pinyin,
            col(r.name_pinyin),
            _prefix(col(r.name_pinyin), "term", dialect),
            dialect,
            RESIDENT_LIMIT,
        ),
        # A company is said by its own name, often without the city it starts with
        # (杭州康宁制药: "kn", "kangning"), so its keys match from the start or after the
        # first two characters; matching anywhere inside would let "zs" find 建筑设计.
        _company_branch(
            or_(
                _prefix_like(col(c.name_initials), "term"),
                col(c.name_initials).like(bindparam("term_after_city"), escape="\\"),
                _prefix_like(col(c.name_pinyin), "term"),
                and_(bindparam("long_ok", type_=Boolean()), _contains(col(c.name_pinyin), "term")),
            ),
            OTHER_LIMIT,
        ),
        # Staff names have no stored pinyin: every active account comes back (a desk has
        # dozens) and is matched in Python; see _staff_matches.
        _staff_branch(true(), STAFF_SCAN_LIMIT),
        _directory_branch(
            or_(
                _prefix_like(col(d.name_initials), "term"),
                _prefix_like(col(d.name_pinyin), "term"),
                and_(bindparam("long_ok", type_=Boolean()), _contains(col(d.name_pinyin), "term")),
                _contains(col(d.name), "term"),
            ),
            OTHER_LIMIT,
        ),
        _event_branch(
            or_(
                _prefix_like(col(Event.title_initials), "term"),
                _prefix_like(col(Event.title_pinyin), "term"),
                # an event's name often starts with 社区/小区: from 4 letters on
                # its keys match inside too (zqwh finds 社区中秋晚会)
                and_(
                    bindparam("long_ok", type_=Boolean()),
                    or_(
                        _contains(col(Event.title_pinyin), "term"),
                        _contains(col(Event.title_initials), "term"),
                    ),
                ),
                _contains(col(Event.title), "term"),
                _contains(col(Event.place), "term"),
            ),
            OTHER_LIMIT,
        ),
    ]
    return _union(*branches)


STAFF_SCAN_LIMIT = 500


def _union(*branches: Statement) -> Statement:
    """UNION ALL of branches that each keep their own ORDER BY and LIMIT (SQLite needs the
    subqueries for that), listed by branch and then by each branch's own order."""
    parts = [select(*b.subquery().c) for b in branches]
    compound = union_all(*parts).subquery("hits")
    return select(*compound.c).order_by(
        compound.c.branch, compound.c.k0, compound.c.k1, compound.c.k2
    )


_STATEMENTS: dict[tuple[str, str], Statement] = {}


def shape_statement(dialect: str, shape: str) -> Statement:
    """Statements are built once per dialect and shape (building one costs more than running it)."""
    key = (dialect, shape)
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        if shape == "name":
            stmt = _name_statement(dialect)
        elif shape == "pinyin":
            stmt = _pinyin_statement(dialect)
        elif shape == "unit_label":
            stmt = _unit_statement(dialect, with_building=True)
        elif shape == "unit_number":
            stmt = _unit_statement(dialect, with_building=False)
        elif shape == "directory_phones":
            stmt = (
                select(
                    *_row(
                        Branch.directory,
                        HitKind.directory,
                        id=col(DirectoryEntry.id),
                        name=col(DirectoryEntry.name),
                        place=col(DirectoryEntry.location),
                        role=col(DirectoryEntry.kind),
                        phone=col(DirectoryEntry.phone),
                        note=col(DirectoryEntry.notes),
                        hours=col(DirectoryEntry.hours),
                        k1=col(DirectoryEntry.kind),
                        k2=col(DirectoryEntry.id),
                    )
                )
                .where(_digits_of(col(DirectoryEntry.phone)).like(bindparam("digits_any")))
                .order_by(col(DirectoryEntry.kind), col(DirectoryEntry.id))
            )
        else:  # pragma: no cover - a programming error
            raise ValueError(shape)
        _STATEMENTS[key] = stmt
    return stmt


# -- running a search -------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _staff_keys(name: str) -> tuple[str, str]:
    from deskterm.rules.pinyin import pinyin_keys

    return pinyin_keys(name)


def _staff_matches(name: str, term: str) -> bool:
    full, initials = _staff_keys(name)
    return full.startswith(term) or initials.startswith(term)


# Per branch: the kind of its hits and how many it shows (it fetches one more, to know).
_BRANCHES: dict[int, tuple[HitKind, int]] = {
    Branch.unit_people: (HitKind.resident, UNIT_LIMIT),
    Branch.unit_companies: (HitKind.company, OTHER_LIMIT),
    Branch.name_start: (HitKind.resident, RESIDENT_LIMIT),
    Branch.name_after_1: (HitKind.resident, RESIDENT_LIMIT),
    Branch.name_after_2: (HitKind.resident, RESIDENT_LIMIT),
    Branch.initials: (HitKind.resident, RESIDENT_LIMIT),
    Branch.pinyin: (HitKind.resident, RESIDENT_LIMIT),
    Branch.company: (HitKind.company, OTHER_LIMIT),
    Branch.staff: (HitKind.staff, OTHER_LIMIT),
    Branch.directory: (HitKind.directory, OTHER_LIMIT),
    Branch.event: (HitKind.event, OTHER_LIMIT),
}


def search(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    text: str,
) -> SearchResult:
    """Everything the search box shows for `text`, people's phones masked (D-21)."""
    require(actor, "inquiries.search")
    plan = plan_query(text)
    if plan.mode is Mode.empty:
        return SearchResult(text=text, plan=plan)
    dialect = session.get_bind().dialect.name
    if plan.mode is Mode.phone:
        return _phone_search(session, text, plan, dialect)
    shape, params = _shape_for(plan, clock)
    return _collect(text, plan, _run(session, shape, params))


def _shape_for(plan: Plan, clock: Clock) -> tuple[str, dict[str, object]]:
    if plan.mode is Mode.unit:
        if plan.building is not None:
            return "unit_label", dict(_params(label=f"{plan.building}-{plan.number}"))
        return "unit_number", dict(_params(number=plan.number))
    # Pinyin inside a name (kangning in hangzhoukangning...) only from 4 letters on: shorter
    # runs match by accident.
    terms = _params(term=plan.term)
    params: dict[str, object] = dict(terms)
    params["long_ok"] = len(plan.term) >= 4
    params["term_after_city"] = "__" + terms["term_like"]  # any two characters, then it
    params["event_since"] = as_utc(clock.now()) - EVENT_PAST
    return plan.mode.value, params


def _statement_for(dialect: str, plan: Plan, clock: Clock) -> tuple[Statement, dict[str, object]]:
    shape, params = _shape_for(plan, clock)
    return shape_statement(dialect, shape), params


@dataclass(frozen=True)
class _Prepared:
    """A statement compiled once for a dialect: its SQL, how to bind, how to read `at`."""

    sql: str
    positional: tuple[str, ...] | None  # parameter names in order, or None (named style)
    defaults: dict[str, object]  # values of the statement's own parameters (LIMITs)
    processors: dict[str, Callable[[object], object]]
    dialect: Dialect


_PREPARED: dict[tuple[str, str], _Prepared] = {}
_AT = UTCDateTime()
_AT_COLUMN = 8  # position of "at" in every branch's row (see _row)


def _bind_processors(
    binds: Mapping[str, BindParameter[Any]], dialect: Dialect
) -> dict[str, Callable[[object], object]]:
    """Each parameter's conversion to the driver's value, by name, as SQLAlchemy would run it
    (`TypeEngine.bind_processor` of the type's dialect implementation; none for plain ones)."""
    found: dict[str, Callable[[object], object]] = {}
    for name, bind in binds.items():
        processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            found[name] = processor
    return found


def _prepared(dialect: Dialect, shape: str) -> _Prepared:
    key = (dialect.name, shape)
    prepared = _PREPARED.get(key)
    if prepared is None:
        compiled = shape_statement(dialect.name, shape).compile(dialect=dialect)
        prepared = _Prepared(
            sql=compiled.string,
            positional=(
                tuple(compiled.positiontup)
                if compiled.positional and compiled.positiontup is not None
                else None
            ),
            defaults={name: bind.effective_value for name, bind in compiled.binds.items()},
            processors=_bind_processors(compiled.binds, dialect),
            dialect=dialect,
        )
        _PREPARED[key] = prepared
    return prepared


def _run(session: Session, shape: str, params: dict[str, object]) -> Sequence[tuple[Any, ...]]:
    """Run a prepared search statement on the session's connection (its transaction).

    A keystroke's work is this one statement, so it goes to the driver's cursor directly:
    SQLAlchemy's per-execution bookkeeping would cost as much as the database's own work
    on a short answer. The SQL is SQLAlchemy's own, compiled once for the dialect.
    """
    prepared = _prepared(session.get_bind().dialect, shape)
    values = {**prepared.defaults, **params}
    for name, process in prepared.processors.items():
        if name in values:
            values[name] = process(values[name])
    args = (
        tuple(values[name] for name in prepared.positional)
        if prepared.positional is not None
        else values
    )
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(prepared.sql, args)
        rows: Sequence[tuple[Any, ...]] = cursor.fetchall()
    finally:
        cursor.close()
    if any(row[_AT_COLUMN] is not None for row in rows):
        rows = [
            row
            if row[_AT_COLUMN] is None
            else (
                *row[:_AT_COLUMN],
                _AT.process_result_value(row[_AT_COLUMN], prepared.dialect),
                *row[_AT_COLUMN + 1 :],
            )
            for row in rows
        ]
    return rows


def compiled_sql(
    *, session: Session, clock: Clock, plan: Plan
) -> tuple[str | None, tuple[Any, ...]]:
    """The SQL text and driver parameters a search sends (for the benchmark's raw floor)."""
    if plan.mode is Mode.empty:
        return None, ()
    shape, params = _phone_shape(plan) if plan.mode is Mode.phone else _shape_for(plan, clock)
    prepared = _prepared(session.get_bind().dialect, shape)
    values = {**prepared.defaults, **params}
    for name, process in prepared.processors.items():
        if name in values:
            values[name] = process(values[name])
    return prepared.sql, tuple(values[name] for name in prepared.positional or ())


def fast_mask(phone: str) -> str:
    """rules.phone.mask_phone, short-cut for the plain digits that create_resident stores.

    tests/services/test_search.py proves the two agree on every digit string.
    """
    if len(phone) >= 8 and phone.isascii() and phone.isdigit():
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    return mask_phone(phone)


def _collect(text: str, plan: Plan, rows: Iterable[tuple[Any, ...]]) -> SearchResult:
    """Hits from the statement's rows, in branch order, each person once, phones masked.

    This runs for every keystroke: it works on plain tuples and avoids per-row lookups.
    """
    hits: list[Hit] = []
    seen: set[tuple[HitKind, int]] = set()
    taken: dict[int, int] = {}
    more = False
    residents = 0
    staff_filter = plan.term if plan.mode is Mode.pinyin else None
    for branch, hit_id, name, place, role, phone, note, hours, at, unit_id, *_keys in rows:
        kind, cap = _BRANCHES[branch]
        if staff_filter is not None and kind is HitKind.staff:
            if not _staff_matches(name, staff_filter):
                continue
        count = taken.get(branch, 0) + 1
        taken[branch] = count
        if count > cap:
            more = True
            continue
        if hit_id is None:  # a unit with nobody on record
            kind, hit_id, name = HitKind.unit, unit_id, place
        key = (kind, hit_id)
        if key in seen:
            continue
        if kind is HitKind.resident:
            if residents == RESIDENT_LIMIT:
                more = True
                continue
            residents += 1
        seen.add(key)
        if phone:
            # An office's public number is shown (D-23); a person's only masked (D-21).
            phone = phone if kind is HitKind.directory else fast_mask(phone)
        hits.append(
            Hit(
                kind,
                hit_id,
                name,
                place or "",
                role or "",
                phone or "",
                note or "",
                hours or "",
                at,
                unit_id,
            )
        )
    companies_at = {h.unit_id for h in hits if h.kind is HitKind.company}
    if companies_at:  # an office unit is shown through its company, not as empty
        hits = [h for h in hits if not (h.kind is HitKind.unit and h.unit_id in companies_at)]
    counts: dict[str, int] = {}
    for hit in hits:
        counts[hit.kind.value] = counts.get(hit.kind.value, 0) + 1
    return SearchResult(text=text, plan=plan, hits=tuple(hits), more=more, counts=counts)


def _phone_shape(plan: Plan) -> tuple[str, dict[str, object]]:
    return "directory_phones", {"digits_any": "%" + plan.term.lstrip("+") + "%"}


def _phone_search(session: Session, text: str, plan: Plan, dialect: str) -> SearchResult:
    """A phone-number text finds no person (D-21); the directory's office numbers only."""
    result = _collect(text, plan, _run(session, *_phone_shape(plan)))
    return SearchResult(
        text=text,
        plan=plan,
        hits=result.hits,
        more=result.more,
        phone_refused=True,
        counts=result.counts,
    )
