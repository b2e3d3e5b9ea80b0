"""A deterministic fictional company whose data exercises every feature of shadowspend.

``generate_company(seed, end_date, months, scale)`` builds *Northwind Labs*: departments,
cardholders, the card and expense connections, IT's sanctioned inventory, the tools business
teams declared, daily FX rates, and a plan of every transaction. The transactions themselves are
produced lazily by :meth:`DemoCompany.iter_transactions`, in date order, so a million rows never
sit in memory at once.

Contract:

* Pure: no database, no settings, no clock except when ``end_date`` is ``None`` (then the last
  day of the previous calendar month, UTC). Imports only the standard library,
  ``connectors.base`` and the data modules beside this one.
* Deterministic: the same ``(seed, end_date, months, scale)`` gives equal output, row for row
  and byte for byte, on every run and platform (``random.Random`` seeded with integers only;
  nothing depends on ``hash()`` or on the iteration order of a set).
* Money is integer minor units of the row's ISO 4217 currency (USD, EUR, GBP, CAD, JPY); a
  positive amount is money leaving the company, a refund is negative.
* ``transaction_date`` lies in ``[start_date, end_date]``; ``posted_date`` is 1-3 days later
  and may fall up to three days after ``end_date``.
* ``scale`` multiplies the headcount (and with it the volume of everything people buy) and the
  number of separate teams that buy the same tool; 1.0 gives about 120 cardholders and at least
  20,000 rows, 50 about a million. ``ValueError`` for ``months < 1`` or ``scale <= 0``.
"""

from __future__ import annotations

import calendar
import random
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Literal

from app.demo.merchants import (
    ACTIVITY,
    BASE_MIX,
    BERLIN,
    DEPARTMENT_MIX,
    LONDON,
    TOKYO,
    TORONTO,
    US,
    Merchant,
)
from app.demo.saas import (
    CS,
    DESIGN,
    ENG,
    FIN,
    IT,
    MKT,
    OPS,
    PEOPLE,
    PERSONAL_TOOLS,
    SALES,
    TEAM_TOOLS,
    PersonalTool,
    TeamTool,
)
from connectors.base import Channel, RawTransaction

COMPANY_NAME = "Northwind Labs"
# A reserved top-level domain (RFC 2606): the demo never produces a deliverable address.
COMPANY_DOMAIN = "northwindlabs.example"

AMEX = "Corporate Amex"
RAMP = "Ramp cards"
EXPENSIFY = "Expensify reimbursements"
IT_CARD = "IT procurement card"

Period = Literal["monthly", "annual"]


@dataclass(frozen=True, slots=True)
class DemoDepartment:
    name: str
    cost_centre: str
    is_it: bool


@dataclass(frozen=True, slots=True)
class DemoCardholder:
    """A person with a company card. ``office`` is the city whose currency their card uses."""

    external_id: str
    name: str
    email: str
    department: str
    office: str = "New York"


@dataclass(frozen=True, slots=True)
class DemoConnection:
    """A source of transactions; ``connector`` is the slug of the connector that would feed it."""

    name: str
    connector: str
    is_it_channel: bool


@dataclass(frozen=True, slots=True)
class DemoSanction:
    """An entry of IT's approved inventory. ``departments`` None means company-wide;
    ``vendor_name`` is the catalog's canonical name."""

    vendor_name: str
    departments: tuple[str, ...] | None
    owner_email: str
    annual_value_minor: int
    currency: str
    seats: int | None
    contract_start: date
    contract_end: date
    notice_days: int | None = None


@dataclass(frozen=True, slots=True)
class DemoRegistration:
    """A tool a business team declared, typed the way a person types it."""

    name_as_typed: str
    department: str
    owner_email: str
    purpose: str
    seats: int | None
    cost_minor: int | None
    currency: str
    period: Period
    url: str | None
    start_date: date


# -- the plan --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Holder:
    """Everything a row needs about the person who made it, precomputed."""

    external_id: str
    name: str
    email: str
    department: str
    card_connection: str
    card_last4: str
    pool: int


@dataclass(frozen=True, slots=True)
class _Sub:
    """One subscription: who pays, how, and how it prints."""

    vendor: str
    holder: int
    connection: str
    descriptor: str
    has_ref: bool
    merchant: str | None
    mcc: str
    currency: str
    memo: str | None


