"""The repair intake form (报修接待, D-30, D-35, D-37): household or public facility, where,
who reported it, the category (which sets urgent or general), what is wrong, an appointment.

It saves itself (SaveDialog): a refused value shows under its field and nothing typed is lost.
Typing the unit fills the reporter from the residents (their phone on file stays hidden);
typing the category shows the best match and its deadline (↑ ↓ choose another); a repair of
the same unit and category in the last 3 months is linked as warranty work by default
(Ctrl+L unlinks it, with a reason); repairs of the unit in another category still in warranty
are shown for the desk to decide. "Reported" takes the time of a call that came before the
typing (D-31: the clocks start there). An appointment after the fix deadline is refused once
with a warning; saving again records that the resident chose that later time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Select, Static

from deskterm.errors import InvalidInput
from deskterm.i18n import N_, _
from deskterm.ids import known_id
from deskterm.models.repair import RepairCategory, RepairChannel, RepairOrder, RepairScope
from deskterm.rules.phone import mask_phone
from deskterm.services.repairs import intake, warranty
from deskterm.services.repairs.labels import CHANNEL, category_name, class_label
from deskterm.tui import fmt
from deskterm.tui.actions import DeskAction, bindings, register
from deskterm.tui.dialogs.complaint_common import SaveDialog, choice, field_text, parse_when
from deskterm.tui.widgets.field import FormField, PlainTextArea
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.text import plain

LABEL = 13
CLASS_CHOICES = (
    ("", N_("As the category says")),
    ("urgent", N_("Urgent")),
    ("general", N_("General")),
)

register(
    DeskAction(
        "repair_intake.scope",
        "ctrl+t",
        "toggle_scope",
        N_("Household/public"),
        N_("Switch between a household repair and a public-facility repair."),
    ),
    DeskAction(
        "repair_intake.warranty",
        "ctrl+l",
        "toggle_warranty",
        N_("Warranty"),
        N_(
            "Link or unlink the earlier repair under warranty; linked, the work is "
            "charged nothing; unlinking needs a reason."
        ),
    ),
    DeskAction(
        "repair_intake.next_match",
        "down",
        "match(1)",
        N_("Next category"),
        N_("Choose the next matching category."),
        show=False,
    ),
    DeskAction(
        "repair_intake.prev_match",
        "up",
        "match(-1)",
        N_("Previous category"),
        N_("Choose the previous matching category."),
        show=False,
    ),
)


@dataclass(frozen=True)
class IntakeContext:
    """What the form needs from the database before it opens."""

    categories: list[RepairCategory]


class RepairIntakeDialog(SaveDialog):
    BINDINGS = [
        *SaveDialog.BINDINGS,
        *bindings(
            "repair_intake.scope",
            "repair_intake.warranty",
            "repair_intake.next_match",
            "repair_intake.prev_match",
        ),
    ]
    HELP_TEXT = N_(
        "Take a repair request. Type the unit (e.g. 3-1203): the reporter is filled from the "
        "residents and their phone on file is used without being shown. Type a few letters of "
        "the category (Chinese, English or pinyin initials); ↑ ↓ choose another match; the "
        "category sets urgent (on site within 2 h, fixed within 24 h) or general (fixed within "
        "72 h). Changing the class needs a reason. An appointment (e.g. 11-29 09:30) is for "
        "general repairs; one after the fix deadline is saved only when Ctrl+S is pressed again "
        "(the resident chose it). Reported: when the resident called, if earlier than now (e.g. "
        "13:40). Ctrl+T switches to a public facility; a warranty repeat is linked by default, "
        "Ctrl+L unlinks it (say why). Ctrl+S saves."
    )

    def __init__(self, work, *, context: IntakeContext) -> None:
        super().__init__(work)
        self.context = context
        self.scope = RepairScope.household
        self.unit_id: int | None = None
        self.phone_on_file = ""
        self.matches: list[RepairCategory] = []
        self.match_index = 0
        self.warranty: RepairOrder | None = None
        self.link_warranty = False
        self.other_repeats: list[RepairOrder] = []
        self.late_confirmed = ""  # the appointment text the desk saved twice (resident's choice)
        self.late_typed = ""

    # -- layout --------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        channels = tuple((code, text) for code, text in CHANNEL.items())
        with Vertical() as box:
            box.border_title = self._title()
            yield FormField(
                _("Unit"),
                name="unit",
                max_length=32,
                label_width=LABEL,
                placeholder=_("e.g. 3-1203"),
            )
            yield Static("", id="unit-hint", classes="hint")
            yield FormField(
                _("Location"),
                name="location",
                max_length=128,
                label_width=LABEL,
                placeholder=_("facility or equipment, e.g. lift 2 of building 3"),
            )
            yield FormField(_("Reporter"), name="reporter_name", max_length=64, label_width=LABEL)
            yield FormField(_("Contact"), name="reporter_contact", max_length=64, label_width=LABEL)
            yield FormField(
                _("Category"),
                name="category_code",
                max_length=32,
                label_width=LABEL,
                placeholder=_("type to find, ↑ ↓ to choose"),
            )
            yield Static("", id="category-match", classes="hint")
            yield FormField(
                _("Fault"),
                name="description",
                max_length=4000,
                label_width=LABEL,
                control=PlainTextArea(id="description-input"),
            )
            yield FormField(
                _("Appointment"),
                name="appointment_at",
                max_length=20,
                label_width=LABEL,
                placeholder=_("optional, e.g. 11-29 09:30"),
            )
            yield Static("", id="appointment-warning", classes="hint")
            yield FormField(
                _("Reported"),
                name="reported_at",
                max_length=20,
                label_width=LABEL,
                placeholder=_("empty = now; a call earlier: 13:40"),
            )
            yield FormField(
                _("Channel"),
                name="channel",
                label_width=LABEL,
                control=choice(channels, id="channel-input"),
            )
            yield FormField(
                _("Class"),
                name="repair_class",
                label_width=LABEL,
                control=choice(CLASS_CHOICES, id="class-input"),
            )
            yield FormField(
                _("Reason"),
                name="override_reason",
                max_length=500,
                label_width=LABEL,
                placeholder=_("only when the class is changed"),
            )
            yield Static("", id="warranty-line")
            yield FormField(
                _("Why not"),
                name="warranty_opt_out_reason",
                max_length=500,
                label_width=LABEL,
                placeholder=_("why this is not warranty work"),
            )
            yield Static("", id="other-repeats", classes="hint")
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#unit-input", Input).focus()
        self._update_matches("")

    def _title(self) -> str:
        if self.scope == RepairScope.public:
            return _("New repair · public facility")
        return _("New repair · household")

    # -- scope, unit, category -----------------------------------------------------------------
    def action_toggle_scope(self) -> None:
        public = self.scope == RepairScope.household
        self.scope = RepairScope.public if public else RepairScope.household
        self.set_class(public, "-public")
        self.query_one(Vertical).border_title = self._title()
        self._update_matches(field_text(self, "category_code"))
        self._look_for_warranty()
        self.query_one("#location-input" if public else "#unit-input", Input).focus()

    @on(Input.Changed, "#unit-input")
    def unit_changed(self, event: Input.Changed) -> None:
        text = event.value

        def look(session):
            unit = intake.resolve_unit(session=session, text=text)
            people = (
                intake.residents_of_unit(session=session, unit_id=known_id(unit.id)) if unit else []
            )
            return unit, people

        self.run_db(
            look, write=False, on_done=self._unit_found, group="intake-unit", exclusive=True
        )

    def _unit_found(self, result) -> None:
        unit, people = result
        hint = self.query_one("#unit-hint", Static)
        self.unit_id = unit.id if unit else None
        if unit is None:
            typed = field_text(self, "unit").strip()
            hint.update(plain(_("No such unit.") if typed else ""))
            self.phone_on_file = ""
        else:
            names = "、".join(p.name for p in people[:4])
            hint.update(plain(f"{unit.label} · {names}" if names else unit.label))
            reporter = self.query_one("#reporter-name-input", Input)
            if people and not reporter.value.strip():
                reporter.value = people[0].name
            self._phone_hint(people)
        self._look_for_warranty()

    def _phone_hint(self, people) -> None:
        reporter = field_text(self, "reporter_name").strip()
        phone = next((p.phone for p in people if p.name == reporter and p.phone), "")
        self.phone_on_file = phone or ""
        contact = self.query_one("#reporter-contact-input", Input)
        contact.placeholder = (
            _("on file: {phone} (leave empty to use it)").format(phone=mask_phone(phone))
            if phone
            else ""
        )

    @on(Input.Changed, "#category-code-input")
    def category_typed(self, event: Input.Changed) -> None:
        self._update_matches(event.value)
        self._look_for_warranty()

    def _update_matches(self, text: str) -> None:
        scoped = [c for c in self.context.categories if c.scope in ("any", self.scope.value)]
        self.matches = intake.match_categories(scoped, text)
        self.match_index = 0 if text.strip() else -1  # nothing typed: nothing chosen yet
        self._draw_match()

    def _draw_match(self) -> None:
        line = self.query_one("#category-match", Static)
        if not self.matches:
            line.update(plain(_("No category matches; clear the field and use ↓ to browse.")))
            return
        if self.match_index < 0:
            line.update(
                plain(
                    _("{n} categories: type a few letters, or ↓ to browse.").format(
                        n=len(self.matches)
                    )
                )
            )
            return
        cat = self.matches[self.match_index]
        limits = self.app.settings.sla
        if cat.repair_class == "urgent":
            rule = _("on site {onsite}h, fixed {fix}h").format(
                onsite=limits.urgent_onsite_minutes // 60, fix=limits.urgent_fix_minutes // 60
            )
        else:
            rule = _("fixed {fix}h").format(fix=limits.general_fix_minutes // 60)
        text = Text("→ ", no_wrap=True, end="")
        if len(self.matches) > 1:  # first, so a long name never cuts it off
            text.append(f"({self.match_index + 1}/{len(self.matches)} ↑↓) ", style="dim")
        text.append(category_name(cat), style="bold")
        text.append(
            f" · {class_label(cat.repair_class)}: {rule}",
            style="bold red" if cat.repair_class == "urgent" else "",
        )
        line.update(text)

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "match":
            focused = self.focused
            return focused is not None and focused.id == "category-code-input"
        if action == "toggle_warranty":
            return self.warranty is not None
        return True

    def action_match(self, step: int) -> None:
        if self.matches:
            start = self.match_index if self.match_index >= 0 else (-1 if step > 0 else 0)
            self.match_index = (start + step) % len(self.matches)
            self._draw_match()
            self._look_for_warranty()

    @property
    def category(self) -> RepairCategory | None:
        if self.matches and self.match_index >= 0:
            return self.matches[self.match_index]
        return None

    # -- warranty (D-35) ------------------------------------------------------------------------
    def _look_for_warranty(self) -> None:
        cat = self.category
        household = self.scope == RepairScope.household
        if cat is None or (household and self.unit_id is None):
            self._warranty_found((None, []))
            return
        settings, now = self.app.settings, self.app.clock.now()
        unit_id, location, scope = self.unit_id, field_text(self, "location"), self.scope

        def look(s):
            found = warranty.find_warranty_candidate(
                session=s,
                settings=settings,
                now=now,
                category_code=cat.code,
                scope=scope,
                unit_id=unit_id,
                location=location,
            )
            others = warranty.list_other_repeats(
                session=s,
                settings=settings,
                now=now,
                unit_id=unit_id if household else None,
                category_code=cat.code,
            )
            return found, others

        self.run_db(
            look, write=False, on_done=self._warranty_found, group="intake-warranty", exclusive=True
        )

    def _warranty_found(self, result) -> None:
        order, others = result
        if order is None or self.warranty is None or order.id != self.warranty.id:
            self.link_warranty = order is not None  # D-35: a repeat is linked by default
        self.warranty = order
        self.other_repeats = others
        self._draw_warranty()
        self.refresh_bindings()

    def action_toggle_warranty(self) -> None:
        if self.warranty is not None:
            self.link_warranty = not self.link_warranty
            self._draw_warranty()
            if not self.link_warranty:
                self.query_one("#warranty-opt-out-reason-input", Input).focus()

    def _draw_warranty(self) -> None:
        line = self.query_one("#warranty-line", Static)
        line.set_class(self.warranty is not None, "-offered")
        self.set_class(self.warranty is not None and not self.link_warranty, "-unlinked")
        others = self.query_one("#other-repeats", Static)
        others.set_class(bool(self.other_repeats), "-shown")
        tz = self.app.settings.timezone
        others.update(
            plain(
                _("Also in warranty here: {orders}. Same fault? Decide with the resident.").format(
                    orders="; ".join(
                        f"{o.number} {o.description} ({fmt.day_hm(o.repaired_at, tz)})"
                        for o in self.other_repeats[:3]
                    )
                ),
                one_line=True,
            )
            if self.other_repeats
            else ""
        )
        if self.warranty is None:
            line.update("")
            return
        when = fmt.full(self.warranty.repaired_at, tz)
        if self.link_warranty:
            text = _(
                "✓ Warranty repeat of {number} (repaired {when}): charged nothing. "
                "Ctrl+L unlinks it."
            )
        else:
            text = _("Not linked to {number} (repaired {when}): say why. Ctrl+L links it.")
        line.update(plain(text.format(number=self.warranty.number, when=when)))

    @on(Input.Changed, "#appointment-at-input")
    def appointment_typed(self, event: Input.Changed) -> None:
        """Warn at once when the appointment is after the fix deadline of the chosen class."""
        warning = self.query_one("#appointment-warning", Static)
        due = self._fix_due()
        try:
            when = parse_when(
                event.value,
                now=self.app.clock.now(),
                tz=self.app.settings.timezone,
                field="appointment_at",
            )
        except InvalidInput:
            when = None
        late = when is not None and due is not None and when > due
        warning.set_class(late, "-shown")
        warning.update(
            plain(
                _(
                    "After the fix deadline ({due}): the deadline will be missed. "
                    "Ctrl+S twice if the resident chose it."
                ).format(due=fmt.day_hm(due, self.app.settings.timezone))
            )
            if late
            else ""
        )

    def _fix_due(self) -> datetime | None:
        cat = self.category
        if cat is None:
            return None
        chosen = field_text(self, "repair_class") or str(cat.repair_class)
        limits = self.app.settings.sla
        minutes = limits.urgent_fix_minutes if chosen == "urgent" else limits.general_fix_minutes
        try:
            start = parse_when(
                field_text(self, "reported_at"),
                now=self.app.clock.now(),
                tz=self.app.settings.timezone,
                field="reported_at",
            )
        except InvalidInput:
            start = None
        return (start or self.app.clock.now()) + timedelta(minutes=minutes)

    # -- the values ---------------------------------------------------------------------------
    def values(self) -> dict:
        household = self.scope == RepairScope.household
        if household and self.unit_id is None:
            raise InvalidInput(_("A household repair needs the unit (e.g. 12-1203)."), field="unit")
        cat = self.category
        if cat is None:
            raise InvalidInput(_("Choose a repair category from the list."), field="category_code")
        now, tz = self.app.clock.now(), self.app.settings.timezone
        appointment: datetime | None = parse_when(
            field_text(self, "appointment_at"), now=now, tz=tz, field="appointment_at"
        )
        reported = parse_when(field_text(self, "reported_at"), now=now, tz=tz, field="reported_at")
        reason = field_text(self, "warranty_opt_out_reason").strip()
        if self.warranty is not None and not self.link_warranty and not reason:
            raise InvalidInput(
                _("Say why this is not warranty work."), field="warranty_opt_out_reason"
            )
        # The first save of an appointment after the deadline is refused with the warning;
        # saving the same appointment again records that the resident chose it.
        typed = field_text(self, "appointment_at").strip()
        due = self._fix_due()
        chose_later = bool(typed) and typed == self.late_confirmed
        late = appointment is not None and due is not None and appointment > due
        self.late_typed = typed if late else ""
        chosen = field_text(self, "repair_class")
        return {
            "scope": self.scope,
            "unit_id": self.unit_id if household else None,
            "location": "" if household else field_text(self, "location"),
            "channel": RepairChannel(field_text(self, "channel") or "phone"),
            "reporter_name": field_text(self, "reporter_name"),
            "reporter_contact": field_text(self, "reporter_contact"),
            "category_code": cat.code,
            "description": field_text(self, "description"),
            "appointment_at": appointment,
            "repair_class": chosen or None,
            "override_reason": field_text(self, "override_reason") or None,
            "warranty_of_id": self.warranty.id if (self.warranty and self.link_warranty) else None,
            "warranty_opt_out_reason": reason
            if (self.warranty and not self.link_warranty)
            else None,
            "reported_at": reported,
            "resident_chose_later": chose_later,
        }

    def refused(self, exc: BaseException) -> None:
        """The service warned about an appointment after the deadline: the next save of the
        same appointment says the resident chose it."""
        if getattr(exc, "field", None) == "appointment_at" and self.late_typed:
            self.late_confirmed = self.late_typed
        super().refused(exc)

    @on(Select.Changed, "#class-input")
    def class_changed(self, event: Select.Changed) -> None:
        if event.value:
            self.query_one("#override-reason-input", Input).focus()
