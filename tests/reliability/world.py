"""A desk with a bit of everything, built through the services, for the role, bad-input,
hostile-text and privacy trials of issue 9.

`World.build(engine, clock, settings)` makes op1 / sup1 / admin1 (each on shift), a small
estate (buildings, units, residents with phones, a company) and offers one-line builders
for every record family (`w.slip()`, `w.repair()`, `w.complaint()` ...), each in its own
transaction, each made by the admin unless an actor is given.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, inspect, select

from deskterm.db import run_read, run_write
from deskterm.errors import InvalidInput
from deskterm.models.complaint import CommunicationCreate, ComplaintCreate
from deskterm.models.estate import Building, BuildingKind, Company, ResidentCreate, Unit
from deskterm.models.forms import validated
from deskterm.models.inquiry import InquiryCreate, MessageCreate, PromisedReplyCreate
from deskterm.models.repair import RepairOrderCreate, RepairScope
from deskterm.models.shift import LogbookEntryCreate
from deskterm.models.visitor import ExpectedVisitorCreate, VisitorSlipCreate
from deskterm.services import callback_schedule
from deskterm.services.actor import Actor
from deskterm.services.complaints import communications
from deskterm.services.complaints import handling as complaints
from deskterm.services.estate import residents
from deskterm.services.inquiries import log as inquiries
from deskterm.services.inquiries import messages, promises
from deskterm.services.repairs import intake, status
from deskterm.services.shift import duty as shifts
from deskterm.services.shift import logbook
from deskterm.services.visitors import deny as visitor_deny
from deskterm.services.visitors import expected as visitor_expected
from deskterm.services.visitors import slips as visitors
from tests.factories import make_staff

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id_number(serial: int, born: str = "19850612", area: str = "330106") -> str:
    """An 18-character resident ID number with a correct check character (GB 11643)."""
    body = f"{area}{born}{serial % 1000:03d}"
    total = sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


class Refused:
    """A form the desk refused as it was filled (models.forms.validated, issue 20): nothing
    reached a service. Reading it raises that refusal, so a service handed it in a trial
    fails in the transaction, before anything is written, with the form's one sentence."""

    def __init__(self, exc: InvalidInput) -> None:
        self.exc = exc

    def __getattr__(self, name: str):
        raise InvalidInput(str(self.exc), field=self.exc.field)


def construct(model, **values):
    """A form model as the desk app builds it: validated (models.forms.validated), or the
    refusal (`Refused`) when the values break one of its fields' rules."""
    try:
        return validated(model, values)
    except InvalidInput as exc:
        return Refused(exc)


def row_counts(engine) -> dict[str, int]:
    """Rows in every table (the audit tables included)."""
    from sqlmodel import SQLModel

    import deskterm.models  # noqa: F401  (every table registered)

    names = [t.name for t in SQLModel.metadata.sorted_tables]

    def count(session):
        return {
            name: session.execute(
                select(func.count()).select_from(SQLModel.metadata.tables[name])
            ).scalar_one()
            for name in names
        }

    return run_read(engine, count)


