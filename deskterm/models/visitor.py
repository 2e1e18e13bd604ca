"""Visitor slips, expected visitors and the deny list (D-4 to D-8).

Identity numbers are never stored whole: only the document type and the last four characters
(`doc_masked`). Audit events about slips carry the slip number only, never a name, so that a
purge of old slips leaves no personal data behind.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar, Self

from pydantic import ValidationInfo, field_validator, model_validator
from sqlalchemy import Index, String
from sqlmodel import Field, SQLModel

from deskterm.i18n import N_, _
from deskterm.models.forms import FormModel, refuse
from deskterm.models.text import Block, Code, Line, Phone
from deskterm.models.types import instant
from deskterm.rules import identity
from deskterm.rules.phone import normalise_phone, only_phone_characters


class DocType(StrEnum):
    resident_id = "resident_id"
    passport = "passport"
    driving_licence = "driving_licence"
    residence_permit = "residence_permit"
    other = "other"
    sighted = "sighted"  # document seen, no number taken (D-5)
    none = "none"  # no document: identity unknown, the host must agree (D-7)


class SlipStatus(StrEnum):
    on_site = "on_site"
    left = "left"


class Purpose(StrEnum):
    visit = "visit"
    delivery = "delivery"
    renovation = "renovation"
    maintenance = "maintenance"
    business = "business"
    viewing = "viewing"
    other = "other"


class HostCallMethod(StrEnum):
    phone = "phone"
    intercom = "intercom"
    in_person = "in_person"  # the host came down to the desk


class HostCallResult(StrEnum):
    agreed = "agreed"
    refused = "refused"
    no_answer = "no_answer"


class VisitorSlipBase(SQLModel):
    visitor_name: Line = Field(min_length=1, max_length=64)
    headcount: int = Field(default=1, ge=1, le=200)
    doc_type: DocType = Field(sa_type=String(24), default=DocType.resident_id, max_length=24)
    phone: Phone | None = Field(default=None, max_length=32)
    host_resident_id: int | None = Field(default=None, foreign_key="resident.id", index=True)
    host_company_id: int | None = Field(default=None, foreign_key="company.id", index=True)
    host_unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    host_text: Line = Field(default="", max_length=128)  # who is visited, as shown on the slip
    purpose: Code = Field(default="visit", max_length=32)
    purpose_text: Block = Field(default="", max_length=256)
    plate: Line | None = Field(default=None, max_length=16)
    host_call_method: Code | None = Field(default=None, max_length=32)
    host_call_result: HostCallResult | None = Field(sa_type=String(16), default=None, max_length=16)


# -- the rules of a slip's fields (issue 20: here, once; the services trust a validated model) --
# rules.identity speaks English without translation; its sentences map to ours by their start.
_ID_MESSAGES = (
    (
        "A resident ID number has 18",
        N_("An 18-character ID number is needed here; {n} characters were given."),
    ),
    ("A resident ID number is 17", N_("An ID number is 17 digits followed by a digit or X.")),
    (
        "The birth date inside the resident ID number is in the future",
        N_("The birth date inside the ID number is in the future: please check for a typo."),
    ),
    ("The birth date", N_("The birth date inside the ID number is not a real date.")),
    (
        "The resident ID number's check",
        N_("The ID number's check character does not match: please check for a typo."),
    ),
    ("A passport number", N_("A passport number is 5 to 20 letters and digits.")),
    ("A document that was only sighted", N_("A document that was only sighted has no number.")),
    (
        "A document number is required",
        N_('Type the document number, or choose "document sighted".'),
    ),
    ("A document number is at most", N_("A document number is at most 32 printable characters.")),
)


def document_masked(doc_type: DocType, number: str | None, today: date) -> str | None:
    """The document as stored (type and last four characters), or a refusal naming
    `doc_number` (D-5). `today`: the desk's calendar day; a birth after it is refused."""
    if doc_type == DocType.none:
        if number and number.strip():
            raise refuse(_("No document was shown, so there is no number to type."), "doc_number")
        return None
    try:
        # full-width digits and Ｘ, as an IME types them, are the same number
        typed = unicodedata.normalize("NFKC", number) if number else number
        return identity.masked_document(doc_type.value, typed, today=today)
    except identity.InvalidIdNumber as exc:
        text = str(exc)
        for start, message in _ID_MESSAGES:
            if text.startswith(start):
                n = len("".join(unicodedata.normalize("NFKC", number or "").split()))
                raise refuse(_(message).format(n=n), "doc_number") from None
        raise refuse(
            _("The document number is not valid: please check it."), "doc_number"
        ) from None


