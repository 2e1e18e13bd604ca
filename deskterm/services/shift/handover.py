"""The handover book (交班本, D-2, D-11): collect what is open, sign, accept or refuse, print.

A handover is written once, when the outgoing operator signs it: it snapshots every open
item, the physical items with their counts, the notices, and the audit chain's head hash at
that moment (printed on the sheet). After that only the incoming operator's answer changes
the row (accepted, or refused with a reason); every change is sealed in the audit trail.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import URL
from sqlmodel import Session, col, select

from deskterm.clock import Clock, as_utc
from deskterm.config import Settings
from deskterm.db import lock_row, stored_id
from deskterm.encoders import html as to_html
from deskterm.encoders import sheet as plain_sheet
from deskterm.errors import DeskError, InvalidInput, NotFound
from deskterm.i18n import N_, _, written_in
from deskterm.models.audit import AuditEvent
from deskterm.models.shift import (
    Handover,
    HandoverItem,
    HandoverStatus,
    LogbookEntryCreate,
    LogCategory,
    Shift,
    ShiftStatus,
)
from deskterm.models.user import User
from deskterm.models.visitor import VisitorSlip
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.permissions import require
from deskterm.services.shift import dashboard, logbook
from deskterm.services.shift import duty as shifts

MAX_COUNT = 100_000

# D-2 "what the previous shift did": the shift's own entries in the audit trail, counted by
# what they were. Every write service seals an event, so nothing done escapes the count;
# an action not named here counts as "other".
DONE_GROUPS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("visitors_in", ("visitor.register",), N_("Visitor slips issued")),
    ("visitors_out", ("visitor.checkout",), N_("Visitor slips returned")),
    ("turned_away", ("visitor.turned_away",), N_("Visitors turned away")),
    ("inquiries", ("inquiry.create",), N_("Inquiries logged")),
    ("messages", ("message.create",), N_("Messages taken")),
    ("delivered", ("message.deliver",), N_("Messages delivered")),
    ("promises", ("promise.create",), N_("Replies promised")),
    ("kept", ("promise.answer",), N_("Promised replies kept")),
    ("repairs", ("repair.create",), N_("Repair orders taken")),
    ("repair_steps", ("repair.",), N_("Repair steps recorded")),
    ("complaints", ("complaint.create",), N_("Complaints received")),
    ("complaint_steps", ("complaint.",), N_("Complaint steps recorded")),
    ("callbacks", ("callback.done", "callback.attempt"), N_("Callbacks made")),
    ("logbook", ("logbook.",), N_("Logbook entries")),
    ("communications", ("communication.",), N_("Communications recorded")),
)
DONE_SKIP = ("shift.", "handover.", "auth.", "permission.")  # the shift's own bookkeeping
# a check-out with the slip lost (D-8) is a visitor.checkout too: counted apart, never as returned
LOST = "visitors_lost"
DONE_LABELS: dict[str, str] = {}
for _key, _actions, _label in DONE_GROUPS:
    DONE_LABELS[_key] = _label
    if _key == "visitors_out":
        DONE_LABELS[LOST] = N_("Visitor slips lost")
DONE_LABELS["other"] = N_("Other actions")


def done_group(action: str) -> str | None:
    if action.startswith(DONE_SKIP):
        return None
    for key, actions, _label in DONE_GROUPS:
        if any(action == a or (a.endswith(".") and action.startswith(a)) for a in actions):
            return key
    return "other"


def done_summary(
    session: Session, *, user_id: int, since: datetime, until: datetime
) -> dict[str, int]:
    """What an operator did between two instants, counted by group (only groups with a count)."""
    rows = session.exec(
        select(AuditEvent.action, func.count())
        .where(AuditEvent.user_id == user_id, AuditEvent.at >= since, AuditEvent.at <= until)
        .group_by(AuditEvent.action)
    ).all()
    lost = 0
    if any(action == "visitor.checkout" for action, _n in rows):
        details = session.exec(
            select(AuditEvent.detail).where(
                AuditEvent.user_id == user_id,
                AuditEvent.at >= since,
                AuditEvent.at <= until,
                AuditEvent.action == "visitor.checkout",
            )
        ).all()
        lost = sum(1 for d in details if (d or {}).get("slip_returned") is False)
    return summarise_done(rows, lost=lost)


def summarise_done(actions: Iterable[tuple[str, int]], *, lost: int = 0) -> dict[str, int]:
    """(audit action, how many) pairs as the sheet's "Done this shift" counts, by group in
    the sheet's order (only groups with a count): the one summary the desk's handover and the
    demo's (deskterm/demo/shifts.py) both store. `lost`: of the check-outs, those whose slip
    never came back (D-8), counted apart, never as returned."""
    out: dict[str, int] = {}
    for action, n in actions:
        key = done_group(action)
        if key is not None:
            out[key] = out.get(key, 0) + n
    if lost:
        out["visitors_out"] = out.get("visitors_out", 0) - lost
        out[LOST] = lost
    return {key: out[key] for key in DONE_LABELS if out.get(key)}


def kind_label(kind: str) -> str:
    labels = {
        "visitor": _("Visitor"),
        "repair": _("Repair"),
        "message": _("Message"),
        "promise": _("Promise"),
        "callback": _("Callback"),
        "complaint": _("Complaint"),
        "communication": _("Follow-up"),
        "logbook": _("Logbook"),
    }
    return labels.get(kind, kind)


@dataclass(frozen=True)
class Expected:
    """A physical item whose count the records predict: the count the shift started with, what
    the shift used of it, and so what should be there now."""

    start: int
    used: int

    @property
    def count(self) -> int:
        return self.start - self.used


def difference_sentence(item: str, expected: Expected, counted: int | None) -> str:
    """ "Blank slips: 45 expected (47 at the start of the shift − 2 issued); 44 counted: 1 fewer
    than expected." One line for the form and the sheet."""
    label = shifts.physical_item_label(item)
    line = _("{item}: {n} expected ({start} at the start of the shift − {used} issued)").format(
        item=label, n=expected.count, start=expected.start, used=expected.used
    )
    if counted is None:
        return line
    gap = counted - expected.count
    if gap == 0:
        return line + _("; {n} counted: as expected.").format(n=counted)
    if gap < 0:
        return line + _("; {n} counted: {k} fewer than expected. Say why in the notices.").format(
            n=counted, k=-gap
        )
    return line + _("; {n} counted: {k} more than expected. Say why in the notices.").format(
        n=counted, k=gap
    )