class World:
    def __init__(
        self, engine, clock, settings, operator: Actor, supervisor: Actor, admin: Actor
    ) -> None:
        self.engine, self.clock, self.settings = engine, clock, settings
        self.operator, self.supervisor, self.admin = operator, supervisor, admin
        self.units: dict[str, int] = {}
        self.residents: dict[str, int] = {}
        self.companies: dict[str, int] = {}
        self.phones: dict[str, str] = {}  # resident (or company) name -> phone

    def __repr__(self) -> str:  # short, for Hypothesis' falsifying examples
        return f"World({self.engine.url})"

    @classmethod
    def build(cls, engine, clock, settings, *, on_shift: bool = True) -> World:
        staff = make_staff(engine, clock, settings)
        actors = [staff.operator, staff.supervisor, staff.admin]
        if on_shift:  # one operator on duty per post (issue 14): the others hold posts of their own
            actors = [
                _on_shift(
                    engine,
                    clock,
                    settings if i == 0 else settings.replace(post=f"{settings.post}-{a.code}"),
                    a,
                )
                for i, a in enumerate(actors)
            ]
        world = cls(engine, clock, settings, *actors)
        world.build_estate()
        return world

    def by_role(self, role: str) -> Actor:
        return {"operator": self.operator, "supervisor": self.supervisor, "admin": self.admin}[role]

    def write(self, work):
        return run_write(self.engine, work)

    def read(self, work):
        return run_read(self.engine, work)

    # -- the estate ----------------------------------------------------------------------------
    def build_estate(self) -> None:
        people = (
            ("12-1203", "张三", "13900001111"),
            ("12-1203", "李四", "13900002222"),
            ("12-1204", "王五", "13900003333"),
        )

        def build(s):
            b12 = Building(code="12", name="12栋")
            ba = Building(code="A", name="A座", kind=BuildingKind.office)
            s.add_all([b12, ba])
            s.flush()
            for label, b in (("12-1203", b12), ("12-1204", b12), ("A-0801", ba)):
                unit = Unit(building_id=b.id, number=label.split("-")[1], label=label, floor=12)
                s.add(unit)
                s.flush()
                self.units[label] = unit.id
            for label, name, phone in people:
                row = residents.create_resident(
                    session=s,
                    actor=self.admin,
                    clock=self.clock,
                    resident_in=ResidentCreate(name=name, unit_id=self.units[label], phone=phone),
                )
                self.residents[name] = row.id
                self.phones[name] = phone
            company = Company(
                name="云帆科技",
                unit_id=self.units["A-0801"],
                contact_name="刘洋",
                phone="13900004444",
                name_pinyin="yunfankeji",
                name_initials="yfkj",
            )
            s.add(company)
            s.flush()
            self.companies["云帆科技"] = company.id
            self.phones["云帆科技"] = "13900004444"

        self.write(build)

    # -- one record of each family ----------------------------------------------------------------
    def slip(self, actor: Actor | None = None, **values):
        data = construct(
            VisitorSlipCreate,
            **{
                "visitor_name": "访客甲",
                "doc_type": "resident_id",
                "doc_number": resident_id_number(1),
                "host_resident_id": self.residents["张三"],
                "purpose": "visit",
                "host_call_method": "phone",
                "host_call_result": "agreed",
                **values,
            },
        )
        return self.write(
            lambda s: visitors.register_slip(
                session=s,
                actor=actor or self.admin,
                clock=self.clock,
                settings=self.settings,
                slip_in=data,
            )
        )

    def expected(self, actor: Actor | None = None, **values):
        data = construct(
            ExpectedVisitorCreate,
            **{
                "visitor_name": "预约客",
                "expected_on": self.today(),
                "host_resident_id": self.residents["张三"],
                **values,
            },
        )
        return self.write(
            lambda s: visitor_expected.add_expected(
                session=s,
                actor=actor or self.admin,
                clock=self.clock,
                settings=self.settings,
                expected_in=data,
            )
        )

    def deny_entry(self, name: str = "黑名单人", reason: str = "曾经闹事"):
        return self.write(
            lambda s: visitor_deny.add_deny_entry(
                session=s, actor=self.admin, clock=self.clock, name=name, reason=reason
            )
        )

    def log(self, actor: Actor | None = None, **values):
        data = construct(
            LogbookEntryCreate,
            **{
                "occurred_at": self.clock.now(),
                "category": "other",
                "what": "大堂灯不亮",
                **values,
            },
        )
        return self.write(
            lambda s: logbook.add_entry(
                session=s, actor=actor or self.admin, clock=self.clock, entry_in=data
            )
        )

    def inquiry(self, actor: Actor | None = None, **values):
        data = construct(
            InquiryCreate, **{"channel": "phone", "topic": "找人", "inquirer": "来电者", **values}
        )
        return self.write(
            lambda s: inquiries.open_inquiry(
                session=s, actor=actor or self.admin, clock=self.clock, inquiry_in=data
            )
        )

    def message(self, actor: Actor | None = None, **values):
        data = construct(
            MessageCreate,
            **{
                "for_kind": "other",
                "for_name": "张三",
                "from_name": "快递员",
                "text": "包裹放在前台",
                **values,
            },
        )
        return self.write(
            lambda s: messages.take_message(
                session=s, actor=actor or self.admin, clock=self.clock, message_in=data
            )
        )

    def promise(self, actor: Actor | None = None, **values):
        data = construct(
            PromisedReplyCreate,
            **{
                "question": "停车费怎么交",
                "asked_by": "业主",
                "contact": "前台来访",
                "due_at": self.clock.now() + timedelta(hours=4),
                **values,
            },
        )
        return self.write(
            lambda s: promises.make_promise(
                session=s, actor=actor or self.admin, clock=self.clock, promise_in=data
            )
        )

    def repair(self, actor: Actor | None = None, **values):
        data = construct(
            RepairOrderCreate,
            **{
                "scope": RepairScope.household,
                "unit_id": self.units["12-1203"],
                "channel": "phone",
                "reporter_name": "张三",
                "reporter_contact": "",
                "category_code": "tap_leak_severe",
                "description": "厨房水龙头漏水",
                **values,
            },
        )
        return self.write(
            lambda s: intake.create_repair_order(
                session=s,
                actor=actor or self.admin,
                clock=self.clock,
                settings=self.settings,
                order_in=data,
            )
        )

    def repaired(self, **values):
        """An order dispatched, on site and repaired (its callback falls due)."""
        order = self.repair(**values)
        self.write(
            lambda s: status.dispatch(
                session=s,
                actor=self.admin,
                clock=self.clock,
                order_id=order.id,
                version=None,
                assignee="王师傅",
            )
        )
        self.write(
            lambda s: status.record_arrival(
                session=s, actor=self.admin, clock=self.clock, order_id=order.id, version=None
            )
        )
        return self.write(
            lambda s: status.mark_repaired(
                session=s,
                actor=self.admin,
                clock=self.clock,
                settings=self.settings,
                order_id=order.id,
                version=None,
                work_done="换了阀芯",
            )
        )

    def complaint(self, actor: Actor | None = None, **options):
        values = {k: options.pop(k) for k in list(options) if k in ComplaintCreate.model_fields}
        data = construct(
            ComplaintCreate,
            **{"who_name": "赵女士", "content": "电梯太慢", "category": "facilities", **values},
        )
        return self.write(
            lambda s: complaints.intake_complaint(
                session=s,
                actor=actor or self.admin,
                clock=self.clock,
                settings=self.settings,
                complaint_in=data,
                **options,
            )
        )

    def communication(self, actor: Actor | None = None, **values):
        data = construct(
            CommunicationCreate,
            **{
                "at": self.clock.now(),
                "party_kind": "owners_committee",
                "party_name": "业委会",
                "how": "meeting",
                "subject": "停车位",
                **values,
            },
        )
        return self.write(
            lambda s: communications.record_communication(
                session=s,
                actor=actor or self.admin,
                clock=self.clock,
                settings=self.settings,
                communication_in=data,
            )
        )

    def complaint_callback(self):
        """A closed complaint and its pending callback."""
        row = self.complaint(close_answer="已经解释清楚")
        return row, self.read(
            lambda s: callback_schedule.pending_for(s, kind="complaint", subject_id=row.id)
        )

    def today(self) -> date:
        from deskterm.rules.numbering import local_day

        return local_day(self.clock.now(), self.settings.timezone)


