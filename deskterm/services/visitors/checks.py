"""What a visitor slip needs from the database before it is written (D-5, D-7): the host on
record, the host call; the labels of the choices and the small conversions the screens share
(headcount, slip numbers as scanned, local times). The fields' own rules (the document number
checked and masked, phone, plate, lengths) are the model's (models/visitor.py, issue 20): the
services take a validated VisitorSlipCreate and do not check them again.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import TypeVar
from zoneinfo import ZoneInfo

from pydantic_core import PydanticCustomError
from sqlmodel import Session

from deskterm.clock import Clock, as_utc
from deskterm.config import Settings
from deskterm.errors import InvalidInput
from deskterm.i18n import N_, _
from deskterm.models.estate import Company, Resident, Unit
from deskterm.models.visitor import (
    DocType,
    ExpectedVisitorCreate,
    HostCallMethod,
    HostCallResult,
    Purpose,
    VisitorSlipCreate,
    document_masked,
)
from deskterm.rules import identity
from deskterm.rules.numbering import PREFIXES, format_number, parse_number

SLIP_PREFIX = PREFIXES["visitor"]

DOC_TYPE_LABELS = {
    DocType.resident_id: N_("Resident ID card"),
    DocType.passport: N_("Passport"),
    DocType.driving_licence: N_("Driving licence"),
    DocType.residence_permit: N_("Residence permit"),
    DocType.other: N_("Other document"),
    DocType.sighted: N_("Document sighted (no number)"),
    DocType.none: N_("No document"),
}
PURPOSE_LABELS = {
    Purpose.visit: N_("Visiting someone"),
    Purpose.delivery: N_("Delivery"),
    Purpose.renovation: N_("Renovation work"),
    Purpose.maintenance: N_("Maintenance"),
    Purpose.business: N_("Business"),
    Purpose.viewing: N_("Flat viewing"),
    Purpose.other: N_("Other"),
}
CALL_METHOD_LABELS = {
    HostCallMethod.phone: N_("Phone"),
    HostCallMethod.intercom: N_("Intercom"),
    HostCallMethod.in_person: N_("Came to the desk"),
}
CALL_RESULT_LABELS = {
    HostCallResult.agreed: N_("host agreed"),
    HostCallResult.refused: N_("host refused"),
    HostCallResult.no_answer: N_("no answer"),
}


@dataclass(frozen=True)
class CleanSlip:
    """A registration as it would be written: the validated model with its host resolved."""

    visitor_name: str
    headcount: int
    doc_type: DocType
    doc_masked: str | None
    phone: str | None
    host_resident_id: int | None
    host_company_id: int | None
    host_unit_id: int | None
    host_text: str
    purpose: str
    purpose_text: str
    plate: str | None
    host_call_method: str | None
    host_call_result: HostCallResult | None
    expected_id: int | None


E = TypeVar("E", bound=Enum)


# -- small helpers shared by the screens ---------------------------------------------------------
def label(labels: Mapping[E, str], value: object) -> str:
    """The translated label of an enum value (or the value itself when unknown)."""
    try:
        return _(labels[type(next(iter(labels)))(value)])
    except (ValueError, KeyError, StopIteration):
        return str(value or "")


def doc_shown(doc_masked: str | None) -> str:
    """A stored masked document for display: "Resident ID card ****123X"."""
    if not doc_masked:
        return ""
    kind, _sep, tail = doc_masked.partition(" ")
    return f"{label(DOC_TYPE_LABELS, kind)} {tail}".strip()


def parse_headcount(text: str) -> int:
    value = unicodedata.normalize("NFKC", text or "").strip() or "1"
    if not value.isdigit() or not 1 <= int(value) <= 200:
        raise InvalidInput(
            _("The number of visitors is a whole number from 1 to 200."), field="headcount"
        )
    return int(value)


def name_key(name: str) -> str:
    """A name as compared with the deny list: width, case, spaces and middle dots ignored."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    return "".join(ch for ch in text if not ch.isspace() and ch not in "·.•-")