# The physical items the records predict. D-5: a visitor slip is filled in for each visitor let
# in, so every slip issued in the shift uses one blank slip; a slip that is not returned (lost,
# D-8) was issued already, so it uses no second blank (the domain voids no slip). An item not
# named here has no expectation: its count is the operator's alone.
BLANK_SLIPS = "blank_slips"


def expected_counts(session: Session, *, actor: Actor, settings: Settings) -> dict[str, Expected]:
    """What the shift's counts should be now: from the count signed at the last handover of
    the post before the shift started (what the shift took over, D-2), less the slips issued
    in this shift (D-5). Empty when the post has no earlier count or the actor is not on shift."""
    if actor.shift_id is None or BLANK_SLIPS not in settings.physical_items:
        return {}
    shift = session.get(Shift, actor.shift_id)
    if shift is None:
        return {}
    last = session.exec(
        select(Handover)
        .where(
            Handover.post == shift.post,
            col(Handover.signed_at).is_not(None),
            col(Handover.signed_at) <= shift.started_at,
            Handover.shift_id != shift.id,
        )
        .order_by(col(Handover.signed_at).desc(), col(Handover.id).desc())
    ).first()
    if last is None or BLANK_SLIPS not in (last.physical_items or {}):
        return {}
    issued = session.exec(
        select(func.count()).select_from(VisitorSlip).where(VisitorSlip.shift_id == shift.id)
    ).one()
    return {BLANK_SLIPS: Expected(int(last.physical_items[BLANK_SLIPS]), int(issued))}


@dataclass(frozen=True)
class HandoverDraft:
    """What the outgoing operator is about to sign: gathered now, not saved."""

    open_items: list[dashboard.AttentionItem]
    physical: dict[str, int]  # the counts of the last handover of the post (edit what differs)
    expected: dict[str, Expected] = field(default_factory=dict)  # item -> what should be there


