"""The site's repair categories (D-30), kept by an admin: add one, rename it in either
language, set the class it gives an order (urgent or general), where it applies (household,
public facility or both) and its place in the list, or retire it from new orders.

One check for every way in: `check_category` is what `deskterm import categories`
(services.admin.import_reference) and the admin's screen (tui/dialogs/repair_categories.py
through `save_category`) both hold a row to. `init` never comes here: it only adds the shipped
categories a site does not have (services.admin.reference), so a site's edits stay.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlmodel import Session, col, select

from deskterm.clock import Clock
from deskterm.db import lock_name, lock_row
from deskterm.errors import InvalidInput, StaleEdit
from deskterm.i18n import N_, _
from deskterm.models.audit import AuditEvent
from deskterm.models.guard import check_values
from deskterm.models.repair import RepairCategory
from deskterm.rules.text import format_characters, name_key
from deskterm.services import audit
from deskterm.services.actor import Actor
from deskterm.services.permissions import require

# The words a file or a form may use for the class and the scope (both languages).
CLASS_WORDS = {
    "urgent": "urgent",
    "急修": "urgent",
    "急": "urgent",
    "general": "general",
    "一般": "general",
    "一般项目": "general",
    "急修项目": "urgent",
}
SCOPE_WORDS = {
    "": "any",
    "any": "any",
    "不限": "any",
    "全部": "any",
    "household": "household",
    "户内": "household",
    "住户": "household",
    "public": "public",
    "公共": "public",
    "公共设施": "public",
}
CLASS_LABELS = (("urgent", N_("urgent")), ("general", N_("general")))
# (zh "both" is 不限: typing "h" in the form's drop-down finds household, not 户内和公共)
SCOPE_LABELS = (
    ("any", N_("both")),
    ("household", N_("household")),
    ("public", N_("public facility")),
)
FIELDS = ("code", "name_zh", "name_en", "repair_class", "scope", "sort")
FIELD_LABELS = {
    "name_zh": N_("Chinese name"),
    "name_en": N_("English name"),
    "repair_class": N_("class"),
    "scope": N_("applies to"),
    "sort": N_("sort order"),
    "active": N_("in use"),
}


def check_category(
    *, code: Any, name_zh: Any, name_en: Any = "", repair_class: Any, scope: Any = "", sort: Any = 0
) -> dict[str, Any]:
    """A category's values as stored, or InvalidInput naming the field in one sentence."""
    code = str(code or "").strip()
    name_zh = " ".join(str(name_zh or "").split())
    name_en = " ".join(str(name_en or "").split()) or name_zh
    klass = CLASS_WORDS.get(str(repair_class or "").strip().lower())
    where = SCOPE_WORDS.get(str(scope or "").strip().lower())
    sort_text = str(sort if sort not in (None, "") else "0").strip().removesuffix(".0")
    if not re.fullmatch(r"[a-z0-9_]{1,32}", code):
        raise InvalidInput(
            _("A category code is 1 to 32 lower-case letters, digits or _, like heating_not_warm."),
            field="code",
        )
    if not name_zh or len(name_zh) > 64:
        raise InvalidInput(_("A category needs a name of at most 64 characters."), field="name_zh")
    if len(name_en) > 128:
        raise InvalidInput(
            _("This text is longer than {n} characters.").format(n=128), field="name_en"
        )
    if klass is None:
        raise InvalidInput(_("The class is urgent or general."), field="repair_class")
    if where is None:
        raise InvalidInput(_("The scope is household, public or empty for both."), field="scope")
    if not re.fullmatch(r"-?[0-9]{1,6}", sort_text):
        raise InvalidInput(_("The order is a whole number."), field="sort")
    for key, name in (("name_zh", name_zh), ("name_en", name_en)):
        hidden = format_characters(name)
        if hidden:  # 暖气不热 + U+200B would be a second 暖气不热 on every list (issue 21)
            raise InvalidInput(
                _(
                    "The name holds invisible characters ({chars}) that would "
                    "make it look like another; type it again without them."
                ).format(chars=", ".join(hidden)),
                field=key,
            )
    values = {
        "code": code,
        "name_zh": name_zh,
        "name_en": name_en,
        "repair_class": klass,
        "scope": where,
        "sort": int(sort_text),
    }
    check_values(RepairCategory, values)  # what the write refuses (control characters ...)
    return values


def same_name(values: dict[str, Any], others: list[dict[str, Any]]) -> str | None:
    """The sentence refusing a category whose name reads the same as another category's
    (rules.text.name_key: full-width, case, spaces, invisible characters), or None.
    `others`: the other categories' values (each with its code)."""
    for key in ("name_zh", "name_en"):
        mine = name_key(values[key])
        for other in others:
            if other["code"] != values["code"] and name_key(other[key]) == mine:
                return _(
                    "Category {other} already has the name {name}; two categories "
                    "cannot read the same."
                ).format(other=other["code"], name=other[key])
    return None


