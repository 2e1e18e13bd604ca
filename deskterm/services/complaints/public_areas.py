"""Requests to use public areas (case 2): recorded, decided with the rule cited and the help
offered, searchable; a new request is shown its precedents, and a complaint refers to one.

Search and precedents work on Chinese text without a word list: a text is cut into its
overlapping two-character pieces (舞狮 → 舞狮; 舞狮表演 → 舞狮 狮表 表演), Latin words stay
whole, and a request ranks by how many pieces it shares with what was typed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col, select

from deskterm.clock import Clock, as_utc
from deskterm.config import Settings
from deskterm.db import lock_row, stored_id
from deskterm.errors import InvalidInput, NotFound, StaleEdit
from deskterm.i18n import N_, _
from deskterm.models.complaint import Complaint
from deskterm.models.estate import Company, Resident
from deskterm.models.public_area import AreaDecision, PublicAreaRequest, PublicAreaRequestCreate
from deskterm.rules.numbering import PREFIXES, format_number, parse_number
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.complaints import links
from deskterm.services.complaints.base import FIELD_LABELS, bump, check_version, fits, required_text
from deskterm.services.numbering import next_number
from deskterm.services.permissions import require

PREFIX = PREFIXES["public_area"]
DECISION_LABELS = {
    AreaDecision.pending: N_("not decided"),
    AreaDecision.approved: N_("approved"),
    AreaDecision.partly: N_("approved in part"),
    AreaDecision.refused: N_("refused"),
}
APPLICANT_KINDS = ("resident", "company", "other")
_TEXT_FIELDS = ("applicant_name", "area", "request", "rule_cited", "help_offered", "decision_note")


def decision_label(value: str) -> str:
    try:
        return _(DECISION_LABELS[AreaDecision(value)])
    except ValueError:
        return value


def pieces(text: str) -> set[str]:
    """The search pieces of a text: Latin/digit words whole (lower case), CJK runs as
    overlapping pairs (a single character alone)."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    out: set[str] = set()
    for word in re.findall(r"[a-z0-9]+", text):
        out.add(word)
    for run in re.findall(r"[\u3400-\u9fff]+", text):
        if len(run) == 1:
            out.add(run)
        out.update(run[i : i + 2] for i in range(len(run) - 1))
    return out


@dataclass(frozen=True)
class RequestHit:
    request: PublicAreaRequest
    score: int  # pieces shared with the query

    @property
    def line(self) -> str:
        r = self.request
        return f"{r.number} {r.area} · {r.applicant_name} · {decision_label(r.decision)}"


def get_request(
    session: Session, request_id: int, *, for_update: bool = False
) -> PublicAreaRequest:
    row = (
        lock_row(session, PublicAreaRequest, request_id)
        if for_update
        else session.get(PublicAreaRequest, request_id)
    )
    if row is None:
        raise NotFound(_("No public-area request has the number {id}.").format(id=request_id))
    return row


def find_request(session: Session, ref: str | int) -> PublicAreaRequest:
    """By id, or by its number as typed (PA20261128-0001, lower case or spaced)."""
    if isinstance(ref, int):
        return get_request(session, ref)
    text = "".join((ref or "").split()).upper()
    try:
        prefix, day, seq = parse_number(text)
    except ValueError:
        prefix = None
    row = (
        session.exec(
            select(PublicAreaRequest).where(
                PublicAreaRequest.number == format_number(prefix, day, seq)
            )
        ).first()
        if prefix == PREFIX
        else None
    )
    if row is None:
        raise InvalidInput(
            _("No public-area request has that number: type it like PA20261128-0001."),
            field="request",
        )
    return row


def _candidates(session: Session, words: set[str], limit: int) -> list[PublicAreaRequest]:
    if not words:
        return []
    clauses: list[ColumnElement[bool]] = []
    for word in words:
        pattern = f"%{word}%"
        clauses.extend(
            col(getattr(PublicAreaRequest, name)).ilike(pattern) for name in _TEXT_FIELDS
        )
    return list(
        session.exec(
            select(PublicAreaRequest)
            .where(or_(*clauses))
            .order_by(col(PublicAreaRequest.received_at).desc())
            .limit(limit)
        )
    )