def last_physical_counts(session: Session, *, post: str, settings: Settings) -> dict[str, int]:
    last = session.exec(
        select(Handover)
        .where(Handover.post == post, col(Handover.signed_at).is_not(None))
        .order_by(col(Handover.signed_at).desc(), col(Handover.id).desc())
    ).first()
    previous = last.physical_items if last else {}
    return {item: int(previous.get(item, 0)) for item in settings.physical_items}


def collect(*, session: Session, actor: Actor, clock: Clock, settings: Settings) -> HandoverDraft:
    """Everything open now (D-11) and yesterday's physical counts, for the form."""
    scope = dashboard.Scope(now=as_utc(clock.now()), settings=settings, actor=actor)
    expected = expected_counts(session, actor=actor, settings=settings)
    physical = last_physical_counts(session, post=settings.post, settings=settings)
    physical.update({item: e.count for item, e in expected.items()})  # what should be there
    return HandoverDraft(
        open_items=dashboard.open_items(session, scope),
        physical=physical,
        expected=expected,
    )


def check_counts(
    physical_items: Mapping[str, int | str],
    settings: Settings,
    *,
    expected: dict[str, Expected] | None = None,
    notices: str = "",
) -> dict[str, int]:
    """The counts as signed, or the first one wrong as InvalidInput naming its field: a blank
    count (not a zero), one out of range, or a count short of what the records expect with
    nothing said in the notices (D-11). The screen calls it before asking to sign; `sign`
    calls it again, so the CLI and the screen refuse alike."""
    counts: dict[str, int] = {}
    for item in settings.physical_items:
        raw = physical_items.get(item, 0)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            raise InvalidInput(
                _(
                    "The count of {item} is blank: count them and type the number "
                    "(0 if there are none)."
                ).format(item=shifts.physical_item_label(item)),
                field=f"count_{item}",
            )
        try:
            # digits only (full-width ones from an input method too): int() would also take
            # "1_0" as 10 and "+5" as 5, a count changed from what was typed
            if isinstance(raw, str) and not raw.strip().isdecimal():
                raise ValueError(raw)
            value = int(raw)
        except (TypeError, ValueError):
            raise InvalidInput(
                _("The count of {item} is a whole number from 0 to {n}.").format(
                    item=shifts.physical_item_label(item), n=MAX_COUNT
                ),
                field=f"count_{item}",
            ) from None
        if value < 0 or value > MAX_COUNT:
            raise InvalidInput(
                _("The count of {item} is a whole number from 0 to {n}.").format(
                    item=shifts.physical_item_label(item), n=MAX_COUNT
                ),
                field=f"count_{item}",
            )
        counts[item] = value
    unknown = set(physical_items) - set(settings.physical_items)
    if unknown:
        raise InvalidInput(
            _("Unknown physical item: {items}.").format(items=", ".join(sorted(unknown)))
        )
    for item, want in (expected or {}).items():
        if item in counts and counts[item] < want.count and not (notices or "").strip():
            raise InvalidInput(
                _(
                    "{item}: {n} counted, {k} fewer than the {e} expected: say why "
                    "in the notices before signing."
                ).format(
                    item=shifts.physical_item_label(item),
                    n=counts[item],
                    k=want.count - counts[item],
                    e=want.count,
                ),
                field="notices",
            )
    return counts


