"""Visitor slips (D-4 to D-8) in bulk, with expected visitors and the deny list.

The slips are the one table that grows to millions of rows: they are generated day by day
as plain tuples from pools built once, so the loop only indexes lists and formats numbers.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate
from typing import Any

from deskterm.demo import texts
from deskterm.demo.context import LOST_SLIP_DONE, SHIFT_HOURS, DemoContext
from deskterm.demo.names import document_tail, masked, mobile, person_name, plate
from deskterm.models.visitor import DenyEntry, ExpectedVisitor

HISTORY_DAYS = 365
# Arrivals per hour of the desk's day: quiet at night, peaks mid-morning and mid-afternoon.
HOURLY = (1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 3, 6, 9, 10, 9, 6, 7, 9, 10, 9, 8, 7, 6, 5, 4, 3, 2)
CUMULATIVE = list(accumulate(weight for weight in HOURLY for _minute in range(60)))
DOC_TYPES = (
    ("resident_id", 82),
    ("driving_licence", 6),
    ("passport", 2),
    ("residence_permit", 2),
    ("other", 1),
    ("sighted", 6),
    ("none", 1),
)
STAY_MINUTES = [10, 15, 20, 25, 30, 40, 45, 60, 75, 90, 120, 150, 180, 240]
STAY_WEIGHTS = [6, 10, 10, 8, 9, 8, 7, 10, 5, 6, 5, 2, 2, 1]
LOST_SLIP = 0.003
LONG_STAYS = (310, 445)  # minutes on site of the two long stays still open now
COLUMNS = (
    "visitor_name",
    "doc_type",
    "doc_masked",
    "phone",
    "plate",
    "host_call_method",
    "host_call_result",
    "headcount",
    "host_resident_id",
    "host_company_id",
    "host_unit_id",
    "host_text",
    "purpose",
    "purpose_text",
    "id",
    "number",
    "checked_in_at",
    "checked_in_by",
    "shift_id",
    "status",
    "checked_out_at",
    "checked_out_by",
    "slip_returned",
    "version",
    "expected_id",
    "deny_entry_id",
    "deny_decided_by",
)
_IDX = {name: i for i, name in enumerate(COLUMNS)}
_DOC_NAMES = [name for name, _w in DOC_TYPES]
_DOC_CUMULATIVE = list(accumulate(weight for _name, weight in DOC_TYPES))


@dataclass
class VisitorPlan:
    days: list[tuple[date, int, int]]  # (desk day, slips, minutes of it that have passed)
    total: int
    arrivals: dict[int, dict[str, Any]] = field(default_factory=dict)  # slip id -> expected row
    deny_override: tuple[int, dict[str, Any]] | None = None  # (slip id, deny entry) let in
    deny_override_at: int | None = None  # its check-in, epoch seconds (known once generated)


def plan_visitors(ctx: DemoContext, total: int) -> VisitorPlan:
    """Spread exactly `total` slips over the last year, fewer at weekends; today up to now."""
    local_now = ctx.now.astimezone(ctx.tz)
    minutes_today = local_now.hour * 60 + local_now.minute
    days, weights = [], []
    for back in range(HISTORY_DAYS - 1, -1, -1):
        day = ctx.today - timedelta(days=back)
        growth = 1 + 0.3 * (HISTORY_DAYS - back) / HISTORY_DAYS  # a busier estate lately
        weight = (0.75 if day.weekday() >= 5 else 1.0) * growth
        limit = 1440
        if back == 0:
            limit = minutes_today
            weight *= CUMULATIVE[limit - 1] / CUMULATIVE[-1] if limit else 0.0
        days.append((day, limit))
        weights.append(weight)
    scale = total / sum(weights)
    shares = [w * scale for w in weights]
    counts = [int(s) for s in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: (counts[i] - shares[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    plan = VisitorPlan([(d, n, limit) for (d, limit), n in zip(days, counts, strict=True)], total)
    for day, n, _limit in plan.days:
        if n:
            ctx.counters[("V", day.strftime("%Y%m%d"))] = n
    return plan


def add_expected_and_denied(ctx: DemoContext, plan: VisitorPlan) -> None:
    """Visitors announced for today (two have arrived) and tomorrow; the supervisors' deny list."""
    rng = ctx.rng
    first_today = plan.total - plan.days[-1][1] + 1
    arrived = [first_today, first_today + 2] if plan.days[-1][1] >= 3 else []
    announcements = [
        (ctx.today, arrived[0] if arrived else None),
        (ctx.today, arrived[1] if arrived else None),
        (ctx.today, None),
        (ctx.today, None),
        (ctx.today, None),
        (ctx.today + timedelta(days=1), None),
    ]
    for index, (day, slip_id) in enumerate(announcements):
        by_company = rng.random() < 0.4
        host = ctx.company() if by_company else ctx.resident()
        creator = ctx.users[rng.choice(("op1", "op2", "op3"))]
        created = min(
            ctx.local(day - timedelta(days=1), rng.randint(9, 18), rng.randint(0, 59)), ctx.now
        )
        row = ctx.add(
            ExpectedVisitor,
            visitor_name=person_name(rng),
            headcount=rng.choice((1, 1, 1, 2, 3)),
            expected_on=day,
            host_resident_id=None if by_company else host["id"],
            host_company_id=host["id"] if by_company else None,
            host_unit_id=host["unit_id"],
            host_text=_host_text(host, by_company),
            purpose="business" if by_company else "visit",
            note=rng.choice(("", "开车来,请放行", "下午三点左右到", "面试,请引导至会议室")),
            created_at=created,
            created_by=creator,
            arrived_slip_id=slip_id,
            cancelled=index == 4,
        )
        ctx.audit(
            created,
            "visitor.expect",
            "expected_visitor",
            row["id"],
            user_id=creator,
            detail={"expected_on": day.isoformat()},
        )
        if slip_id is not None:
            plan.arrivals[slip_id] = row
    supervisor = ctx.users["sup1"]
    for index, (name, reason) in enumerate(texts.DENY_LIST):
        at = ctx.ago(days=200 - 60 * index)
        row = ctx.add(
            DenyEntry,
            name=name,
            reason=ctx.fill(reason),
            created_at=at,
            created_by=supervisor,
            active=True,
        )
        ctx.audit(at, "visitor.deny_add", "deny_entry", row["id"], user_id=supervisor)
    if plan.days[-1][1] >= 3:  # a supervisor let one listed visitor in today (D-7)
        plan.deny_override = (first_today + 1, row)