def phone_digits(value: str, too_short: str) -> str:
    """A number typed any way ("+86 138-1234-5678", full-width) as its digits: refused when it
    holds letters (粤B54321 is no number) or has not 5 to 20 digits (`too_short`, the
    field's own sentence)."""
    if not only_phone_characters(value):
        raise refuse(
            _(
                "A phone number has only digits (spaces, dashes, brackets and a leading + may "
                "be typed)."
            )
        )
    digits = normalise_phone(value)
    if not 5 <= len(digits.lstrip("+")) <= 20:
        raise refuse(too_short)
    return digits


def phone_as_stored(value: Any) -> Any:
    """A visitor's phone as its digits; blank is none."""
    if not isinstance(value, str):
        return value
    if not value.strip():
        return None
    return phone_digits(value, _("A phone number has 5 to 20 digits."))


def plate_as_stored(value: Any) -> Any:
    """A vehicle plate without spaces or dots, in capitals ("粤b 12345" -> "粤B12345")."""
    if not isinstance(value, str):
        return value
    text = "".join(unicodedata.normalize("NFKC", value).split()).upper().replace("·", "")
    if not text:
        return None
    if not 2 <= len(text) <= 10 or not all(ch.isalnum() for ch in text):
        raise refuse(_("A vehicle plate is 2 to 10 letters and digits, like 粤B12345."))
    return text


def purpose_code(value: Any) -> Any:
    """One of the purposes (Purpose); blank is a visit."""
    if value is None or not isinstance(value, str):
        return value
    try:
        return Purpose(value.strip() or Purpose.visit).value
    except ValueError:
        raise refuse(_("Choose the purpose of the visit.")) from None


def call_method_code(value: Any) -> Any:
    """How the host was reached (HostCallMethod); blank is not yet."""
    if not isinstance(value, str):
        return value
    if not value.strip():
        return None
    try:
        return HostCallMethod(value.strip()).value
    except ValueError:
        raise refuse(_("Choose how the host was reached.")) from None


def purpose_said(purpose: str | None, purpose_text: str | None) -> None:
    """A visit for an "other" purpose says what it is for."""
    if purpose == Purpose.other and not purpose_text:
        raise refuse(_("Say what the visit is for."), "purpose_text")


_VISITOR_NFKC = frozenset({"visitor_name", "host_text", "purpose_text", "note"})


class VisitorSlipCreate(FormModel, VisitorSlipBase):
    """A registration as the form filled it. Validating it (models.forms.validated, with the
    desk's day as `today`) checks the document and fills `doc_masked`: only that is stored."""

    NFKC_FIELDS: ClassVar[frozenset[str]] = _VISITOR_NFKC
    doc_number: Code | None = Field(default=None, max_length=32)  # validated, then masked
    doc_masked: Code | None = Field(default=None, max_length=32)  # set by validation only
    expected_id: int | None = None

    _phone = field_validator("phone", mode="before")(phone_as_stored)
    _plate = field_validator("plate", mode="before")(plate_as_stored)
    _purpose = field_validator("purpose", mode="before")(purpose_code)
    _method = field_validator("host_call_method", mode="before")(call_method_code)

    @model_validator(mode="after")
    def document_and_purpose(self, info: ValidationInfo) -> Self:
        today = (info.context or {}).get("today") or date.today()
        self.doc_masked = document_masked(DocType(self.doc_type), self.doc_number, today)
        purpose_said(self.purpose, self.purpose_text)
        return self