def sign(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    notices: str,
    physical_items: Mapping[str, int | str],  # as counted, typed text too: check_counts reads it
) -> Handover:
    """Sign the actor's handover and close their shift, in one transaction.

    The open items are gathered again inside the transaction, so nothing saved since the
    form opened is missed. The audit head hash at this moment is kept on the row.
    """
    require(actor, "handover.sign")
    if actor.shift_id is None:
        raise InvalidInput(_("Only an operator on shift can hand over."))
    shift = lock_row(session, Shift, actor.shift_id)
    if shift is None or shift.status != ShiftStatus.open or shift.operator_id != actor.user_id:
        raise InvalidInput(_("Your shift is already closed; there is nothing to hand over."))
    notices = (notices or "").strip()
    if len(notices) > 4000:
        raise InvalidInput(_("Notices are limited to 4000 characters."), field="notices")
    expected = expected_counts(session, actor=actor, settings=settings)
    counts = check_counts(physical_items, settings, expected=expected, notices=notices)
    now = as_utc(clock.now())
    scope = dashboard.Scope(now=now, settings=settings, actor=actor)
    with written_in(settings.site_lang):  # the handed-over items' text stays on the sheet
        items = dashboard.open_items(session, scope)
    handover = Handover(
        post=shift.post,
        shift_id=stored_id(shift),
        outgoing_user_id=actor.user_id,
        created_at=now,
        signed_at=now,
        notices=notices,
        open_items=[item.snapshot() for item in items],
        physical_items=counts,
        expected_items={item: e.count for item, e in expected.items()},
        done_summary=done_summary(
            session, user_id=actor.user_id, since=as_utc(shift.started_at), until=now
        ),
        status=HandoverStatus.signed,
    )
    handover.audit_head_seq, handover.audit_head_hash = audit.head_anchor(session)
    session.add(handover)
    session.flush()
    handover_id = stored_id(handover)
    for line in [n for n in notices.splitlines() if n.strip()]:
        session.add(HandoverItem(handover_id=handover_id, kind="notice", text=line.strip()[:2000]))
    for item in items:
        session.add(
            HandoverItem(
                handover_id=handover_id,
                kind="open",
                ref_kind=item.kind,
                ref_id=item.id,
                text=f"{item.ref} {item.text}".strip()[:2000],
            )
        )
    for name, count in counts.items():
        session.add(HandoverItem(handover_id=handover_id, kind="physical", text=name, count=count))
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="handover.sign",
        entity="handover",
        detail={"shift_id": shift.id, "open_items": len(items)},
        subject=handover,
    )
    shifts.close_shift(session=session, actor=actor, clock=clock, shift_id=stored_id(shift))
    return handover


def _locked(session: Session, handover_id: int) -> Handover:
    handover = lock_row(session, Handover, handover_id)
    if handover is None:
        raise NotFound(_("Handover {n} does not exist.").format(n=handover_id))
    return handover


def _answerable(session: Session, actor: Actor, handover_id: int) -> Handover:
    if actor.shift_id is None:
        raise InvalidInput(_("Start your shift (the self-check) before answering the handover."))
    handover = _locked(session, handover_id)
    if handover.status != HandoverStatus.signed:
        raise DeskError(_("This handover was already answered; it cannot change."))
    if handover.outgoing_user_id == actor.user_id:  # D-2: two people sign a handover
        raise InvalidInput(_("You wrote this handover: the next operator must answer it."))
    own = session.get(Shift, actor.shift_id)
    if own is None or own.post != handover.post:  # the operator who takes over this post
        raise InvalidInput(
            _(
                "This handover is for the post {post}: it is answered by who takes over there."
            ).format(post=handover.post)
        )
    return handover


def accept(*, session: Session, actor: Actor, clock: Clock, handover_id: int) -> Handover:
    """The incoming operator signs for the handover (D-2)."""
    require(actor, "handover.accept")
    handover = _answerable(session, actor, handover_id)
    handover.status = HandoverStatus.accepted
    handover.incoming_user_id = actor.user_id
    handover.answered_at = as_utc(clock.now())
    handover.version += 1
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="handover.accept",
        entity="handover",
        detail={"shift_id": actor.shift_id},
        subject=handover,
    )
    shift = lock_row(session, Shift, actor.shift_id)
    if shift is not None:
        shift.accepted_handover_id = handover.id
        session.add(shift)
    return handover