# (descriptor, has placeholders, merchant name, mcc, lowest amount, amount span, chance of
# reimbursement, chance of refund, memos), amounts already in the pool's minor units.
_Entry = tuple[str, bool, str | None, str, float, float, float, float, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class _Pool:
    """The merchants one office/department mix draws from, expanded by weight."""

    entries: tuple[_Entry, ...]
    currency: str
    round_to: int


@dataclass(frozen=True, slots=True)
class _Plan:
    days: tuple[date, ...]  # the window plus three days for posting
    window_days: int
    ordinary_counts: tuple[int, ...]
    charges: dict[int, tuple[tuple[_Sub, int], ...]]  # day index -> (subscription, amount)
    holders: tuple[_Holder, ...]
    picker: tuple[int, ...]  # holder indices, repeated by how much each person spends
    pools: tuple[_Pool, ...]
    seed: int


_Add = Callable[[int | None, _Sub, int], None]


@dataclass(frozen=True, slots=True)
class DemoCompany:
    """The generated company. Lists are in a stable order; see the module docstring."""

    name: str
    domain: str
    start_date: date
    end_date: date
    departments: list[DemoDepartment]
    cardholders: list[DemoCardholder]
    connections: list[DemoConnection]
    sanctioned: list[DemoSanction]
    registrations: list[DemoRegistration]
    fx_rates: list[tuple[date, str, Decimal]]
    transaction_count: int
    _plan: _Plan = field(repr=False, compare=False)

    def iter_transactions(self) -> Iterator[tuple[str, RawTransaction]]:
        """Yield ``(connection name, transaction)`` in ``transaction_date`` order.

        Each call starts afresh and yields exactly ``transaction_count`` rows, identical on every
        call. ``external_id`` is unique within its connection.
        """
        return _iterate(self._plan)


# -- static shape of the company ---------------------------------------------------------------

_DEPARTMENTS: tuple[tuple[str, str, bool, int], ...] = (
    (ENG, "CC-1100", False, 28),
    (IT, "CC-1200", True, 8),
    (DESIGN, "CC-1300", False, 10),
    (MKT, "CC-2100", False, 16),
    (SALES, "CC-2200", False, 22),
    (CS, "CC-2300", False, 14),
    (FIN, "CC-3100", False, 7),
    (PEOPLE, "CC-3200", False, 6),
    (OPS, "CC-3300", False, 9),
)
_AMEX_DEPARTMENTS = frozenset({SALES, MKT, CS})

# office -> (currency, minor units per US cent, rounding step, share of staff in ‰)
_OFFICES: tuple[tuple[str, str, float, int, int, tuple[Merchant, ...]], ...] = (
    ("New York", "USD", 1.0, 1, 780, US),
    ("London", "GBP", 0.79, 1, 90, LONDON),
    ("Berlin", "EUR", 0.92, 1, 70, BERLIN),
    ("Toronto", "CAD", 1.36, 1, 40, TORONTO),
    ("Tokyo", "JPY", 1.5, 10, 20, TOKYO),
)

# USD per unit, at the start of the window; rates then drift.
_FX_BASE: dict[str, float] = {"EUR": 1.085, "GBP": 1.27, "CAD": 0.735, "JPY": 0.00668}

_FIRST = (
    "Ava",
    "Ben",
    "Chloe",
    "Daniel",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Isabel",
    "Jamal",
    "Kira",
    "Liam",
    "Maya",
    "Noah",
    "Olivia",
    "Priya",
    "Quinn",
    "Rosa",
    "Samir",
    "Tara",
    "Umar",
    "Vera",
    "Wei",
    "Ximena",
    "Yusuf",
    "Zoe",
    "Aaron",
    "Bianca",
    "Carlos",
    "Dana",
    "Emeka",
    "Fiona",
    "Gabriel",
    "Hannah",
    "Ivan",
    "Julia",
    "Kenji",
    "Lena",
    "Marco",
    "Nadia",
    "Oscar",
    "Paula",
    "Rahul",
    "Sofia",
    "Tomas",
    "Uma",
    "Victor",
    "Wendy",
    "Yara",
    "Zane",
    "Amir",
    "Beatriz",
    "Connor",
    "Deepa",
    "Erik",
    "Fatima",
    "George",
    "Helena",
    "Ines",
    "Jonah",
)
_LAST = (
    "Adams",
    "Bauer",
    "Chen",
    "Diaz",
    "Evans",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ito",
    "Johnson",
    "Kim",
    "Lopez",
    "Murphy",
    "Nguyen",
    "Okafor",
    "Patel",
    "Quintero",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Ueda",
    "Vargas",
    "Walsh",
    "Xu",
    "Yilmaz",
    "Zimmerman",
    "Alvarez",
    "Brennan",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fernandes",
    "Gupta",
    "Hoffman",
    "Iyer",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Novak",
    "Olsen",
    "Petrov",
    "Reyes",
    "Singh",
    "Torres",
    "Umeh",
    "Varga",
    "Weber",
    "Young",
    "Zhang",
    "Abbott",
    "Blake",
    "Carter",
    "Dunn",
    "Ellis",
    "Foster",
    "Grant",
    "Hayes",
    "Keller",
    "Lindqvist",
)

# RawTransaction built positionally (about twice as fast as by keyword, which matters at a
# million rows): the field order is part of connectors.base's contract (RAW_TRANSACTION_FIELDS).
_new: Callable[..., RawTransaction] = RawTransaction
_NO_RAW: Mapping[str, Any] = MappingProxyType({})

_ALNUM = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
_M64 = (1 << 64) - 1


def _mix(*parts: int) -> int:
    """A well-spread 64-bit integer from integers (splitmix64 steps); stable everywhere."""
    x = 0x9E3779B97F4A7C15
    for p in parts:
        x = (x ^ (p & _M64)) & _M64
        x = (x + 0x9E3779B97F4A7C15) & _M64
        z = x
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
        x = z ^ (z >> 31)
    return x


def _default_end(today: date) -> date:
    return today.replace(day=1) - timedelta(days=1)


def _month_start(d: date, back: int) -> date:
    index = d.year * 12 + (d.month - 1) - back
    return date(index // 12, index % 12 + 1, 1)


def generate_company(
    seed: int = 7, end_date: date | None = None, months: int = 12, scale: float = 1.0
) -> DemoCompany:
    """Build the demo company. See the module docstring for the guarantees."""
    if months < 1:
        raise ValueError("months must be at least 1")
    if not scale > 0:
        raise ValueError("scale must be positive")
    end = end_date if end_date is not None else _default_end(datetime.now(UTC).date())
    start = _month_start(end, months - 1)
    return _Builder(seed, start, end, months, scale).build()


class _Builder:
    def __init__(self, seed: int, start: date, end: date, months: int, scale: float) -> None:
        self.seed = seed
        self.start = start
        self.end = end
        self.months = months
        self.scale = scale
        self.rng = random.Random(_mix(seed, 0x5EED))
        self.window_days = (end - start).days + 1
        self.days = tuple(start + timedelta(days=i) for i in range(self.window_days + 3))

    # People -----------------------------------------------------------------------------------

    def _people(self) -> tuple[list[DemoDepartment], list[DemoCardholder], list[_Holder]]:
        rng = self.rng
        departments = [DemoDepartment(n, cc, it) for n, cc, it, _ in _DEPARTMENTS]
        names = [(f, ln) for f in _FIRST for ln in _LAST]
        rng.shuffle(names)
        cardholders: list[DemoCardholder] = []
        holders: list[_Holder] = []
        used_emails: set[str] = set()
        used_last4: set[str] = set()
        n = 0
        for dept, _, _, size in _DEPARTMENTS:
            count = max(2, round(size * self.scale))
            for _ in range(count):
                first, last = names[n % len(names)]
                suffix = "" if n < len(names) else str(n // len(names) + 1)
                n += 1
                email = f"{first}.{last}{suffix}@{COMPANY_DOMAIN}".lower()
                while email in used_emails:  # pragma: no cover - names are unique per round
                    email = email.replace("@", "x@")
                used_emails.add(email)
                roll = rng.randrange(1000)
                office_index = 0
                acc = 0
                for i, office in enumerate(_OFFICES):
                    acc += office[4]
                    if roll < acc:
                        office_index = i
                        break
                if dept == IT:
                    office_index = 0  # IT sits at headquarters
                ext = f"E{10000 + n:05d}"
                holder_name = f"{first} {last}"
                cardholders.append(
                    DemoCardholder(ext, holder_name, email, dept, _OFFICES[office_index][0])
                )
                last4 = f"{rng.randrange(10000):04d}"
                while last4 in used_last4 and len(used_last4) < 9000:
                    last4 = f"{rng.randrange(10000):04d}"
                used_last4.add(last4)
                holders.append(
                    _Holder(
                        external_id=ext,
                        name=holder_name,
                        email=email,
                        department=dept,
                        card_connection=AMEX if dept in _AMEX_DEPARTMENTS else RAMP,
                        card_last4=last4,
                        pool=office_index * len(_DEPARTMENTS)
                        + [d[0] for d in _DEPARTMENTS].index(dept),
                    )
                )
        return departments, cardholders, holders

    def _pools(self) -> tuple[_Pool, ...]:
        pools: list[_Pool] = []
        for _, currency, factor, round_to, _, merchants in _OFFICES:
            for dept, _, _, _ in _DEPARTMENTS:
                mix = dict(BASE_MIX)
                mix.update(DEPARTMENT_MIX.get(dept, {}))
                expanded: list[Merchant] = []
                for m in merchants:
                    expanded.extend([m] * (mix.get(m.kind, 0) * m.weight))
                if not expanded:  # pragma: no cover - every office has coffee
                    expanded = list(merchants)
                entries = tuple(
                    (
                        m.descriptor,
                        "{" in m.descriptor,
                        m.merchant,
                        m.mcc,
                        m.lo * factor,
                        (m.hi - m.lo) * factor,
                        m.reimbursed * 0.6,  # most people use the card they were given
                        m.refundable,
                        m.memos,
                    )
                    for m in expanded
                )
                pools.append(_Pool(entries, currency, round_to))
        return tuple(pools)

    # Subscriptions ---------------------------------------------------------------------------

    def _month_day(self, m: int, dom: int) -> int | None:
        """Day index of day-of-month ``dom`` in window month ``m``, or None outside the window."""
        first = _month_start(self.start, -m)
        last_dom = calendar.monthrange(first.year, first.month)[1]
        day = first.replace(day=min(dom, last_dom))
        if day < self.start or day > self.end:
            return None
        return (day - self.start).days

    def _descriptor(self, template: str) -> tuple[str, bool]:
        if "{team}" in template:
            team = "T0" + "".join(self.rng.choices(_ALNUM, k=8))
            template = template.replace("{team}", team)
        return template, "{ref}" in template

    def _subscriptions(self, holders: list[_Holder]) -> dict[int, list[tuple[_Sub, int]]]:
        rng = self.rng
        charges: dict[int, list[tuple[_Sub, int]]] = {}

        def add(day: int | None, sub: _Sub, amount: int) -> None:
            if day is not None and 0 <= day < self.window_days:
                charges.setdefault(day, []).append((sub, amount))

        by_dept: dict[str, list[int]] = {}
        for i, h in enumerate(holders):
            by_dept.setdefault(h.department, []).append(i)
        it_staff = by_dept[IT]
        headcount_factor = len(holders) / 120
        units = max(1, round(self.scale))

        for tool in TEAM_TOOLS:
            if tool.via_it:
                buyers: list[tuple[int, str]] = [(it_staff[0], IT_CARD)]
            else:
                buyers = []
                for dept in tool.buyers:
                    staff = by_dept[dept]
                    for u in range(units):
                        holder = staff[(u * 3 + len(tool.vendor)) % len(staff)]
                        connection = (
                            EXPENSIFY if tool.reimbursed else holders[holder].card_connection
                        )
                        buyers.append((holder, connection))
            for holder, connection in buyers:
                self._team_charges(tool, holder, connection, headcount_factor, add)

        weights_by_dept: dict[str, list[int]] = {}
        for dept, _, _, _ in _DEPARTMENTS:
            weights_by_dept[dept] = [
                t.weight * (4 if dept in t.affinity else 1 if not t.affinity else 0)
                + (1 if t.affinity and dept not in t.affinity and t.weight >= 8 else 0)
                for t in PERSONAL_TOOLS
            ]
        for i, h in enumerate(holders):
            count = rng.choice((1, 2, 3, 3, 3, 4, 4, 4, 5, 5, 6, 7))
            chosen: list[PersonalTool] = []
            weights = weights_by_dept[h.department]
            for _ in range(count):
                personal = rng.choices(PERSONAL_TOOLS, weights=weights)[0]
                if personal not in chosen:
                    chosen.append(personal)
            for personal in chosen:
                self._personal_charges(personal, i, h, add)
        return charges

    def _team_charges(
        self,
        tool: TeamTool,
        holder: int,
        connection: str,
        headcount_factor: float,
        add: _Add,
    ) -> None:
        rng = self.rng
        descriptor, has_ref = self._descriptor(tool.descriptor)
        memo = tool.memo
        sub = _Sub(
            vendor=tool.vendor,
            holder=holder,
            connection=connection,
            descriptor=descriptor,
            has_ref=has_ref,
            merchant=tool.merchant,
            mcc=tool.mcc,
            currency=tool.currency,
            memo=memo,
        )
        dom = rng.randint(1, 28)
        seats0 = max(1, round(tool.seats * (headcount_factor if tool.via_it else 1.0)))
        stops = tool.stops if tool.stops is not None else self.months + 1
        refund_month = rng.randrange(self.months) if rng.random() < 0.08 else -1
        for m in range(max(0, tool.starts), min(self.months, stops)):
            price = tool.price_minor
            if tool.price_rise_at is not None and m >= tool.price_rise_at:
                price = round(price * 1.15 / 100) * 100 or price
            seats = seats0
            if tool.seat_growth_every:
                seats += max(0, m - max(0, tool.starts)) // tool.seat_growth_every
            if tool.plan == "annual":
                if (m - tool.starts) % 12:
                    continue
                amount = seats * price * 10
                add(self._month_day(m, dom), sub, amount)
            elif tool.plan == "usage":
                base = tool.price_minor * (headcount_factor if tool.via_it else 1.0)
                base *= (1 + 0.03 * m) * rng.uniform(0.8, 1.25)
                if tool.vendor in {"OpenAI", "Anthropic", "Twilio"}:
                    # Prepaid credit: the card is charged a fixed top-up whenever it runs low.
                    top_up = 5000 if base < 30000 else 10000 if base < 80000 else 25000
                    for k in range(max(1, round(base / top_up))):
                        add(self._month_day(m, min(28, dom + k * 5) or 1), sub, top_up)
                else:
                    add(self._month_day(m, dom), sub, int(base))
            else:
                add(self._month_day(m, dom), sub, seats * price)
            if m == refund_month:
                # A credit for seats removed mid-cycle, a few days after the charge.
                credit = -max(100, price * max(1, seats // 4))
                day = self._month_day(m, dom)
                add(None if day is None else day + rng.randint(2, 6), sub, credit)

    def _personal_charges(self, tool: PersonalTool, index: int, h: _Holder, add: _Add) -> None:
        rng = self.rng
        reimbursed = rng.random() < 0.3
        descriptor, has_ref = self._descriptor(tool.descriptor)
        memo: str | None = None
        if reimbursed:
            memo = tool.memo or rng.choice(
                ("monthly subscription", "software subscription", "tool for work")
            )
        elif rng.random() < 0.2:
            memo = tool.memo
        sub = _Sub(
            vendor=tool.vendor,
            holder=index,
            connection=EXPENSIFY if reimbursed else h.card_connection,
            descriptor=descriptor,
            has_ref=has_ref,
            merchant=tool.merchant,
            mcc=tool.mcc,
            currency=tool.currency,
            memo=memo,
        )
        dom = rng.randint(1, 28)
        start = rng.randint(-12, -1) if rng.random() < 0.55 else rng.randrange(self.months)
        stop = start + rng.randint(2, 9) if rng.random() < 0.25 else self.months
        price = tool.price_minor
        rise = rng.randrange(self.months) if rng.random() < 0.1 else self.months
        refunded_first = start >= 0 and rng.random() < 0.04
        for m in range(max(0, start), min(self.months, stop)):
            if tool.annual and (m - start) % 12:
                continue
            amount = price * 10 if tool.annual else price
            if m >= rise:
                amount = amount + amount // 10
            day = self._month_day(m, dom)
            add(day, sub, amount)
            if refunded_first and m == start and day is not None:
                add(day + rng.randint(1, 5), sub, -amount)

    # FX, sanctions, registrations -------------------------------------------------------------

    def _fx(self) -> list[tuple[date, str, Decimal]]:
        rng = random.Random(_mix(self.seed, 0xF0))
        rates: list[tuple[date, str, Decimal]] = []
        level = dict(_FX_BASE)
        day = self.start - timedelta(days=10)
        while day <= self.end:
            if day.weekday() < 5:
                for currency in ("CAD", "EUR", "GBP", "JPY"):
                    base = _FX_BASE[currency]
                    # A random walk pulled gently back towards the base rate.
                    value = level[currency]
                    value += value * rng.gauss(0, 0.004) + (base - value) * 0.02
                    level[currency] = value
                    places = Decimal("0.00000001") if currency == "JPY" else Decimal("0.000001")
                    rates.append((day, currency, Decimal(repr(value)).quantize(places)))
            day += timedelta(days=1)
        return rates

    def _sanctions(self, cardholders: list[DemoCardholder]) -> list[DemoSanction]:
        it_people = [c.email for c in cardholders if c.department == IT]
        cio, admin = it_people[0], it_people[1]
        contract_start = _month_start(self.start, 5)
        heads = len(cardholders)

        def s(
            vendor: str,
            departments: tuple[str, ...] | None,
            owner: str,
            annual: int,
            seats: int | None,
            currency: str = "USD",
            *,
            ends_in: int,
            notice: int | None = None,
        ) -> DemoSanction:
            # Contracts end at the close of a month ``ends_in`` months after the window, so
            # that some renewals (or their notice deadlines) always fall in the next 90 days.
            end = _month_start(self.end, -ends_in - 1) - timedelta(days=1)
            return DemoSanction(
                vendor, departments, owner, annual, currency, seats, contract_start, end, notice
            )

        return [
            s("Slack", None, cio, 875 * 12 * heads, heads, ends_in=2, notice=30),
            s("Google Workspace", None, cio, 1200 * 12 * heads, heads, ends_in=7, notice=60),
            s("Zoom", None, admin, 1333 * 12 * (heads // 2), heads // 2, ends_in=1),
            s("Okta", None, admin, 600 * 12 * heads, heads, ends_in=4, notice=90),
            s("1Password", None, admin, 799 * 12 * heads, heads, ends_in=10),
            s("Atlassian", None, cio, 815 * 12 * 48, 48, ends_in=3, notice=30),
            s("GitHub", (ENG, DESIGN), cio, 2100 * 12 * 34, 34, ends_in=12),
            s("Amazon Web Services", (ENG,), cio, 30_000_000, None, ends_in=5, notice=90),
            s("Salesforce", (SALES,), admin, 16500 * 10 * 22, 22, ends_in=6, notice=90),
            s("Zendesk", (CS,), admin, 5500 * 12 * 14, 14, ends_in=8),
            s("HubSpot", (MKT,), admin, 80000 * 12, 5, ends_in=2, notice=30),
            s("Figma", (DESIGN,), admin, 1500 * 12 * 8, 8, ends_in=11),
            s("JetBrains", (ENG,), admin, 2490 * 10 * 20, 20, "EUR", ends_in=9),
        ]

    def _registrations(self, cardholders: list[DemoCardholder]) -> list[DemoRegistration]:
        lead: dict[str, str] = {}
        for c in cardholders:
            lead.setdefault(c.department, c.email)

        def when(month: int) -> date:
            return _month_start(self.start, -month)

        def r(
            name: str,
            dept: str,
            purpose: str,
            seats: int | None,
            cost: int | None,
            period: Period,
            url: str | None,
            month: int,
            currency: str = "USD",
        ) -> DemoRegistration:
            return DemoRegistration(
                name, dept, lead[dept], purpose, seats, cost, currency, period, url, when(month)
            )

        return [
            r(
                "Canva",
                MKT,
                "social and event graphics",
                5,
                1000 * 5,
                "monthly",
                "https://www.canva.com",
                -14,
            ),
            r(
                "Semrush",
                MKT,
                "SEO keyword research",
                1,
                24995,
                "monthly",
                "https://www.semrush.com",
                -10,
            ),
            r("hootsuite", MKT, "scheduling social posts", 1, 9900, "monthly", None, -8),
            r(
                "Typeform",
                MKT,
                "webinar sign-up forms",
                1,
                5900,
                "monthly",
                "https://www.typeform.com",
                -6,
                "EUR",
            ),
            r("Mailchimp", MKT, "newsletter", 1, 35000, "monthly", "https://mailchimp.com", -20),
            r(
                "Gong",
                SALES,
                "call recording and coaching",
                10,
                1_200_000,
                "annual",
                "https://www.gong.io",
                -10,
            ),
            r("Apollo.io", SALES, "prospect lists", 3, 29700, "monthly", "https://apollo.io", -4),
            r("calendly", SALES, "booking demos", 6, 9600, "monthly", None, -3),
            r(
                "Sprout Social",
                MKT,
                "social listening (pilot approved by CMO)",
                2,
                49800,
                "monthly",
                "https://sproutsocial.com",
                2,
            ),
            r(
                "monday",
                OPS,
                "vendor onboarding tracker",
                9,
                10800,
                "monthly",
                "https://monday.com",
                -2,
            ),
            r(
                "Lattice",
                PEOPLE,
                "performance reviews",
                120,
                1_320_000,
                "annual",
                "https://lattice.com",
                -1,
            ),
        ]

    # Daily volume -------------------------------------------------------------------------------

    def _ordinary_counts(self, holders: list[_Holder]) -> tuple[int, ...]:
        rate = sum(ACTIVITY[h.department] for h in holders)
        season = (0.95, 1.0, 1.05, 1.0, 1.0, 0.95, 0.9, 0.85, 1.05, 1.1, 1.05, 0.8)
        counts: list[int] = []
        for i in range(self.window_days):
            day = self.days[i]
            noise = random.Random(_mix(self.seed, 1, day.toordinal())).uniform(0.85, 1.15)
            weekday = 1.0 if day.weekday() < 5 else 0.12
            counts.append(round(rate * weekday * season[day.month - 1] * noise))
        return tuple(counts)

    def build(self) -> DemoCompany:
        departments, cardholders, holders = self._people()
        charges = self._subscriptions(holders)
        counts = self._ordinary_counts(holders)
        picker: list[int] = []
        for i, h in enumerate(holders):
            picker.extend([i] * max(1, round(ACTIVITY[h.department] * 20)))
        plan = _Plan(
            days=self.days,
            window_days=self.window_days,
            ordinary_counts=counts,
            charges={d: tuple(v) for d, v in sorted(charges.items())},
            holders=tuple(holders),
            picker=tuple(picker),
            pools=self._pools(),
            seed=self.seed,
        )
        total = sum(counts) + sum(len(v) for v in charges.values())
        return DemoCompany(
            name=COMPANY_NAME,
            domain=COMPANY_DOMAIN,
            start_date=self.start,
            end_date=self.end,
            departments=departments,
            cardholders=cardholders,
            connections=[
                DemoConnection(AMEX, "csv", False),
                DemoConnection(RAMP, "ramp", False),
                DemoConnection(EXPENSIFY, "csv", False),
                DemoConnection(IT_CARD, "csv", True),
            ],
            sanctioned=self._sanctions(cardholders),
            registrations=self._registrations(cardholders),
            fx_rates=self._fx(),
            transaction_count=total,
            _plan=plan,
        )


# -- iteration ---------------------------------------------------------------------------------


class _Ids:
    """Per-connection external ids in each provider's own shape; unique by construction
    (a running number per connection is part of every id)."""

    def __init__(self, seed: int) -> None:
        self.seq = {AMEX: 0, RAMP: 0, EXPENSIFY: 0, IT_CARD: 0}
        self.salt = _mix(seed, 0x1D)
        # Expensify prints long numeric ids; ours start somewhere in the 19-digit range.
        self.expensify_base = 1_000_000_000_000_000_000 + (self.salt % 10**17) * 10
        self.amex_prefix = ""
        self.ramp_prefix = ""
        self.it_prefix = ""

    def start_day(self, day: date) -> None:
        self.amex_prefix = f"320{day:%y%j}"
        self.it_prefix = f"ITP-{day:%Y%m%d}-"
        # UUID-shaped (version 4 layout): a per-day random head, the running number as tail.
        h = _mix(self.salt, day.toordinal())
        self.ramp_prefix = (
            f"{h >> 32:08x}-{(h >> 16) & 0xFFFF:04x}-4{(h >> 4) & 0xFFF:03x}-"
            f"{0x8000 | (self.salt & 0x3FFF):04x}-"
        )

    def next(self, connection: str) -> str:
        n = self.seq[connection] = self.seq[connection] + 1
        if connection == RAMP:
            return f"{self.ramp_prefix}{n:012x}"
        if connection == AMEX:
            return f"{self.amex_prefix}{n:09d}"
        if connection == EXPENSIFY:
            return str(self.expensify_base + n)
        return f"{self.it_prefix}{n:07d}"


class _Refs:
    """Cheap random references: two halves drawn from precomputed tables (16M combinations)."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(_mix(seed, 0x4EF))
        self.head = tuple("".join(rng.choices(_ALNUM, k=5)) for _ in range(4096))
        self.tail = tuple("".join(rng.choices(_ALNUM, k=4)) for _ in range(4096))

    def fill(self, template: str, r: Callable[[], float]) -> str:
        if "{ref}" in template:
            ref = self.head[int(r() * 4096)] + self.tail[int(r() * 4096)]
            template = template.replace("{ref}", ref)
        if "{n4}" in template:
            template = template.replace("{n4}", f"{int(r() * 10000):04d}")
        if "{tkt}" in template:
            template = template.replace("{tkt}", f"{int(r() * 1e10):010d}")
        return template


def _iterate(plan: _Plan) -> Iterator[tuple[str, RawTransaction]]:
    ids = _Ids(plan.seed)
    refs = _Refs(plan.seed)
    holders = [
        (h.external_id, h.name, h.email, h.department, h.card_connection, h.card_last4, h.pool)
        for h in plan.holders
    ]
    pools = [(p.entries, p.currency, p.round_to) for p in plan.pools]
    picker = plan.picker
    n_picker = len(picker)
    days = plan.days
    card = Channel.CARD
    reimbursement = Channel.REIMBURSEMENT
    # Recently bought refundable things, so a refund mirrors a real earlier purchase.
    refundable: list[tuple[str, RawTransaction]] = []
    for i in range(plan.window_days):
        day = days[i]
        rng = random.Random(_mix(plan.seed, 2, day.toordinal()))
        r = rng.random
        ids.start_day(day)
        posted = days[i + 1 : i + 4]
        for sub, amount in plan.charges.get(i, ()):
            h = plan.holders[sub.holder]
            connection = sub.connection
            reimbursed = connection == EXPENSIFY
            yield (
                connection,
                _new(
                    ids.next(connection),
                    day,
                    amount,
                    sub.currency,
                    refs.fill(sub.descriptor, r) if sub.has_ref else sub.descriptor,
                    posted[int(r() * 3)],
                    None if connection == IT_CARD else sub.merchant,
                    sub.mcc,
                    sub.memo,
                    reimbursement if reimbursed else card,
                    h.external_id,
                    h.name,
                    h.email,
                    h.department,
                    None if reimbursed else h.card_last4,
                    False,
                    _NO_RAW,
                ),
            )
        for _ in range(plan.ordinary_counts[i]):
            if refundable and r() < 0.012:
                connection, original = refundable.pop(int(r() * len(refundable)))
                partial = r() < 0.4
                amount = -(original.amount_minor // 2 if partial else original.amount_minor)
                yield (
                    connection,
                    _new(
                        ids.next(connection),
                        day,
                        amount or -1,
                        original.currency,
                        original.descriptor,
                        posted[int(r() * 3)],
                        original.merchant_name,
                        original.mcc,
                        "partial refund" if partial else None,
                        original.channel,
                        original.cardholder_external_id,
                        original.cardholder_name,
                        original.cardholder_email,
                        original.department_name,
                        original.card_last4,
                        False,
                        _NO_RAW,
                    ),
                )
                continue
            (ext, name, email, dept, card_connection, last4, pool_index) = holders[
                picker[int(r() * n_picker)]
            ]
            entries, currency, round_to = pools[pool_index]
            (descriptor, fill, merchant, mcc, lo, span, p_reimb, p_refund, memos) = entries[
                int(r() * len(entries))
            ]
            amount = int(lo + r() * span)
            if round_to > 1:
                amount = max(round_to, amount // round_to * round_to)
            if r() < p_reimb:
                connection = EXPENSIFY
                channel = reimbursement
                card_last4 = None
                merchant_name = merchant
                memo = memos[int(r() * len(memos))] if memos else None
            else:
                connection = card_connection
                channel = card
                card_last4 = last4
                # Ramp always names the merchant; the Amex export only sometimes does.
                merchant_name = merchant if connection == RAMP or r() < 0.5 else None
                memo = memos[int(r() * len(memos))] if memos and r() < 0.35 else None
            if fill:
                descriptor = refs.fill(descriptor, r)
            row = _new(
                ids.next(connection),
                day,
                amount,
                currency,
                descriptor,
                posted[int(r() * 3)],
                merchant_name,
                mcc,
                memo,
                channel,
                ext,
                name,
                email,
                dept,
                card_last4,
                False,
                _NO_RAW,
            )
            if p_refund and r() < p_refund:
                refundable.append((connection, row))
                if len(refundable) > 64:
                    del refundable[0]
            yield connection, row