def _rank(rows: Iterable[PublicAreaRequest], words: set[str]) -> list[RequestHit]:
    hits = []
    for row in rows:
        have = pieces(" ".join(getattr(row, name) or "" for name in _TEXT_FIELDS))
        score = len(words & have)
        if score:
            hits.append(RequestHit(row, score))
    return sorted(hits, key=lambda h: (-h.score, -stored_id(h.request)))


def search(session: Session, text: str, *, limit: int = 50) -> list[RequestHit]:
    """Requests matching the words typed (applicant, area, request, rule, help, note), best
    first; a request number finds that request."""
    text = (text or "").strip()
    try:
        return [RequestHit(find_request(session, text), 99)]
    except InvalidInput:
        pass
    return _rank(_candidates(session, pieces(text), 500), pieces(text))[:limit]


def precedents(
    session: Session, *, request: str, area: str = "", exclude_id: int | None = None, limit: int = 5
) -> list[RequestHit]:
    """Earlier decided requests like this one (what was done then, and on which rule)."""
    words = pieces(request) | pieces(area)
    rows = [
        r
        for r in _candidates(session, words, 500)
        if r.id != exclude_id and r.decision != AreaDecision.pending
    ]
    return _rank(rows, words)[:limit]


def list_requests(
    session: Session, *, pending_only: bool = False, offset: int = 0, limit: int = 50
) -> list[PublicAreaRequest]:
    stmt = select(PublicAreaRequest)
    if pending_only:
        stmt = stmt.where(PublicAreaRequest.decision == AreaDecision.pending)
    return list(
        session.exec(
            stmt.order_by(
                col(PublicAreaRequest.received_at).desc(), col(PublicAreaRequest.id).desc()
            )
            .offset(offset)
            .limit(limit)
        )
    )


def record_request(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    request_in: PublicAreaRequestCreate,
    unit: str | None = None,
) -> PublicAreaRequest:
    """Record a request to use a public area; the closest earlier decided request is kept as
    its precedent, so the desk answers as it did before (or knows why not)."""
    require(actor, "complaints.intake")
    data = request_in
    kind = data.applicant_kind or "other"
    if kind not in APPLICANT_KINDS:
        raise InvalidInput(_("Choose from the list."), field="applicant_kind")
    name = data.applicant_name
    if data.company_id is not None:
        company = session.get(Company, data.company_id)
        if company is None:
            raise InvalidInput(_("That company is no longer in the register."), field="applicant")
        name, kind, unit_id = name or company.name, "company", data.unit_id or company.unit_id
    elif data.resident_id is not None:
        person = session.get(Resident, data.resident_id)
        if person is None:
            raise InvalidInput(_("That resident is no longer in the register."), field="applicant")
        name, kind, unit_id = name or person.name, "resident", data.unit_id or person.unit_id
    else:
        unit_id = data.unit_id if unit is None else links.unit_id_of(session, unit)
    name = required_text(name, field="applicant", limit=128, message=_("Say who is asking."))
    resident_id, company_id = data.resident_id, data.company_id
    if resident_id is None and company_id is None:  # issue 21: linked to who is on record
        resident_id, company_id = links.on_record(session, unit_id=unit_id, name=name, kind=kind)
        kind = "resident" if resident_id else "company" if company_id else kind
    area = required_text(
        data.area, field="area", limit=64, message=_("Say which public area (lobby, square ...).")
    )
    text = required_text(
        data.request,
        field="request",
        limit=2000,
        message=_("Write down what they want to do there."),
    )
    wanted = as_utc(data.wanted_at) if data.wanted_at is not None else None
    now = as_utc(clock.now())
    if wanted is not None and wanted < now:  # a request to use the area is for a time to come
        raise InvalidInput(
            _("That time has passed: a request is for a time to come."), field="wanted_at"
        )
    found = precedents(session, request=text, area=area, limit=1)
    row = PublicAreaRequest(
        applicant_kind=kind,
        applicant_name=name,
        resident_id=resident_id,
        company_id=company_id,
        unit_id=unit_id,
        area=area,
        wanted_at=wanted,
        request=text,
        number=next_number(session=session, prefix=PREFIX, at=now, tz=settings.timezone),
        received_at=now,
        received_by=actor.author_id,
        precedent_id=found[0].request.id if found else None,
    )
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="public_area.create",
        entity="public_area_request",
        detail={"number": row.number, "area": area, "precedent": row.precedent_id},
        subject=row,
    )
    return row