def _one_edit_apart(a: str, b: str) -> bool:
    """One character replaced, added or left out."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _sound(key: str) -> str:
    from pypinyin import lazy_pinyin  # its dictionary is large: read at the first check

    return " ".join(lazy_pinyin(key))


SIMILAR_MIN_LENGTH = 3  # a two-character name one character off is half the names of a family


def _keys_alike(a: str, b: str) -> bool:
    if a == b:
        return True
    if any(ord(ch) > 0x2E7F for ch in a + b) and _sound(a) == _sound(b):
        return True
    return min(len(a), len(b)) >= SIMILAR_MIN_LENGTH and _one_edit_apart(a, b)


def _name_parts(name: str) -> list[str]:
    """A name cut where a name inside it may start or end: each Chinese character alone, a
    Latin word whole (so "Li" is not found inside "Oliver"); brackets and other marks cut
    too ("钱志刚（快递）" -> 钱 志 刚 快 递)."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    parts: list[str] = []
    word = ""
    for ch in text:
        if ch in "·.•-":  # joined, as name_key does (黄·文斌, Zhang-Wei)
            continue
        if ch.isalnum() and ord(ch) <= 0x2E7F:
            word += ch
            continue
        if word:
            parts.append(word)
            word = ""
        if ch.isalnum():
            parts.append(ch)
    if word:
        parts.append(word)
    return parts


def names_alike(name: str, other: str) -> bool:
    """Names a desk operator could mix up on purpose or by mistake (the deny list, D-6): the
    same name, the same sound (钱志钢 / 钱志刚: same pinyin), from three characters on one
    character off (Zhang Wei / Zhang Wen), or a name that CONTAINS `other` or a name alike
    with something added (黄文斌先生, 钱志刚（快递）, Mr Zhang Wei: issue 16)."""
    a, b = name_key(name), name_key(other)
    if not a or not b:
        return False
    if _keys_alike(a, b):
        return True
    parts = _name_parts(name)
    for start in range(len(parts)):
        run = ""
        for part in parts[start:]:
            run += part
            if len(run) > len(b) + 1:
                break
            if len(run) >= len(b) - 1 and run != a and _keys_alike(run, b):
                return True
    return False


def canonical_slip_number(text: str) -> str:
    """A typed or scanned slip number in its stored form; lower case and spaces accepted."""
    try:  # NFKC: a Chinese input method may type full-width letters and digits
        prefix, day, seq = parse_number(unicodedata.normalize("NFKC", text or ""))
    except ValueError:
        raise InvalidInput(
            _('"{text}" is not a slip number like V20261128-0007.').format(
                text=(text or "").strip()
            ),
            field="number",
        ) from None
    if prefix != SLIP_PREFIX:
        raise InvalidInput(
            _("{number} is not a visitor slip number (those start with V).").format(
                number=format_number(prefix, day, seq)
            ),
            field="number",
        )
    return format_number(prefix, day, seq)


def local_time(at: datetime, settings: Settings, fmt: str = "%H:%M") -> str:
    return as_utc(at).astimezone(ZoneInfo(settings.timezone)).strftime(fmt)


# -- validation ----------------------------------------------------------------------------------
def clean_text(
    value: str | None, *, field: str, limit: int, required_msg: str | None = None
) -> str:
    text = unicodedata.normalize("NFKC", value or "").strip()
    if not text and required_msg:
        raise InvalidInput(required_msg, field=field)
    if len(text) > limit:
        raise InvalidInput(
            _("This field takes at most {n} characters.").format(n=limit), field=field
        )
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise InvalidInput(_("Control characters are not allowed here."), field=field)
    return text


def doc_type_of(value: DocType | str) -> DocType:
    """The document type chosen, or InvalidInput on the form's field."""
    try:
        return DocType(value)
    except ValueError:
        raise InvalidInput(_("Choose the type of document shown."), field="doc_type") from None


def check_document(doc_type: DocType | str, number: str | None, *, today: date) -> str | None:
    """The masked form of a document as it would be stored; InvalidInput if it is wrong.
    `today` is the desk's calendar day (`desk_today`): a birth after it is refused (D-5)."""
    kind = doc_type_of(doc_type)
    try:
        return document_masked(kind, number, today)
    except PydanticCustomError as exc:  # the model's rule, in its words
        ctx = exc.context or {}
        raise InvalidInput(str(ctx["sentence"]), field=ctx.get("field")) from None