def refuse(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    handover_id: int,
    reason: str,
) -> Handover:
    """The incoming operator refuses, with a reason: the outgoing operator stays responsible.

    The refusal is kept on the handover (supervisors see it on their dashboard) and written
    in the logbook of the incoming shift.
    """
    require(actor, "handover.accept")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give the reason for refusing."), field="reason")
    if len(reason) > 1000:
        raise InvalidInput(_("The reason is limited to 1000 characters."), field="reason")
    handover = _answerable(session, actor, handover_id)
    now = as_utc(clock.now())
    handover.status = HandoverStatus.refused
    handover.incoming_user_id = actor.user_id
    handover.answered_at = now
    handover.refusal_reason = reason
    handover.version += 1
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="handover.refuse",
        entity="handover",
        detail={"reason": reason, "shift_id": actor.shift_id},
        subject=handover,
    )
    outgoing = session.get(User, handover.outgoing_user_id)
    with written_in(settings.site_lang):
        entry_in = LogbookEntryCreate(
            occurred_at=now,
            category=LogCategory.other,
            location=handover.post,
            what=_("Handover {n} from {name} refused: {reason}").format(
                n=handover.id, name=outgoing.name if outgoing else "?", reason=reason
            ),
            notified=_("Supervisor"),
        )
    logbook.add_entry(session=session, actor=actor, clock=clock, entry_in=entry_in)
    return handover


# -- reading and the sheet -------------------------------------------------------------------
@dataclass(frozen=True)
class HandoverSheet:
    handover: Handover
    outgoing: str  # "李静 (op1)"
    incoming: str | None