class VisitorSlipUpdate(FormModel):
    """A correction of a slip's details (typos); None leaves a field as it is."""

    NFKC_FIELDS: ClassVar[frozenset[str]] = _VISITOR_NFKC
    visitor_name: Line | None = Field(default=None, min_length=1, max_length=64)
    headcount: int | None = Field(default=None, ge=1, le=200)
    phone: Phone | None = Field(default=None, max_length=32)
    purpose: Code | None = Field(default=None, max_length=32)
    purpose_text: Block | None = Field(default=None, max_length=256)
    plate: Line | None = Field(default=None, max_length=16)

    _phone = field_validator("phone", mode="before")(phone_as_stored)
    _plate = field_validator("plate", mode="before")(plate_as_stored)
    _purpose = field_validator("purpose", mode="before")(purpose_code)


class VisitorSlip(VisitorSlipBase, table=True):
    __tablename__ = "visitor_slip"
    # The on-site list reads slips of one status in arrival order.
    __table_args__ = (Index("ix_visitor_slip_status_in", "status", "checked_in_at"),)
    id: int | None = Field(default=None, primary_key=True)
    number: Code = Field(max_length=20, unique=True)  # V20261128-0007: the check-out lookup
    doc_masked: Code | None = Field(default=None, max_length=32)  # "resident_id ****1234"
    expected_id: int | None = Field(default=None, foreign_key="expected_visitor.id")
    checked_in_at: datetime = instant(nullable=False, index=True)
    checked_in_by: int = Field(foreign_key="user.id")
    shift_id: int | None = Field(default=None, foreign_key="shift.id", index=True)
    status: SlipStatus = Field(sa_type=String(16), default=SlipStatus.on_site, max_length=16)
    checked_out_at: datetime | None = instant(index=True)
    checked_out_by: int | None = Field(default=None, foreign_key="user.id")
    slip_returned: bool | None = None  # False = lost slip
    deny_entry_id: int | None = Field(default=None, foreign_key="deny_entry.id")
    deny_decided_by: int | None = Field(default=None, foreign_key="user.id")  # the supervisor
    version: int = 1


class ExpectedVisitorBase(SQLModel):
    visitor_name: Line = Field(min_length=1, max_length=64)
    headcount: int = Field(default=1, ge=1, le=200)
    expected_on: date = Field(index=True)
    host_resident_id: int | None = Field(default=None, foreign_key="resident.id")
    host_company_id: int | None = Field(default=None, foreign_key="company.id")
    host_unit_id: int | None = Field(default=None, foreign_key="unit.id")
    host_text: Line = Field(default="", max_length=128)
    purpose: Code = Field(default="visit", max_length=32)
    note: Block = Field(default="", max_length=256)


class ExpectedVisitorCreate(FormModel, ExpectedVisitorBase):
    NFKC_FIELDS: ClassVar[frozenset[str]] = _VISITOR_NFKC

    _purpose = field_validator("purpose", mode="before")(purpose_code)


class ExpectedVisitor(ExpectedVisitorBase, table=True):
    """A visitor announced in advance by a resident or tenant: arrival is a two-key check-in."""

    __tablename__ = "expected_visitor"
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = instant(nullable=False)
    created_by: int = Field(foreign_key="user.id")
    arrived_slip_id: int | None = None  # the slip issued on arrival (no FK: a cycle)
    cancelled: bool = False


class DenyEntry(SQLModel, table=True):
    """A name on the supervisors' deny list; a match at registration needs a supervisor."""

    __tablename__ = "deny_entry"
    id: int | None = Field(default=None, primary_key=True)
    name: Line = Field(max_length=64, index=True)
    reason: Line = Field(max_length=500)
    created_at: datetime = instant(nullable=False)
    created_by: int = Field(foreign_key="user.id")
    active: bool = True