def decide(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    request_id: int,
    version: int,
    decision: AreaDecision | str,
    rule_cited: str = "",
    help_offered: str = "",
    note: str = "",
) -> PublicAreaRequest:
    """Record the decision: a refusal (or a part approval) names the rule it rests on (case 2:
    the building's user handbook) and what help is offered instead."""
    require(actor, "complaints.handle")
    row = get_request(session, request_id, for_update=True)
    if row.version != version:
        raise StaleEdit(_("Someone changed this request meanwhile: open it again."))
    try:
        decision = AreaDecision(decision)
    except ValueError:
        raise InvalidInput(_("Choose from the list."), field="decision") from None
    if decision is AreaDecision.pending:
        raise InvalidInput(
            _("Choose the decision: approved, approved in part or refused."), field="decision"
        )
    rule = fits(rule_cited, limit=500, field="rule_cited")
    help_text = fits(help_offered, limit=2000, field="help_offered")
    if decision in (AreaDecision.refused, AreaDecision.partly) and not rule:
        raise InvalidInput(
            _("Name the rule the refusal rests on (the user handbook, a regulation ...)."),
            field="rule_cited",
        )
    row.decision = decision
    row.rule_cited = rule
    row.help_offered = help_text
    row.decision_note = fits(note, limit=2000, field="decision_note")
    row.decided_at = as_utc(clock.now())
    row.decided_by = actor.user_id
    row.version += 1
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="public_area.decide",
        entity="public_area_request",
        detail={"number": row.number, "decision": decision.value, "rule": rule},
        subject=row,
    )
    return row


def refer_complaint(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    complaint_id: int,
    version: int,
    request: str | int,
) -> Complaint:
    """The complaint is about this request (case 2: the tenant's letter about the refusal).
    `version` is the complaint's as the desk opened it: a change made meanwhile at another
    desk refuses this one with what it changed (issue 14)."""
    require(actor, "complaints.handle")
    complaint = lock_row(session, Complaint, complaint_id)
    if complaint is None:
        raise NotFound(_("No complaint has the number {id}.").format(id=complaint_id))
    check_version(
        session,
        row=complaint,
        version=version,
        entity="complaint",
        labels=FIELD_LABELS,
        what=_("complaint"),
    )
    row = find_request(session, request)
    diff = bump(complaint, {"public_request_id": row.id})
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="complaint.public_request",
        entity="complaint",
        detail={
            "number": complaint.number,
            "request": row.number,
            "version": complaint.version,
            "changes": diff,
        },
        subject=complaint,
    )
    return complaint


def complaints_about(session: Session, request_id: int) -> list[Complaint]:
    return list(
        session.exec(
            select(Complaint)
            .where(Complaint.public_request_id == request_id)
            .order_by(col(Complaint.received_at))
        )
    )


def request_line(row: PublicAreaRequest) -> str:
    return f"{row.number} {row.area} · {decision_label(row.decision)}"


def wanted_text(row: PublicAreaRequest, tz: str) -> str:
    if row.wanted_at is None:
        return ""
    return as_utc(row.wanted_at).astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")
