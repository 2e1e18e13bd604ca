"""The repair categories an admin keeps (D-30): add, rename, reclassify, retire; every change
audited with what changed; the same check as `deskterm import categories`; `init` never undoes
a site's edit; a retired category is not offered to a new order, and an old order keeps it."""

from __future__ import annotations

import pytest
from sqlmodel import select

from deskterm.db import run_read, run_write
from deskterm.errors import InvalidInput, PermissionDenied, StaleEdit
from deskterm.models.audit import AuditEvent
from deskterm.models.repair import RepairCategory
from deskterm.services import audit
from deskterm.services.admin import reference
from deskterm.services.admin.repair_categories import category_rows, check_category, save_category
from deskterm.services.repairs import intake
from tests.services.test_repairs_support import create, make_repair_estate, order_in


def save(engine, clock, actor, *, new=False, **fields):
    return run_write(
        engine, lambda s: save_category(session=s, actor=actor, clock=clock, new=new, **fields)
    )


def row(engine, code):
    return run_read(engine, lambda s: s.get(RepairCategory, code))


def events(engine):
    return run_read(
        engine,
        lambda s: list(
            s.exec(
                select(AuditEvent)
                .where(AuditEvent.action == "repair_category.save")
                .order_by(AuditEvent.seq)
            )
        ),
    )


def test_an_admin_adds_reclassifies_and_retires_a_category(engine, clock, settings, staff):
    estate = make_repair_estate(engine)
    added = save(
        engine,
        clock,
        staff.admin,
        new=True,
        code="gas_smell",
        name_zh="燃气异味",
        name_en="Smell of gas",
        repair_class="急修",
        scope="户内",
        sort="5",
    )
    assert (added.repair_class, added.scope, added.sort, added.active) == (
        "urgent",
        "household",
        5,
        True,
    )
    order = create(engine, clock, settings, staff.operator, order_in(estate.unit_1203, "gas_smell"))
    assert order.repair_class == "urgent"  # the class the admin gave it sets the order's
    before = row(engine, "heating_not_warm")
    save(
        engine,
        clock,
        staff.admin,
        code="heating_not_warm",
        name_zh="暖气不热(含地暖)",
        name_en=before.name_en,
        repair_class="urgent",
        scope=before.scope,
        sort=before.sort,
    )
    assert row(engine, "heating_not_warm").repair_class == "urgent"
    # retire: not offered any more, refused for a new order, the old order keeps its category
    save(
        engine,
        clock,
        staff.admin,
        code="gas_smell",
        name_zh="燃气异味",
        name_en="Smell of gas",
        repair_class="urgent",
        scope="household",
        sort=5,
        active=False,
    )
    offered = run_read(engine, lambda s: [c.code for c in intake.list_categories(session=s)])
    assert "gas_smell" not in offered and "heating_not_warm" in offered
    with pytest.raises(InvalidInput) as refused:
        create(engine, clock, settings, staff.operator, order_in(estate.unit_1203, "gas_smell"))
    assert refused.value.field == "category_code" and "no longer used" in str(refused.value)
    assert run_read(engine, lambda s: s.get(type(order), order.id)).category_code == "gas_smell"
    assert "gas_smell" in [c.code for c in run_read(engine, category_rows)]  # the admin sees it
    # every change audited with what changed, the row sealed in the chain
    new, renamed, retired = events(engine)
    assert new.detail["new"] is True and new.entity_id == "gas_smell"
    assert renamed.detail["changed"] == {
        "name_zh": ["暖气不热", "暖气不热(含地暖)"],
        "repair_class": ["general", "urgent"],
    }
    assert retired.detail["changed"] == {"active": [True, False]}
    assert run_read(engine, audit.verify).ok


def test_a_save_that_changes_nothing_writes_nothing(engine, clock, staff):
    cat = row(engine, "heating_not_warm")
    save(
        engine,
        clock,
        staff.admin,
        code=cat.code,
        name_zh=cat.name_zh,
        name_en=cat.name_en,
        repair_class=str(cat.repair_class),
        scope=cat.scope,
        sort=cat.sort,
    )
    assert events(engine) == []


