"""D-32: the company publishes where and when repairs can be reported. The notice is built
from the settings (the place, the hours, the time limits of D-31, the warranty of D-35) and
the directory (the phone entries to call), so it changes when they change; the desk shows it
and prints it."""

from __future__ import annotations

from sqlalchemy import or_
from sqlmodel import Session, col, select

from deskterm.config import Settings
from deskterm.i18n import _
from deskterm.models.directory import DirectoryEntry, DirectoryKind


def _span(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if rest:
        return _("{h} h {m} min").format(h=hours, m=rest)
    return _("{h} h").format(h=hours)


def repair_phones(session: Session, settings: Settings) -> list[DirectoryEntry]:
    """The directory's phone entries the notice lists (names holding settings'
    repair_phone_names), in name order."""
    names = [n for n in settings.repair_phone_names if n.strip()]
    if not names:
        return []
    stmt = (
        select(DirectoryEntry)
        .where(
            DirectoryEntry.kind == DirectoryKind.phone,
            col(DirectoryEntry.phone).is_not(None),
            or_(*(col(DirectoryEntry.name).contains(n.strip()) for n in names)),
        )
        .order_by(col(DirectoryEntry.name_pinyin), col(DirectoryEntry.id))
    )
    return list(session.exec(stmt))


def repair_notice(session: Session, settings: Settings) -> list[str]:
    """The notice, line by line (translated; the first line is its title)."""
    sla = settings.sla
    place = settings.repair_report_place.strip() or settings.post
    lines = [
        _("Where and when to report repairs"),
        _("Report at: {place}").format(place=place),
        _("Hours: {hours}; urgent repairs at any time by phone.").format(
            hours=settings.repair_report_hours
        ),
    ]
    phones = repair_phones(session, settings)
    for entry in phones:
        lines.append(
            _("Phone: {name} {phone}").format(name=entry.name, phone=entry.phone)
            + (f" ({entry.hours})" if entry.hours else "")
        )
    if not phones:
        lines.append(_("Phone: ask at the desk."))
    lines += [
        _(
            "Urgent repairs (danger, power or water cut, burst pipe, lift failure ...): "
            "on site within {onsite}, repaired within {fix}."
        ).format(onsite=_span(sla.urgent_onsite_minutes), fix=_span(sla.urgent_fix_minutes)),
        _("General repairs: repaired within {fix}.").format(fix=_span(sla.general_fix_minutes)),
        _("Repairs are under warranty for {n} months.").format(n=settings.warranty_months),
    ]
    return lines


def notice_text(lines: list[str]) -> str:
    """The printed form: the title underlined, then the lines."""
    title, *rest = lines
    return "\n".join([title, "=" * max(8, len(title) * 2), *rest]) + "\n"
