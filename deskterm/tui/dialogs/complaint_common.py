"""What the complaint, callback and communication forms share: labels of the choices, a
date-and-time reader, a one-line Select, and `SaveDialog`, a form that runs its own save so a
refused value shows on its field and nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, time
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from sqlmodel import Session
from textual.widgets import Input, Select, TextArea

from deskterm.clock import as_utc
from deskterm.errors import InvalidInput
from deskterm.i18n import N_, _
from deskterm.rules.typed_time import normalized, read_typed
from deskterm.tui.actions import bindings
from deskterm.tui.base import DeskDialog
from deskterm.tui.widgets.field import FormField, PlainTextArea
from deskterm.tui.widgets.select import DeskSelect

T = TypeVar("T")

WHO_KINDS = (
    ("resident", N_("Resident")),
    ("company", N_("Tenant company")),
    ("other", N_("Other")),
)
CHANNELS = (
    ("phone", N_("Phone")),
    ("walk_in", N_("Walk-in")),
    ("letter", N_("Letter")),
    ("passed_down", N_("Passed down")),
)
SEVERITIES = (("normal", N_("Normal")), ("important", N_("Important")), ("severe", N_("Severe")))
VALIDITY = (("", N_("Not judged")), ("yes", N_("Valid")), ("no", N_("Not valid")))
STEPS = (
    ("listened", N_("Listened")),
    ("clarified", N_("Clarified")),
    ("sympathy", N_("Showed sympathy")),
    ("action", N_("Action taken")),
    ("followed_up", N_("Followed up")),
    ("note", N_("Note")),
)
RECORD_STEPS = (
    ("referred", N_("Referred")),
    ("replied", N_("Replied")),
    ("closed", N_("Closed")),
    ("reopened", N_("Reopened")),
    ("signed_off", N_("Signed off")),
)
ANSWER_HOW = (
    ("phone", N_("By phone")),
    ("in_person", N_("In person")),
    ("in_writing", N_("In writing")),
    ("on_the_spot", N_("On the spot")),
)
STATUSES = (
    ("open", N_("Awaiting")),
    ("referred", N_("Referred")),
    ("replied", N_("Replied")),
    ("closed", N_("Closed")),
    ("signed_off", N_("Signed off")),
)
METHODS = (("phone", N_("Phone")), ("visit", N_("Visit")))
RESULTS = (
    ("satisfied", N_("Satisfied")),
    ("fairly_satisfied", N_("Fairly satisfied")),
    ("dissatisfied", N_("Dissatisfied")),
    ("not_reached", N_("Not reached")),
)
PARTIES = (
    ("owner", N_("Owner")),
    ("tenant", N_("Tenant")),
    ("owners_committee", N_("Owners' committee")),
    ("owners_assembly", N_("Owners' assembly")),
    ("developer", N_("Developer")),
    ("government", N_("Government department")),
    ("utility", N_("Utility")),
    ("other", N_("Other")),
)
HOW = (
    ("meeting", N_("Meeting")),
    ("phone", N_("Phone")),
    ("letter", N_("Letter")),
    ("notice", N_("Notice")),
    ("other", N_("Other")),
)
KINDS = (("repair", N_("Repair")), ("complaint", N_("Complaint")))


def label(choices: Sequence[tuple[str, str]], value: Any) -> str:
    """The translated label of a stored choice (the value itself if unknown)."""
    key = getattr(value, "value", value)
    key = "" if key is None else str(key)
    for code, text in choices:
        if code == key:
            return _(text)
    return key


def choice(choices: Sequence[tuple[str, str]], *, value: str | None = None, id: str) -> Select:
    """A one-line Select of translated labels; type a letter to jump."""
    options = [(_(text), code) for code, text in choices]
    return DeskSelect(
        options,
        value=value if value is not None else options[0][1],
        allow_blank=False,
        compact=True,
        id=id,
    )


def parse_when(
    text: str, *, now: datetime, tz: str, field: str, date_only: time = time(0, 0)
) -> datetime | None:
    """A typed local date/time as a UTC instant: "2026-11-30 17:00", "11-30 17:00", "11-30",
    "17:00" (today), "tomorrow 10:00", "+2h"; None when blank. A date alone means `date_only`
    on that day; a date without its year is the one nearest to today (rules.typed_time).
    Nothing typed is ever moved to another day: a time alone is today's, so a reported time
    later than now is refused by the service as in the future, like a future date, instead
    of being saved silently as yesterday's (D-31, issue 21); yesterday's 23:40 is typed with
    its date."""
    if not normalized(text):
        return None
    typed = read_typed(text, as_utc(now).astimezone(ZoneInfo(tz)).date())
    when = typed.instant(now, tz, date_only=date_only) if typed is not None else None
    if when is None:
        raise InvalidInput(
            _("Type a date like 11-30 or 2026-11-30, with a time like 17:00 if needed."),
            field=field,
        )
    return when


def field_text(dialog, name: str) -> str:
    """The text of a FormField (Input or TextArea) by its service field name."""
    control = dialog.query_one(f"#field-{name.replace('_', '-')}", FormField).control
    if isinstance(control, TextArea):
        return control.text
    if isinstance(control, Input):
        return control.value
    return "" if control.is_blank() else str(control.value)


def text_area(*, id: str, text: str = "") -> TextArea:
    area = PlainTextArea(text, id=id)
    return area


class SaveDialog(DeskDialog[T], Generic[T]):
    """A form that saves itself: `work(values) -> (session -> result)` is given by the screen
    that opens it; on success the dialog closes with the result, on a refusal the sentence
    shows under the field it names and the form stays as typed."""

    BINDINGS = bindings("dialog.confirm", "dialog.cancel")

    def __init__(self, work: Callable[[Any], Callable[[Session], T]]) -> None:
        super().__init__()
        self.work = work
        self.saving = False

    def values(self) -> Any:
        """What the form holds, checked as far as the form can (raise InvalidInput)."""
        raise NotImplementedError

    def action_confirm(self) -> None:
        if self.saving:
            return
        for field in self.query(FormField):
            field.error = ""
        try:
            values = self.values()
        except InvalidInput as exc:
            self.show_error(exc)
            return
        self.saving = True
        self.run_db(
            self.work(values),
            on_done=self.dismiss,
            on_error=self.refused,
            group="complaint-form",
            exclusive=True,
        )

    def refused(self, exc: BaseException) -> None:
        self.saving = False
        self.show_error(exc)

    def action_cancel(self) -> None:
        self.dismiss(None)