def _on_shift(engine, clock, settings, actor: Actor) -> Actor:
    shift = run_write(
        engine,
        lambda s: shifts.start_shift(
            session=s,
            actor=actor,
            clock=clock,
            settings=settings,
            self_check={item: True for item in settings.self_check_items},
        ),
    )
    return Actor(actor.user_id, actor.code, actor.name, actor.role, shift.id)


def column_limits() -> dict[tuple[str, str], int]:
    """(table, column) -> the VARCHAR length the schema gives it (PostgreSQL enforces it)."""
    from sqlmodel import SQLModel

    import deskterm.models  # noqa: F401

    limits = {}
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            length = getattr(column.type, "length", None)
            if length:
                limits[(table.name, column.name)] = length
    return limits


def too_long(row) -> list[str]:
    """Columns of a saved row whose text does not fit the schema's length (or holds a NUL,
    which PostgreSQL cannot store): what SQLite accepts but a PostgreSQL desk would refuse."""
    table = type(row).__tablename__
    limits = column_limits()
    found = []
    for attr in inspect(type(row)).columns:
        value = getattr(row, attr.key)
        if isinstance(value, str):
            limit = limits.get((table, attr.key))
            if limit is not None and len(value) > limit:
                found.append(f"{attr.key} ({len(value)} > {limit})")
            if "\x00" in value:
                found.append(f"{attr.key} (NUL)")
    return found
