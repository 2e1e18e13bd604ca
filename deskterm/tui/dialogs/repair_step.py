"""One step of an order as a small form that saves itself: dispatch (to whom), arrival (when),
work done (what, materials), the resident's acceptance, the reporter's acceptance of the fee
(who, the paper form number), a correction, the settlement, the estimate and the quotation.
A refusal — a stale edit included — shows its sentence and keeps what was typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from rich.cells import cell_len, set_cell_size
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from deskterm.i18n import N_, _
from deskterm.tui.dialogs.complaint_common import SaveDialog, choice, field_text, parse_when
from deskterm.tui.widgets.field import FormField
from deskterm.tui.widgets.footer import DeskFooter
from deskterm.tui.widgets.text import plain

LABEL = 14
HINT_WIDTH = 68  # the dialog's 72 columns less its border and padding (dialogs.tcss)


def engineer_table(engineers: Sequence, *, width: int = HINT_WIDTH, rows: int = 3) -> str:
    """The engineers as a table of fixed cells, on duty first, each line at most `width`
    terminal cells (CJK counted double) so nothing wraps or is cut off at 80x24 (issue 21,
    finding 6): three to a line, a name too long for its cell ends in …, and what does not
    fit in `rows` lines is counted ("+4 more")."""
    if not engineers:
        return _("No engineer on the list yet.")
    per_line = 3
    cell = width // per_line - 1
    entries = [
        " ".join(x for x in (e.name, e.trade, _("on duty") if e.on_duty else _("off duty")) if x)
        for e in engineers
    ]
    shown = entries[: per_line * rows]
    lines = [_("Engineers (on duty first):")]
    for start in range(0, len(shown), per_line):
        cells = [
            text if cell_len(text) <= cell else set_cell_size(text, cell - 1) + "…"
            for text in shown[start : start + per_line]
        ]
        lines.append(" ".join(set_cell_size(text, cell) for text in cells).rstrip())
    if len(entries) > len(shown):
        lines.append(
            _("+{n} more: type the name as on the list.").format(n=len(entries) - len(shown))
        )
    return "\n".join(lines)


@dataclass(frozen=True)
class StepField:
    name: str  # the service's field name (errors land here)
    label: str  # translated
    value: str = ""
    placeholder: str = ""
    max_length: int = 500
    when: bool = False  # a typed local time ("11-28 15:30", "15:30"), blank = now
    choices: tuple[tuple[str, str], ...] = ()  # (value, label): a one-line list instead of text


class RepairStepDialog(SaveDialog):
    """`RepairStepDialog(work, title=, about=, fields=[StepField(...)])`; Ctrl+S or Enter in
    the last field saves; `work(values: dict)` returns the session function to run."""

    HELP_TEXT = N_(
        "Fill in the step and press Ctrl+S (or Enter in the last field). A time may be typed "
        "as 15:30 or 11-28 15:30 (desk time); left empty it is now. Escape closes without "
        "saving."
    )

    def __init__(
        self, work, *, title: str, about: str, fields: list[StepField], hint: str = ""
    ) -> None:
        super().__init__(work)
        self.title_text = title
        self.about = about
        self.fields = fields
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            yield Static(plain(self.about, one_line=True), classes="about")
            if self.hint:
                yield Static(plain(self.hint), classes="hint", id="step-hint")
            for spec in self.fields:
                if spec.choices:
                    yield FormField(
                        spec.label,
                        name=spec.name,
                        label_width=LABEL,
                        control=choice(
                            spec.choices,
                            value=spec.value or None,
                            id=f"{spec.name.replace('_', '-')}-input",
                        ),
                    )
                    continue
                yield FormField(
                    spec.label,
                    name=spec.name,
                    value=spec.value,
                    placeholder=spec.placeholder,
                    max_length=spec.max_length,
                    label_width=LABEL,
                )
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        first = next(iter(self.query("Input, Select")), None)
        if first is not None:
            first.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(Input))
        if event.input is inputs[-1]:
            self.action_confirm()
        else:
            self.focus_next()

    def values(self) -> dict:
        out: dict[str, str | datetime | None] = {}
        for spec in self.fields:
            text = field_text(self, spec.name)
            if spec.when:
                out[spec.name] = parse_when(
                    text, now=self.app.clock.now(), tz=self.app.settings.timezone, field=spec.name
                )
            else:
                out[spec.name] = text
        return out