def test_only_an_admin_changes_categories(engine, clock, staff):
    for actor in (staff.operator, staff.supervisor):
        with pytest.raises(PermissionDenied):
            save(engine, clock, actor, new=True, code="x", name_zh="某", repair_class="general")
    assert row(engine, "x") is None and events(engine) == []


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"code": "Gas Smell"}, "code"),
        ({"code": ""}, "code"),
        ({"name_zh": ""}, "name_zh"),
        ({"name_zh": "长" * 65}, "name_zh"),
        ({"repair_class": "soon"}, "repair_class"),
        ({"scope": "garden"}, "scope"),
        ({"sort": "first"}, "sort"),
    ],
)
def test_bad_values_are_refused_by_field_in_one_sentence(engine, clock, staff, fields, field):
    values = {"code": "gas_smell", "name_zh": "燃气异味", "repair_class": "urgent", **fields}
    with pytest.raises(InvalidInput) as refused:
        save(engine, clock, staff.admin, new=True, **values)
    assert refused.value.field == field and str(refused.value).endswith(".")
    with pytest.raises(InvalidInput):  # the import holds its rows to the same check
        check_category(**values)


def test_a_new_category_cannot_take_a_code_in_use(engine, clock, staff):
    with pytest.raises(InvalidInput) as refused:
        save(
            engine,
            clock,
            staff.admin,
            new=True,
            code="heating_not_warm",
            name_zh="x",
            repair_class="urgent",
        )
    assert refused.value.field == "code"
    assert row(engine, "heating_not_warm").name_zh == "暖气不热"


def test_init_never_undoes_an_admins_edit_or_revives_a_retired_category(engine, clock, staff):
    cat = row(engine, "heating_not_warm")
    save(
        engine,
        clock,
        staff.admin,
        code=cat.code,
        name_zh="暖气不热(本小区)",
        name_en=cat.name_en,
        repair_class="urgent",
        scope=cat.scope,
        sort=cat.sort,
        active=False,
    )
    added = run_write(engine, reference.load_repair_categories)
    assert added == 0
    again = row(engine, "heating_not_warm")
    assert (again.name_zh, again.repair_class, again.active) == (
        "暖气不热(本小区)",
        "urgent",
        False,
    )


def test_two_admins_editing_one_category_cannot_lose_an_update(engine, clock, staff):
    """Issue 21, finding 4: admin A renames, admin B saves from the form opened before it:
    B is refused with what A changed, A's rename stands, and B's form version is honoured."""
    cat = row(engine, "heating_not_warm")
    opened = cat.version
    fields = dict(
        code=cat.code,
        name_en=cat.name_en,
        repair_class=str(cat.repair_class),
        scope=cat.scope,
        sort=cat.sort,
    )
    save(engine, clock, staff.admin, version=opened, name_zh="暖气不热(含地暖)", **fields)
    assert row(engine, cat.code).version == opened + 1
    with pytest.raises(StaleEdit) as refused:
        save(
            engine, clock, staff.admin, version=opened, name_zh=cat.name_zh, active=False, **fields
        )
    sentence = str(refused.value)
    assert "heating_not_warm" in sentence and "暖气不热(含地暖)" in sentence
    assert refused.value.changes == {"name_zh": ("暖气不热", "暖气不热(含地暖)")}
    kept = row(engine, cat.code)
    assert (kept.name_zh, kept.active) == ("暖气不热(含地暖)", True)
    assert [e.detail["version"] for e in events(engine)] == [opened + 1]
    # opened again from what is stored now, the same change is saved
    save(
        engine,
        clock,
        staff.admin,
        version=opened + 1,
        name_zh="暖气不热(含地暖)",
        active=False,
        **fields,
    )
    assert row(engine, cat.code).active is False