def _who(session: Session, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    user = session.get(User, user_id)
    return f"{user.name} ({user.code})" if user else f"#{user_id}"


def load_sheet(session: Session, handover_id: int) -> HandoverSheet:
    handover = session.get(Handover, handover_id)
    if handover is None:
        raise NotFound(_("Handover {n} does not exist.").format(n=handover_id))
    return HandoverSheet(
        handover,
        _who(session, handover.outgoing_user_id) or "",
        _who(session, handover.incoming_user_id),
    )


def list_handovers(
    session: Session, *, post: str, offset: int = 0, limit: int = 50
) -> list[HandoverSheet]:
    rows = session.exec(
        select(Handover)
        .where(Handover.post == post)
        .order_by(col(Handover.signed_at).desc(), col(Handover.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return [
        HandoverSheet(h, _who(session, h.outgoing_user_id) or "", _who(session, h.incoming_user_id))
        for h in rows
    ]


def count_handovers(session: Session, *, post: str) -> int:
    return session.exec(
        select(func.count()).select_from(Handover).where(Handover.post == post)
    ).one()


def status_label(status: str) -> str:
    labels: dict[str, str] = {
        HandoverStatus.draft: _("draft"),
        HandoverStatus.signed: _("signed, waiting for the next shift"),
        HandoverStatus.accepted: _("accepted"),
        HandoverStatus.refused: _("refused"),
    }
    return labels.get(status, status)


def _local(value: datetime | None, settings: Settings) -> str:
    if value is None:
        return ""
    from zoneinfo import ZoneInfo

    return as_utc(value).astimezone(ZoneInfo(settings.timezone)).strftime("%Y-%m-%d %H:%M")


def _physical_label(item: str) -> str:
    return shifts.physical_item_label(item)


def _physical_line(item: str, counted: int, expected: int | None) -> str:
    """ "Blank slips: 44 (45 expected: 1 fewer)" on the sheet; the count alone when the records
    predict none, or when it is as expected."""
    line = f"{_physical_label(item)}: {counted}"
    if expected is None or int(expected) == int(counted):
        return line
    gap = int(counted) - int(expected)
    if gap < 0:
        return line + _(" ({n} expected: {k} fewer)").format(n=expected, k=-gap)
    return line + _(" ({n} expected: {k} more)").format(n=expected, k=gap)


def _due(item: dict[str, Any], settings: Settings) -> str:
    """ " · due 11-28 14:00" for an open item with a deadline (kept on the signed sheet)."""
    due = item.get("due_at")
    if not due or item.get("kind") == "visitor":  # a visitor's is the long-stay mark
        return ""
    try:
        when = datetime.fromisoformat(due)
    except (TypeError, ValueError):
        return ""
    return " · " + _("due {at}").format(at=_local(when, settings)[5:])  # 11-28 14:00


def sheet_sections(sheet: HandoverSheet, settings: Settings) -> list[tuple[str, list[str]]]:
    """The sheet as (heading, lines): the one source of the text and HTML forms."""
    h = sheet.handover
    head = [
        _("Post: {post}").format(post=h.post),
        _("Handed over by: {who}").format(who=sheet.outgoing),
        _("Signed at: {at}").format(at=_local(h.signed_at, settings)),
        _("Status: {status}").format(status=status_label(h.status)),
    ]
    if sheet.incoming:
        head.append(
            _("Answered by: {who} at {at}").format(
                who=sheet.incoming, at=_local(h.answered_at, settings)
            )
        )
    if h.refusal_reason:
        head.append(
            _("Reason for refusing: {reason}").format(
                reason=plain_sheet(h.refusal_reason, one_line=True)
            )
        )
    notices = [line for line in h.notices.splitlines() if line.strip()] or [_("(none)")]
    open_lines = [
        (
            f"{kind_label(item.get('kind', ''))}: {item.get('ref') or ''} "
            f"{plain_sheet(str(item.get('text', '')), one_line=True)}".replace("  ", " ").strip()
            + _due(item, settings)
        )
        for item in h.open_items
    ] or [_("(none)")]
    physical = [
        _physical_line(k, v, (h.expected_items or {}).get(k)) for k, v in h.physical_items.items()
    ] or [_("(none)")]
    done = [f"{_(DONE_LABELS.get(k, k))}: {v}" for k, v in (h.done_summary or {}).items()] or [
        _("(none)")
    ]
    seal = [_("Audit chain head at signing: {hash}").format(hash=h.audit_head_hash or "-")]
    return [
        (_("Handover {n}").format(n=h.id), head),
        (_("Done this shift"), done),
        (_("Notices"), notices),
        (_("Open items ({n})").format(n=len(h.open_items)), open_lines),
        (_("Physical items"), physical),
        (_("Seal"), seal),
    ]


def render_text(sheet: HandoverSheet, settings: Settings) -> str:
    out: list[str] = []
    for i, (heading, lines) in enumerate(sheet_sections(sheet, settings)):
        if i:
            out.append("")
        out.append(heading)
        out.append("-" * max(len(heading), 8))
        out.extend(f"  {plain_sheet(line)}" for line in lines)  # the plain-text sheet encoder
    return "\n".join(out) + "\n"


def render_html(sheet: HandoverSheet, settings: Settings) -> str:
    sections = sheet_sections(sheet, settings)
    title = html.escape(sections[0][0])
    parts = [
        "<!DOCTYPE html>",
        '<html lang="{}"><head><meta charset="utf-8"><title>{}</title>'.format(
            "zh-CN" if _("Notices") != "Notices" else "en", title
        ),
        "<style>body{font-family:sans-serif;max-width:48em;margin:2em auto}"
        "h1{font-size:1.4em}h2{font-size:1.1em;border-bottom:1px solid #999}"
        "code{word-break:break-all}</style></head><body>",
        f"<h1>{title}</h1>",
    ]
    for i, (heading, lines) in enumerate(sections):
        if i:
            parts.append(f"<h2>{html.escape(heading)}</h2>")
        tag = "code" if i == len(sections) - 1 else "span"
        parts.append(
            "<ul>" + "".join(f"<li><{tag}>{to_html(line)}</{tag}></li>" for line in lines) + "</ul>"
        )
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def sheet_folder(base: str | Path, database_url: str | URL) -> Path:
    """The folder for one database's saved sheets: `base/<name>-<hash of the database>`, so
    two databases (two `--db`) never overwrite each other's `handover-30`."""
    import hashlib
    import re

    from sqlalchemy.engine import make_url

    url = make_url(str(database_url))
    where = url.database or ""
    if url.get_backend_name() == "sqlite" and where and where != ":memory:":
        where = str(Path(where).resolve())
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(url.database or "db").stem)[:24] or "db"
    key = hashlib.sha256(f"{url.get_backend_name()}|{url.host}|{url.port}|{where}".encode())
    return Path(base) / f"{name}-{key.hexdigest()[:8]}"


def save_sheet(sheet: HandoverSheet, settings: Settings, folder: str | Path) -> tuple[Path, Path]:
    """Write the sheet as text and HTML into `folder`; the two paths."""
    from deskterm.paths import private_dir, write_private_text

    folder = private_dir(Path(folder))
    stem = f"handover-{sheet.handover.id}"
    text_path = write_private_text(folder / f"{stem}.txt", render_text(sheet, settings))
    html_path = write_private_text(folder / f"{stem}.html", render_html(sheet, settings))
    return text_path, html_path