def _host_text(host: dict[str, Any], by_company: bool) -> str:
    return f"{host['label']} {host['name']}"


class VisitorRows:
    """Tuples in COLUMNS order, day by day; times become text by `stamp` (an epoch second)."""

    def __init__(self, ctx: DemoContext, plan: VisitorPlan, stamp: Callable[[int], Any]) -> None:
        self.ctx, self.plan, self.stamp = ctx, plan, stamp
        rng = ctx.rng
        pool = max(2000, min(plan.total // 8, 50_000))
        self.people = [self._person(rng) for _ in range(pool)]
        # Each host several times with its own purposes; companies get about a quarter of visits.
        per_company = max(1, 4 * len(ctx.residents) // (3 * max(1, len(ctx.companies))))
        self.hosts = [self._host(h, False) for h in ctx.residents for _ in range(4)]
        self.hosts += [self._host(c, True) for c in ctx.companies for _ in range(per_company)]
        self.stays = [
            m * 60 for m, w in zip(STAY_MINUTES, STAY_WEIGHTS, strict=True) for _ in range(w)
        ]
        # The roster, extended back before the demo's shifts: block k of 12 hours from the first
        # shift is worked by rota[k % 3]; blocks 0.. are the demo's shifts themselves.
        shifts = ctx.shifts
        self.shift0 = int(shifts[0].start.timestamp())
        self.shift_ids = [s.id for s in shifts]
        self.rota = [shifts[k].operator_id for k in range(min(3, len(shifts)))]
        while len(self.rota) < 3:
            self.rota.append(ctx.users[("op1", "op2", "op3")[len(self.rota)]])
        self.now = int(ctx.now.timestamp())
        # The handovers' signing instants: the slips on site at each are handed back for the
        # handover's open items (demo.shifts.add_visitors_on_site; D-8, D-11).
        self.signings = sorted(int(h["signed_at"].timestamp()) for h in ctx.rows["handover"])
        self.on_site_at: dict[int, list[tuple[int, str, str, str, int]]] = {}
        # D-2: the slips each handover's operator issued and took back in their shift before
        # signing (its "Done this shift"; demo.shifts.add_done_summaries): shift block k ->
        # (signed at, handover id) of the handovers signed in it
        index = {shift_id: k for k, shift_id in enumerate(self.shift_ids)}
        self.signed_in: dict[int, list[tuple[int, int]]] = {}
        for h in ctx.rows["handover"]:
            self.signed_in.setdefault(index[h["shift_id"]], []).append(
                (int(h["signed_at"].timestamp()), h["id"])
            )
        self.visitors_done: dict[int, dict[str, int]] = {}

    @staticmethod
    def _person(rng) -> tuple:
        """Who comes: name, document (masked), phone, plate, the call to the host, group size."""
        doc = rng.choices(_DOC_NAMES, cum_weights=_DOC_CUMULATIVE)[0]
        call: tuple[str | None, str | None] = (None, None)  # (how the host was asked, answer)
        if doc in ("sighted", "none") or rng.random() < 0.03:  # unknown identity: ask the host
            call = (rng.choice(("phone", "phone", "intercom", "in_person")), "agreed")
        mask = None if doc == "none" else masked(doc, document_tail(rng, doc))
        return (
            person_name(rng),
            doc,
            mask,
            mobile(rng) if rng.random() < 0.3 else None,
            plate(rng) if rng.random() < 0.15 else None,
            *call,
            rng.choices((1, 2, 3, 4), cum_weights=(80, 93, 98, 100))[0],
        )

    def _host(self, host: dict[str, Any], by_company: bool) -> tuple:
        rng = self.ctx.rng
        kinds = texts.VISIT_PURPOSES
        purpose, purpose_text, _w = rng.choices(kinds, weights=[k[2] for k in kinds])[0]
        if by_company:
            purpose, purpose_text = rng.choice(texts.COMPANY_PURPOSES)
        return (
            None if by_company else host["id"],
            host["id"] if by_company else None,
            host["unit_id"],
            _host_text(host, by_company),
            purpose,
            purpose_text,
        )

    def iter_days(self) -> Iterator[list[tuple]]:
        """One list of slip tuples per desk day, oldest first."""
        next_id = 1
        long_stays = {self.now - m * 60 for m in LONG_STAYS}
        for day, count, limit in self.plan.days:
            if count:
                yield self._day(day, count, limit, next_id, long_stays)
            next_id += count

    def _day(
        self, day: date, count: int, limit: int, first_id: int, long_stays: set[int]
    ) -> list[tuple]:
        rng = self.ctx.rng
        random = rng.random
        start = int(self.ctx.local(day).timestamp())
        minutes = sorted(rng.choices(range(limit), cum_weights=CUMULATIVE[:limit], k=count))
        forced = {(t - start) // 60 for t in long_stays if start <= t < start + limit * 60}
        moved: set[int] = set()
        for target in sorted(forced):  # move the nearest arrival onto the long stay's minute
            j = min(bisect.bisect_left(minutes, target), count - 1)
            while j in moved and j + 1 < count:
                j += 1
            if j not in moved:
                moved.add(j)
                minutes[j] = target
        if forced:
            minutes.sort()
        people, hosts, stays, stamp = self.people, self.hosts, self.stays, self.stamp
        n_people, n_hosts, n_stays = len(people), len(hosts), len(stays)
        prefix = f"V{day:%Y%m%d}-"
        now, shift0, shift_ids, rota = self.now, self.shift0, self.shift_ids, self.rota
        # a slip after the last shift's block began (it was handed over minutes after the
        # roster's next start: demo.shifts.add_shifts) belongs to no demo shift
        n_shifts = len(shift_ids)
        block = SHIFT_HOURS * 3600
        on_site, left = "on_site", "left"
        rows: list[tuple[object, ...]] = []  # a slip each, in the insert's column order
        append = rows.append
        self.checked_in = checked_in = [start + m * 60 + int(random() * 60) for m in minutes]
        outs: list[int] = []
        for seq, (minute, ts) in enumerate(zip(minutes, checked_in, strict=True), 1):
            # a shift of the roster begun a moment ago is not in the demo (demo/shifts.py): who
            # arrives in it is on the last shift's slip
            k = min((ts - shift0) // block, len(shift_ids) - 1)
            out = ts + stays[int(random() * n_stays)] + int(random() * 60)
            if minute in forced:
                forced.discard(minute)
                out = now + 60
            outs.append(out)
            if out > now:
                status, out_at, out_by, back = on_site, None, None, None
            else:
                status, out_at, out_by = left, stamp(out), rota[((out - shift0) // block) % 3]
                back = random() >= LOST_SLIP  # False: the slip never came back
            append(
                people[int(random() * n_people)]
                + hosts[int(random() * n_hosts)]
                + (
                    first_id + seq - 1,
                    f"{prefix}{seq:04d}",
                    stamp(ts),
                    rota[k % 3],
                    shift_ids[k] if 0 <= k < n_shifts else None,
                    status,
                    out_at,
                    out_by,
                    back,
                    1,
                    None,
                    None,
                    None,
                )
            )
        if day == self.ctx.today:
            self._today(rows, first_id)
        self._note_on_site(rows, checked_in, outs)
        self._note_done(rows, checked_in, outs)
        return rows

    def _note_done(self, rows: list[tuple], checked_in: list[int], outs: list[int]) -> None:
        """Count each slip into the "Done this shift" of the handovers of the shift that
        checked it in (visitor.register) and of the shift that took it back
        (visitor.checkout), when that happened before the handover was signed."""
        status, shift0, block = _IDX["status"], self.shift0, SHIFT_HOURS * 3600
        signed_in, done = self.signed_in, self.visitors_done

        def count(ts: int, action: str) -> None:
            for signed, handover_id in signed_in.get((ts - shift0) // block, ()):
                if ts <= signed:
                    counts = done.setdefault(handover_id, {})
                    counts[action] = counts.get(action, 0) + 1

        returned = _IDX["slip_returned"]
        for row, ts, out in zip(rows, checked_in, outs, strict=True):
            count(ts, "visitor.register")
            if row[status] != "on_site":
                count(out, "visitor.checkout")
                if row[returned] is False:  # the slip never came back (D-8): not "returned"
                    count(out, LOST_SLIP_DONE)

    def _note_on_site(self, rows: list[tuple], checked_in: list[int], outs: list[int]) -> None:
        """Which of the day's slips were on site at a handover's signing (checked in by then,
        not yet out): the visitors the handover lists as open."""
        signings = self.signings
        if not signings or not checked_in or checked_in[-1] + 2 * 86400 < signings[0]:
            return
        status, ident, number = _IDX["status"], _IDX["id"], _IDX["number"]
        name, host = _IDX["visitor_name"], _IDX["host_text"]
        for row, ts, out in zip(rows, checked_in, outs, strict=True):
            left = None if row[status] == "on_site" else out
            if ts > signings[-1] or (left is not None and left <= signings[0]):
                continue
            for at in signings[bisect.bisect_left(signings, ts) :]:
                if left is not None and at >= left:
                    break
                self.on_site_at.setdefault(at, []).append(
                    (row[ident], row[number], row[name], row[host], ts)
                )

    def _today(self, rows: list[tuple], first_id: int) -> None:
        """At least three visitors still on site; the expected visitors who arrived."""
        status, out_at = _IDX["status"], _IDX["checked_out_at"]
        missing = 3 - sum(1 for row in rows if row[status] == "on_site")
        for i in range(len(rows) - 1, -1, -1):
            if missing <= 0:
                break
            if rows[i][status] != "on_site":
                row = list(rows[i])
                row[status], row[out_at] = "on_site", None
                row[_IDX["checked_out_by"]] = row[_IDX["slip_returned"]] = None
                rows[i] = tuple(row)
                missing -= 1
        for slip_id, expected in self.plan.arrivals.items():
            i = slip_id - first_id
            row = list(rows[i])
            for name in (
                "visitor_name",
                "headcount",
                "host_resident_id",
                "host_company_id",
                "host_unit_id",
                "host_text",
                "purpose",
            ):
                row[_IDX[name]] = expected[name]
            row[_IDX["expected_id"]] = expected["id"]
            row[_IDX["purpose_text"]] = "预约来访"
            rows[i] = tuple(row)
        if self.plan.deny_override:
            slip_id, entry = self.plan.deny_override
            row = list(rows[slip_id - first_id])
            row[_IDX["visitor_name"]] = entry["name"]
            row[_IDX["deny_entry_id"]] = entry["id"]
            row[_IDX["deny_decided_by"]] = self.ctx.users["sup1"]
            row[_IDX["host_call_method"]], row[_IDX["host_call_result"]] = "phone", "agreed"
            rows[slip_id - first_id] = tuple(row)
            self.plan.deny_override_at = self.checked_in[slip_id - first_id]
