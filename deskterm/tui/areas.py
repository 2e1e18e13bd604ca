"""The desk's areas: one mode of the app each, reached by an F-key (or Alt+digit).

To add an area screen, create `deskterm/tui/screens/<area>.py` with the class named in
`screen` below (subclass `deskterm.tui.base.AreaScreen`). See tui/README.md.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from deskterm.i18n import N_
from deskterm.tui.actions import DeskAction, register


@dataclass(frozen=True)
class Area:
    id: str  # the mode name: "visitors"
    key: str  # "f3,alt+2": F-keys first (digits would type into inputs)
    label: str  # N_: the area's name in titles, help and the palette
    tab: str  # N_: the short name on the area bar (keep it short: 80 columns)
    screen: str  # "module:Class" of the area's screen
    record_kinds: tuple[str, ...] = ()  # record kinds the area opens (dashboard lines)
    permission: str | None = None  # a POLICY id needed to see the area, if any


AREAS: tuple[Area, ...] = (
    Area(
        "dashboard",
        "f2,alt+1",
        N_("Dashboard"),
        N_("Home"),
        "deskterm.tui.screens.dashboard:DashboardScreen",
    ),
    Area(
        "visitors",
        "f3,alt+2",
        N_("Visitors"),
        N_("Visitors"),
        "deskterm.tui.screens.visitors:VisitorsScreen",
        ("visitor",),
    ),
    Area(
        "inquiries",
        "f4,alt+3",
        N_("Inquiries"),
        N_("Inquiries"),
        "deskterm.tui.screens.inquiries:InquiriesScreen",
        ("inquiry", "message", "promise"),
    ),
    Area(
        "repairs",
        "f5,alt+4",
        N_("Repairs"),
        N_("Repairs"),
        "deskterm.tui.screens.repairs:RepairsScreen",
        ("repair",),
    ),
    Area(
        "complaints",
        "f6,alt+5",
        N_("Complaints"),
        N_("Complaints"),
        "deskterm.tui.screens.complaints:ComplaintsScreen",
        ("complaint", "callback", "communication"),
    ),
    Area(
        "logbook",
        "f7,alt+6",
        N_("Duty logbook"),
        N_("Logbook"),
        "deskterm.tui.screens.logbook:LogbookScreen",
        ("logbook",),
    ),
    Area(
        "handover",
        "f8,alt+7",
        N_("Handover"),
        N_("Handover"),
        "deskterm.tui.screens.handover:HandoverScreen",
        ("handover",),
    ),
)

BY_ID = {area.id: area for area in AREAS}


def area_for_kind(kind: str) -> Area | None:
    """The area that opens records of `kind` ("repair", "visitor", ...)."""
    for area in AREAS:
        if kind in area.record_kinds:
            return area
    return None


def screen_class(area: Area):
    """The area's screen class, or None when its module is not written yet."""
    module_name, _, class_name = area.screen.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None
        raise
    return getattr(module, class_name, None)


def make_screen(area: Area):
    """A new screen for the area (the mode's base screen)."""
    cls = screen_class(area)
    if cls is None:
        raise LookupError(f"area {area.id} has no screen")
    return cls()


register(
    *(
        DeskAction(
            f"area.{area.id}",
            area.key,
            f"app.switch_area('{area.id}')",
            area.label,
            N_("Go to this area; what you typed elsewhere stays where it was."),
            show=False,
            priority=True,
            area=None,
        )
        for area in AREAS
    )
)