def stored_names(session: Session) -> list[dict[str, Any]]:
    """Every category's code and names (retired ones too: a retired name is still its)."""
    return [
        {"code": c.code, "name_zh": c.name_zh, "name_en": c.name_en}
        for c in session.exec(select(RepairCategory))
    ]


def differs(row: RepairCategory, values: dict[str, Any]) -> dict[str, list[Any]]:
    """field -> [before, after] for what `values` would change on `row`."""
    out: dict[str, list[Any]] = {}
    for key, value in values.items():
        before = getattr(row, key)
        before = str(getattr(before, "value", before)) if key == "repair_class" else before
        if before != value:
            out[key] = [before, value]
    return out


def write_category(
    session: Session, row: RepairCategory | None, values: dict[str, Any]
) -> RepairCategory:
    """Store checked values: an edit loads its row with the lock (the desks' write guard), a
    new one is born here."""
    row = (row and lock_row(session, RepairCategory, row.code)) or RepairCategory(**values)
    for key, value in values.items():
        setattr(row, key, value)
    if sa_inspect(row).persistent:
        row.version += 1  # a change: a form opened before it is refused (check_version)
    session.add(row)
    return row


def check_version(session: Session, row: RepairCategory, version: int | None) -> None:
    """Refuse a save started from an older version of the category (another admin saved
    since), naming what they changed: read back from the audit events, which carry each
    change and the version it made."""
    if version is None or row.version == int(version):
        return
    changed: dict[str, tuple[Any, Any]] = {}
    events = session.exec(
        select(AuditEvent)
        .where(AuditEvent.entity == "repair_category", AuditEvent.entity_id == row.code)
        .order_by(col(AuditEvent.seq))
    )
    for event in events:
        detail = event.detail or {}
        if int(detail.get("version") or 0) <= int(version):
            continue
        for name, (old, new) in (detail.get("changed") or {}).items():
            changed[name] = (changed[name][0] if name in changed else old, new)
    fields = "; ".join(
        _("{field}: {before} → {after}").format(
            field=_(FIELD_LABELS.get(name, name)),
            before=before if before != "" else "—",
            after=after if after != "" else "—",
        )
        for name, (before, after) in changed.items()
    )
    raise StaleEdit(
        _(
            "Another admin changed category {code} while you had it open ({changes}); nothing "
            "of yours was saved. Look at it again and redo your change."
        ).format(code=row.code, changes=fields or _("its details")),
        changes=changed,
    )


def category_rows(session: Session) -> list[RepairCategory]:
    """Every category, retired ones too, in list order (the admin's screen)."""
    return list(
        session.exec(
            select(RepairCategory).order_by(col(RepairCategory.sort), col(RepairCategory.code))
        )
    )


def save_category(
    *,
    session: Session,
    actor: Actor,
    clock: Clock,
    new: bool,
    active: bool = True,
    version: int | None = None,
    **fields: Any,
) -> RepairCategory:
    """Add (`new`) or change a repair category, or retire it (`active=False`); audited with
    what changed and the version it made. An edit carries the `version` its form was opened
    from: another admin's save since is refused (StaleEdit naming what they changed), never
    written over. Nothing changed: nothing written. Admins only (D-30)."""
    require(actor, "repairs.categories")
    values = check_category(**{k: fields.get(k, "") for k in FIELDS})
    values["active"] = bool(active)
    row = lock_row(session, RepairCategory, values["code"])
    if new and row is not None:
        raise InvalidInput(
            _("There is a category {code} already: choose it in the list to change it.").format(
                code=values["code"]
            ),
            field="code",
        )
    if not new and row is None:
        raise InvalidInput(
            _("There is no category {code}.").format(code=values["code"]), field="code"
        )
    changes = None
    if row is not None:
        check_version(session, row, version)
        changes = differs(row, values)
        if not changes:
            return row
    lock_name(session, "repair_category.names")  # two admins giving one name to two codes
    clash = same_name(values, stored_names(session))
    if clash:
        raise InvalidInput(clash, field="name_zh")
    row = write_category(session, row, values)
    detail: dict[str, Any] = (
        {"new": True, **{k: v for k, v in values.items() if k != "code"}}
        if changes is None
        else {"changed": changes}
    )
    detail["version"] = row.version
    audit.record(
        session=session,
        actor=actor,
        clock=clock,
        action="repair_category.save",
        entity="repair_category",
        entity_id=row.code,
        detail=detail,
        subject=row,
    )
    return row
