"""Complaint categories: the built-in list (forms.md §5) and an admin's additions, renames and
withdrawals (table complaint_category), labelled in the desk's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from deskterm.clock import Clock
from deskterm.db import lock_row
from deskterm.errors import InvalidInput, StaleEdit
from deskterm.i18n import N_, _, current_language
from deskterm.models.complaint import ComplaintCategory
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.complaints.base import fits
from deskterm.services.permissions import require

# The built-in category list (forms.md §5); an admin's rows in complaint_category add to it,
# rename a code or withdraw it.
BUILTIN_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("facilities", N_("Facilities and equipment")),
    ("cleaning", N_("Cleaning")),
    ("service_attitude", N_("Service attitude")),
    ("repair_speed", N_("Repair speed")),
    ("repair_quality", N_("Repair quality")),
    ("security", N_("Security")),
    ("parking", N_("Parking")),
    ("noise_neighbours", N_("Noise or neighbours")),
    ("fees", N_("Fees")),
    ("renovation", N_("Renovation")),
    ("landscaping", N_("Landscaping")),
    ("developer_quality", N_("Developer / building quality")),
    ("other", N_("Other")),
)


@dataclass(frozen=True)
class Category:
    code: str
    label: str  # in the current language
    sort: int


def list_categories(session: Session, *, include_withdrawn: bool = False) -> list[Category]:
    """The complaint categories in their order, labelled in the current language."""
    zh = current_language() == "zh_CN"
    found: dict[str, Category] = {
        code: Category(code, _(label), i * 10) for i, (code, label) in enumerate(BUILTIN_CATEGORIES)
    }
    for row in session.exec(select(ComplaintCategory)):
        if not row.active and not include_withdrawn:
            found.pop(row.code, None)
            continue
        label = (row.name_zh if zh else row.name_en) or row.name_en or row.name_zh
        found[row.code] = Category(row.code, label, row.sort)
    return sorted(found.values(), key=lambda c: (c.sort, c.code))


def category_label(session: Session, code: str) -> str:
    for cat in list_categories(session, include_withdrawn=True):
        if cat.code == code:
            return cat.label
    return code


def save_category(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    code: str,
    name_zh: str,
    name_en: str,
    sort: int = 500,
    active: bool = True,
    new: bool = False,
    version: int = 0,
) -> ComplaintCategory:
    """Add (`new`), rename or withdraw a complaint category (admin). A new one may not take
    the code of one on the list (shipped or added): that is a change, made from the list.
    `version`: the one the form was opened with (0 for a category no admin has changed yet);
    another admin's save since then refuses this one, naming what they changed (issue 14:
    no lost update). The audit records each changed value, before and after."""
    require(actor, "complaints.categories")
    code = code.strip().lower()
    if not code or len(code) > 32 or not all(c.isalnum() or c == "_" for c in code):
        raise InvalidInput(_("A category code is 1 to 32 letters, digits or '_'."), field="code")
    if not (name_zh.strip() or name_en.strip()):
        raise InvalidInput(_("Give the category a name."), field="name")
    stored = lock_row(session, ComplaintCategory, code)
    builtin = {c for c, _label in BUILTIN_CATEGORIES}
    if new and (stored is not None or code in builtin):
        raise InvalidInput(
            _("There is a category {code} already: choose it in the list to change it.").format(
                code=code
            ),
            field="code",
        )
    if not new and stored is None and code not in builtin:
        raise InvalidInput(_("There is no category {code}.").format(code=code), field="code")
    if (stored.version if stored is not None else 0) != version:
        assert stored is not None
        now = ", ".join(
            f"{label}: {value}"
            for label, value in (
                (_("Chinese name"), stored.name_zh),
                (_("English name"), stored.name_en),
                (_("In use"), _("yes") if stored.active else _("no")),
            )
            if value
        )
        raise StaleEdit(
            _(
                "Another admin changed category {code} while you had it open (now "
                "{what}); nothing of yours was saved. Look at it again and redo your "
                "change."
            ).format(code=code, what=now)
        )
    shown = {c.code: c for c in category_rows(session)}.get(code)  # a shipped one: its names
    before: dict[str, Any] = (
        {
            "name_zh": shown.name_zh,
            "name_en": shown.name_en,
            "sort": shown.sort,
            "active": shown.active,
        }
        if shown is not None and not new
        else {}
    )
    row = stored or ComplaintCategory(code=code, name_zh="", name_en="")
    row.version = (stored.version if stored is not None else 0) + 1
    row.name_zh = fits(name_zh, limit=64, field="name_zh")
    row.name_en = fits(name_en, limit=128, field="name_en")
    row.sort, row.active = sort, active
    after = {"name_zh": row.name_zh, "name_en": row.name_en, "sort": sort, "active": active}
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="complaint_category.save",
        entity="complaint_category",
        entity_id=code,
        detail={
            "new": new,
            "changes": {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v},
            "version": row.version,
        },
        subject=row,
    )
    return row


@dataclass(frozen=True)
class CategoryRow:
    """One category as an admin edits it: both names, its place, whether it is in use."""

    code: str
    name_zh: str
    name_en: str
    sort: int
    active: bool
    builtin: bool
    version: int = 0  # what the form passes back (save_category)


def category_rows(session: Session) -> list[CategoryRow]:
    """Every category, withdrawn ones too, with the names in both languages (built-in ones
    from the shipped translations until an admin renames them)."""
    from deskterm.i18n import load_translation

    zh = load_translation("zh_CN")
    rows = {
        code: CategoryRow(code, zh.gettext(label), label, i * 10, True, True)
        for i, (code, label) in enumerate(BUILTIN_CATEGORIES)
    }
    for row in session.exec(select(ComplaintCategory)):
        shipped = rows.get(row.code)
        rows[row.code] = CategoryRow(
            row.code,
            row.name_zh or (shipped.name_zh if shipped else ""),
            row.name_en or (shipped.name_en if shipped else ""),
            row.sort,
            row.active,
            shipped is not None,
            row.version,
        )
    return sorted(rows.values(), key=lambda c: (c.sort, c.code))
