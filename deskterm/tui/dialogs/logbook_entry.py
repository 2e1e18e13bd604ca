"""The logbook entry form (D-10): time, category, location, what happened, what was done,
who was told. It saves through the service itself and closes only when the entry is saved,
so a failure keeps everything typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from deskterm.errors import InvalidInput
from deskterm.i18n import N_, _
from deskterm.models.forms import validated
from deskterm.models.shift import LogbookEntry, LogbookEntryCreate, LogCategory
from deskterm.services.shift.logbook import category_label
from deskterm.tui import fmt
from deskterm.tui.actions import bindings
from deskterm.tui.base import DeskDialog
from deskterm.tui.timeparse import parse_instant
from deskterm.tui.widgets.field import FormField, PlainTextArea
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.select import DeskSelect
from deskterm.tui.widgets.text import plain

Saver = Callable[[LogbookEntryCreate], Callable[[Session], Any]]


class LogbookEntryDialog(DeskDialog[LogbookEntry | None]):
    BINDINGS = bindings("form.save", "form.cancel")
    HELP_TEXT = N_(
        "Time is now unless you change it (10:05, or 11-28 10:05). Choose the category with "
        "Enter and the arrows, then fill in the rest; Tab moves on, Enter in the last field "
        "or Ctrl+S saves. A saved entry is never changed: to fix one, write a correction."
    )

    def __init__(self, save: Saver, *, corrects: LogbookEntry | None = None) -> None:
        super().__init__()
        self.save = save
        self.corrects = corrects

    def compose(self) -> ComposeResult:
        app = self.app
        tz = app.settings.timezone
        base = self.corrects
        title = (
            _("Correct entry {n} (the old entry stays, marked as corrected)").format(n=base.id)
            if base
            else _("New logbook entry")
        )
        when = fmt.day_hm(base.occurred_at if base else app.clock.now(), tz)
        options = [(category_label(c), c.value) for c in LogCategory]
        with Vertical():
            yield Static(plain(title), id="entry-title")
            yield FormField(_("Time"), name="occurred_at", value=when, max_length=20)
            yield FormField(
                _("Category"),
                name="category",
                control=DeskSelect(
                    options,
                    value=(base.category if base else LogCategory.other.value),
                    allow_blank=False,
                    compact=True,
                    id="category-input",
                ),
            )
            yield FormField(
                _("Location"), name="location", max_length=128, value=base.location if base else ""
            )
            yield FormField(
                _("What happened"),
                name="what",
                max_length=4000,
                control=PlainTextArea(base.what if base else "", id="what-input"),
            )
            yield FormField(
                _("What was done"),
                name="action_taken",
                max_length=4000,
                control=PlainTextArea(base.action_taken if base else "", id="action-taken-input"),
            )
            yield FormField(
                _("Who was told"),
                name="notified",
                max_length=256,
                value=base.notified if base else "",
            )
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        target = "#what-input" if self.corrects else "#category-input"
        self.query_one(target).focus()

    def field(self, name: str) -> FormField:
        return self.query_one(f"#field-{name.replace('_', '-')}", FormField)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "notified-input":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        app = self.app
        text = self.field("occurred_at").value or ""
        occurred = parse_instant(text, app.clock.now(), app.settings.timezone)
        if occurred is None:
            self.field("occurred_at").show_refusal(_("Write the time as 10:05 or 11-28 10:05."))
            return
        what = (self.field("what").value or "").strip()
        if not what:
            self.field("what").show_refusal(_("Say what happened."))
            return
        try:
            entry_in = validated(
                LogbookEntryCreate,
                {
                    "occurred_at": occurred,
                    "category": self.field("category").value,
                    "location": self.field("location").value or "",
                    "what": what,
                    "action_taken": self.field("action_taken").value or "",
                    "notified": self.field("notified").value or "",
                    "corrects_id": self.corrects.id if self.corrects else None,
                },
            )
        except InvalidInput as exc:  # one sentence naming the field; everything typed stays
            self.show_error(exc)
            return
        self.run_db(self.save(entry_in), on_done=self.saved, group="logbook-save", exclusive=True)

    def saved(self, entry: LogbookEntry) -> None:
        self.dismiss(entry)

    def action_cancel(self) -> None:
        self.dismiss(None)
