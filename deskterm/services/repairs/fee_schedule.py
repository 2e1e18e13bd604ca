"""The fee schedule 《维修项目收费标准》 in versions, and the totals of an order's fee lines (D-34, D-36).

A version of an item is valid from a day until the next version of the same code; the price
copied onto an order is the one in force on the desk's day when the line was added, so old
orders keep old prices. Money is whole fen throughout (rules.money).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col, select

from deskterm.clock import Clock
from deskterm.config import Settings
from deskterm.db import lock_first, lock_rows
from deskterm.errors import InvalidInput
from deskterm.i18n import _
from deskterm.models.guard import check_values
from deskterm.models.repair import FeeReview, FeeScheduleItem, RepairFeeLine
from deskterm.rules.numbering import local_day
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.permissions import require


def _in_force(on: date) -> ColumnElement[bool]:
    return (col(FeeScheduleItem.valid_from) <= on) & or_(
        col(FeeScheduleItem.valid_to).is_(None), col(FeeScheduleItem.valid_to) > on
    )


def desk_day(clock: Clock, settings: Settings) -> date:
    """The desk's calendar day now: the day whose schedule prices apply."""
    return local_day(clock.now(), settings.timezone)


def price_in_force(*, session: Session, code: str, on: date) -> FeeScheduleItem | None:
    """The version of item `code` in force on `on`, or None when it is not on the schedule."""
    stmt = select(FeeScheduleItem).where(FeeScheduleItem.code == code.strip(), _in_force(on))
    return session.exec(stmt.order_by(col(FeeScheduleItem.valid_from).desc())).first()


def list_schedule(
    *, session: Session, on: date, text: str | None = None, limit: int | None = None
) -> list[FeeScheduleItem]:
    """The schedule in force on `on`, by code; `text` filters on code or name."""
    stmt = select(FeeScheduleItem).where(_in_force(on))
    if text and text.strip():
        like = f"%{text.strip()}%"
        stmt = stmt.where(
            or_(col(FeeScheduleItem.code).ilike(like), col(FeeScheduleItem.name).ilike(like))
        )
    stmt = stmt.order_by(col(FeeScheduleItem.code))
    if limit:
        stmt = stmt.limit(limit)
    return list(session.exec(stmt))


MAX_PRICE_FEN = 100_000_00  # 100,000 yuan per unit, as for fee lines (repair_fees)


@dataclass(frozen=True)
class FeeItemIn:
    """One item of a new schedule version (prices per unit, in fen)."""

    code: str
    name: str
    unit: str
    labour_fen: int
    materials_fen: int


def check_item(item: FeeItemIn) -> None:
    """One item as a new version would store it, or InvalidInput: what an import's dry run
    checks row by row too, so the real import never refuses what the dry run passed."""
    if not item.code.strip() or not item.name.strip():
        raise InvalidInput(_("Every schedule item needs a code and a name."), field="code")
    if item.labour_fen < 0 or item.materials_fen < 0:
        raise InvalidInput(_("A price cannot be negative."), field="price")
    if max(item.labour_fen, item.materials_fen) > MAX_PRICE_FEN:  # a typing slip
        raise InvalidInput(_("A price is between 0 and 100000 yuan."), field="price")
    # the columns' limits and text rules, as the flush will check them (models/guard.py)
    check_values(
        FeeScheduleItem,
        {"code": item.code.strip(), "name": item.name.strip(), "unit": item.unit.strip()},
    )


def add_schedule_version(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    items: Iterable[FeeItemIn],
    valid_from: date,
    retire_missing: bool = False,
) -> int:
    """Put a new version of the listed items in force from `valid_from` (an admin's change).

    The version in force closes the day before; a version can only follow the latest one
    (history is never rewritten). `retire_missing` also ends the items not listed.
    """
    require(actor, "fees.manage")
    items = list(items)
    codes = [item.code.strip() for item in items]
    if len(set(codes)) != len(codes):
        raise InvalidInput(_("A schedule version lists each item code once."), field="code")
    count = 0
    for item, code in zip(items, codes, strict=True):
        check_item(item)
        latest = lock_first(
            session,
            select(FeeScheduleItem)
            .where(FeeScheduleItem.code == code)
            .order_by(col(FeeScheduleItem.valid_from).desc()),
        )
        if latest is not None:
            if latest.valid_from >= valid_from:
                raise InvalidInput(
                    _(
                        "Item {code} already has a version from {day}; a new one must start later."
                    ).format(code=code, day=latest.valid_from.isoformat()),
                    field="valid_from",
                )
            if latest.valid_to is None or latest.valid_to > valid_from:
                latest.valid_to = valid_from
                session.add(latest)
        session.add(
            FeeScheduleItem(
                code=code,
                name=item.name.strip(),
                unit=item.unit.strip(),
                labour_fen=item.labour_fen,
                materials_fen=item.materials_fen,
                valid_from=valid_from,
            )
        )
        count += 1
    retired = 0
    if retire_missing:
        for old in lock_rows(session, select(FeeScheduleItem).where(_in_force(valid_from))):
            if old.code not in codes and old.valid_from < valid_from:
                old.valid_to = valid_from
                session.add(old)
                retired += 1
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="fees.version",
        entity="fee_schedule",
        entity_id=valid_from.isoformat(),
        detail={"items": count, "retired": retired, "codes": codes},
    )
    return count


@dataclass(frozen=True)
class FeeTotals:
    """What an order's fee lines add up to, in fen.

    `total_fen` is what the reporter is charged: on-schedule and approved lines, not waived.
    Lines waiting for review are counted apart and charged only once approved.
    """

    labour_fen: int = 0
    materials_fen: int = 0
    total_fen: int = 0
    waived_fen: int = 0  # warranty work (D-35): value of the lines charged nothing
    pending_fen: int = 0
    pending_lines: int = 0
    rejected_lines: int = 0

    @property
    def cost_fen(self) -> int:
        """The value of the work at schedule prices, charged or not (for cost statistics)."""
        return self.total_fen + self.waived_fen


def totals(lines: Iterable[RepairFeeLine]) -> FeeTotals:
    labour = materials = total = waived = pending = 0
    pending_lines = rejected = 0
    for line in lines:
        if line.review == FeeReview.rejected:
            rejected += 1
            continue
        if line.review == FeeReview.pending:
            pending += line.amount_fen
            pending_lines += 1
            continue
        if line.waived:
            waived += line.amount_fen
            continue
        labour += line.labour_amount_fen
        materials += line.materials_amount_fen
        total += line.amount_fen
    return FeeTotals(labour, materials, total, waived, pending, pending_lines, rejected)