def desk_today(clock: Clock, settings: Settings) -> date:
    """The desk's calendar day now, in its own time zone (settings.timezone): a birth date
    after it is in the future (D-5, issue 21: not UTC, which is still yesterday at 07:00 in
    Shanghai, nor the latest day on Earth)."""
    return as_utc(clock.now()).astimezone(ZoneInfo(settings.timezone)).date()


def document_warning(doc_type: DocType | str, number: str | None) -> str | None:
    """A translated warning that does not stop the slip (D-5: the operator has the card in
    hand): a valid ID number whose region code is unknown. None when there is nothing to say."""
    try:
        kind = DocType(doc_type)
    except ValueError:
        return None
    if kind in (DocType.none, DocType.sighted):
        return None
    if identity.region_warning(kind.value, number) is None:
        return None
    return _(
        "The region code of this ID number is unknown: compare it with the card before saving."
    )


def _host_label(session: Session, unit_id: int | None, name: str) -> str:
    """How a slip names its host: "12-1203 张三" (as HostChoice.text)."""
    unit = session.get(Unit, unit_id) if unit_id else None
    return f"{unit.label} {name}" if unit else name


def resolve_host(
    session: Session, slip_in: VisitorSlipCreate | ExpectedVisitorCreate
) -> tuple[int | None, int | None, int | None, str]:
    """The host on record (resident, company or unit) and how the slip names it."""
    resident_id, company_id, unit_id = (
        slip_in.host_resident_id,
        slip_in.host_company_id,
        slip_in.host_unit_id,
    )
    text = slip_in.host_text
    if resident_id is not None:
        resident = session.get(Resident, resident_id)
        if resident is None:
            raise InvalidInput(_("That resident is no longer in the register."), field="host")
        unit_id = resident.unit_id
        text = text or _host_label(session, unit_id, resident.name)
    elif company_id is not None:
        company = session.get(Company, company_id)
        if company is None:
            raise InvalidInput(_("That company is no longer in the register."), field="host")
        unit_id = company.unit_id
        text = text or _host_label(session, unit_id, company.name)
    elif unit_id is not None:
        unit = session.get(Unit, unit_id)
        if unit is None:
            raise InvalidInput(_("That unit is not in the register."), field="host")
        text = text or unit.label
    if not text:
        raise InvalidInput(
            _("Whom is the visitor visiting? Find the host by name, unit or pinyin initials."),
            field="host",
        )
    return resident_id, company_id, unit_id, text


def validate_slip(*, session: Session, slip_in: VisitorSlipCreate) -> CleanSlip:
    """A validated registration (models.forms.validated) with its host looked up: the one
    check left that needs the database. The fields are not checked again here."""
    resident_id, company_id, unit_id, host_text = resolve_host(session, slip_in)
    return CleanSlip(
        visitor_name=slip_in.visitor_name,
        headcount=slip_in.headcount,
        doc_type=DocType(slip_in.doc_type),
        doc_masked=slip_in.doc_masked,
        phone=slip_in.phone,
        host_resident_id=resident_id,
        host_company_id=company_id,
        host_unit_id=unit_id,
        host_text=host_text,
        purpose=slip_in.purpose,
        purpose_text=slip_in.purpose_text,
        plate=slip_in.plate,
        host_call_method=slip_in.host_call_method,
        host_call_result=(
            HostCallResult(slip_in.host_call_result) if slip_in.host_call_result else None
        ),
        expected_id=slip_in.expected_id,
    )


def host_call_needed(slip_in: VisitorSlipCreate) -> bool:
    """A walk-in (not announced in advance) is let in only after the host is called (D-7)."""
    return slip_in.expected_id is None


def check_host_call(clean: CleanSlip) -> None:
    if clean.expected_id is not None:
        return
    if clean.host_call_result is None:
        raise InvalidInput(
            _("Call the host first and record what they said."), field="host_call_result"
        )
    if clean.host_call_method is None:
        raise InvalidInput(_("Choose how the host was reached."), field="host_call_method")
    if clean.host_call_result == HostCallResult.refused:
        raise InvalidInput(
            _("The host refused: the visitor is turned away, no slip is issued."),
            field="host_call_result",
        )
    if clean.host_call_result == HostCallResult.no_answer and clean.doc_type == DocType.none:
        raise InvalidInput(
            _("A visitor without a document is let in only when the host agrees."),
            field="host_call_result",
        )
