"""The demo company generator: deterministic, big enough, and shaped so every feature shows."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest

from app.demo.generator import DemoCompany, generate_company
from app.demo.saas import PERSONAL_TOOLS, TEAM_TOOLS
from connectors.base import Channel, RawTransaction

END = date(2026, 10, 31)
ROOT = Path(__file__).resolve().parents[2]

Rows = list[tuple[str, RawTransaction]]


@pytest.fixture(scope="module")
def company() -> DemoCompany:
    return generate_company(seed=7, end_date=END)


@pytest.fixture(scope="module")
def rows(company: DemoCompany) -> Rows:
    return list(company.iter_transactions())


def _software_patterns() -> re.Pattern[str]:
    """Every descriptor the software catalogue of the demo can print, as one pattern."""
    alternatives = []
    for template in {t.descriptor for t in TEAM_TOOLS} | {t.descriptor for t in PERSONAL_TOOLS}:
        escaped = re.escape(template)
        escaped = escaped.replace(r"\{ref\}", "[A-Z0-9]+").replace(r"\{team\}", "T0[A-Z0-9]{8}")
        alternatives.append(escaped)
    return re.compile("^(?:" + "|".join(sorted(alternatives)) + ")$")


def test_same_arguments_give_identical_output(company: DemoCompany, rows: Rows) -> None:
    again = generate_company(seed=7, end_date=END)
    assert again == company
    assert list(again.iter_transactions()) == rows
    assert list(company.iter_transactions()) == rows  # iterating twice starts afresh


def test_another_seed_gives_another_company(rows: Rows) -> None:
    other = generate_company(seed=8, end_date=END, months=1)
    first_day = [t for _, t in rows if t.transaction_date == END.replace(day=1)]
    other_first_day = [
        t for _, t in other.iter_transactions() if t.transaction_date == END.replace(day=1)
    ]
    assert first_day != other_first_day


def test_volume_and_count(company: DemoCompany, rows: Rows) -> None:
    assert len(rows) >= 20_000
    assert company.transaction_count == len(rows)
    assert 100 <= len(company.cardholders) <= 140
    assert 7 <= len(company.departments) <= 10
    assert sum(d.is_it for d in company.departments) == 1


def test_ids_unique_per_connection_and_fields_filled(company: DemoCompany, rows: Rows) -> None:
    seen: dict[str, set[str]] = defaultdict(set)
    names = {c.name for c in company.connections}
    emails = {c.email for c in company.cardholders}
    for name, t in rows:
        assert name in names
        assert t.external_id not in seen[name]
        seen[name].add(t.external_id)
        assert type(t.amount_minor) is int
        assert t.amount_minor != 0
        assert re.fullmatch(r"[A-Z]{3}", t.currency)
        assert t.descriptor.strip() == t.descriptor != ""
        assert "{" not in t.descriptor
        assert t.mcc is not None
        assert re.fullmatch(r"\d{4}", t.mcc)
        assert t.cardholder_email in emails
        assert t.department_name is not None
        if t.channel is Channel.REIMBURSEMENT:
            assert name == "Expensify reimbursements"
            assert t.card_last4 is None
        else:
            assert t.channel is Channel.CARD
            assert t.card_last4 is not None
            assert re.fullmatch(r"\d{4}", t.card_last4)
    assert set(seen) == names


def test_dates_inside_the_window_and_in_order(company: DemoCompany, rows: Rows) -> None:
    assert company.end_date == END
    assert company.start_date == date(2025, 11, 1)
    previous = company.start_date
    for _, t in rows:
        assert company.start_date <= t.transaction_date <= END
        assert t.transaction_date >= previous
        previous = t.transaction_date
        assert t.posted_date is not None
        assert 1 <= (t.posted_date - t.transaction_date).days <= 3
    assert rows[0][1].transaction_date < company.start_date + timedelta(days=3)
    assert rows[-1][1].transaction_date > END - timedelta(days=3)


def test_currencies_and_fx_cover_the_window(company: DemoCompany, rows: Rows) -> None:
    currencies = Counter(t.currency for _, t in rows)
    assert len(currencies) >= 3
    assert currencies.most_common(1)[0][0] == "USD"
    assert currencies["USD"] / len(rows) > 0.6
    rates: dict[str, list[date]] = defaultdict(list)
    for day, currency, rate in company.fx_rates:
        assert day.weekday() < 5
        rates[currency].append(day)
        assert rate > 0
    for currency in set(currencies) - {"USD"}:
        days = rates[currency]
        assert min(days) <= company.start_date
        assert max(days) >= END - timedelta(days=3)
    jpy = [r for _, c, r in company.fx_rates if c == "JPY"]
    eur = [r for _, c, r in company.fx_rates if c == "EUR"]
    assert 0.004 < min(jpy) <= max(jpy) < 0.01
    assert 0.9 < min(eur) < max(eur) < 1.3  # it drifts, within reason


def test_every_department_spends(company: DemoCompany, rows: Rows) -> None:
    spend: Counter[str] = Counter()
    for _, t in rows:
        assert t.department_name is not None
        spend[t.department_name] += t.amount_minor
    for department in company.departments:
        assert spend[department.name] > 0, department.name


def test_software_share_resellers_and_refunds(rows: Rows) -> None:
    software = _software_patterns()
    software_rows = [t for _, t in rows if software.match(t.descriptor)]
    assert len(software_rows) / len(rows) >= 0.15
    descriptors = {t.descriptor for t in software_rows}
    for prefix in (
        "PADDLE.NET* ",
        "FS *",
        "2CO.COM*",
        "AVANGATE*",
        "DRI*",
        "GUMRD.COM*",
        "APPLE.COM/BILL",
    ):
        assert any(d.startswith(prefix) for d in descriptors), prefix
    refunds = [t for _, t in rows if t.amount_minor < 0]
    assert len(refunds) > 50
    assert any(software.match(t.descriptor) for t in refunds)
    assert any(not software.match(t.descriptor) for t in refunds)


def test_shapes_later_features_rely_on(company: DemoCompany, rows: Rows) -> None:
    software = _software_patterns()
    by_vendor_dept: dict[str, set[str]] = defaultdict(set)
    days_of_month: dict[tuple[str, str], set[int]] = defaultdict(set)
    for _, t in rows:
        if software.match(t.descriptor) and t.amount_minor > 0:
            key = t.descriptor.split(" ")[0]
            assert t.department_name is not None
            by_vendor_dept[key].add(t.department_name)
            days_of_month[(t.descriptor, t.cardholder_email or "")].add(t.transaction_date.day)
    # The same vendor bought by several departments.
    assert len(by_vendor_dept["FIGMA"]) >= 2
    assert sum(len(d) >= 2 for d in by_vendor_dept.values()) >= 10
    # Monthly subscriptions charge on a stable day of the month.
    slack = [days for (d, _), days in days_of_month.items() if d.startswith("SLACK T0")]
    assert slack
    assert all(len(days) == 1 for days in slack)
    # IT's own channel carries spend; software is also claimed on expense reports.
    it_channels = {c.name for c in company.connections if c.is_it_channel}
    assert it_channels
    assert any(name in it_channels for name, _ in rows)
    assert any(t.channel is Channel.REIMBURSEMENT and software.match(t.descriptor) for _, t in rows)
    assert any(t.memo for _, t in rows)
    assert any(t.merchant_name is None for _, t in rows)


def test_sanctions_and_registrations(company: DemoCompany, rows: Rows) -> None:
    departments = {d.name for d in company.departments}
    emails = {c.email for c in company.cardholders}
    assert any(s.departments is None for s in company.sanctioned)
    assert any(s.departments for s in company.sanctioned)
    for s in company.sanctioned:
        assert s.owner_email in emails
        assert s.departments is None or set(s.departments) <= departments
        assert s.contract_start < s.contract_end
        assert type(s.annual_value_minor) is int
    assert 5 <= len(company.registrations) <= 20
    for r in company.registrations:
        assert r.department in departments
        assert r.owner_email in emails
        assert r.period in {"monthly", "annual"}
    text = " ".join(t.descriptor.upper() for _, t in rows)
    seen = [r for r in company.registrations if r.name_as_typed.upper().split(".")[0] in text]
    assert len(seen) >= 5
    assert len(seen) < len(company.registrations)  # at least one declared but never bought


def _catalog_keys() -> set[str] | None:
    path = ROOT / "classifiers" / "data" / "catalog.json"
    if not path.exists():
        return None
    from classifiers import Catalog

    keys: set[str] = set()
    for vendor in Catalog.builtin().vendors:
        for name in [vendor.name, vendor.slug, *vendor.aliases]:
            keys.add(re.sub(r"[^a-z0-9]+", "", name.lower()))
    return keys


def test_sanctioned_vendor_names_are_in_the_builtin_catalog(company: DemoCompany) -> None:
    keys = _catalog_keys()
    if keys is None:
        pytest.skip("the built-in catalog has not been built")
    for s in company.sanctioned:
        assert re.sub(r"[^a-z0-9]+", "", s.vendor_name.lower()) in keys, s.vendor_name


def test_scale_multiplies_the_volume(company: DemoCompany) -> None:
    double = generate_company(seed=7, end_date=END, scale=2.0)
    assert 1.7 < double.transaction_count / company.transaction_count < 2.3
    assert len(double.cardholders) == 2 * len(company.cardholders)
    assert len({c.email for c in double.cardholders}) == len(double.cardholders)
    small = generate_company(seed=7, end_date=END, months=2, scale=0.1)
    small_rows = list(small.iter_transactions())
    assert len(small_rows) == small.transaction_count
    assert 0 < small.transaction_count < company.transaction_count / 10
    assert {t.department_name for _, t in small_rows} == {d.name for d in small.departments}


def test_default_end_is_the_last_day_of_the_previous_month() -> None:
    company = generate_company(months=1, scale=0.05)
    assert (company.end_date + timedelta(days=1)).day == 1
    assert company.start_date == company.end_date.replace(day=1)
    assert date.today() - company.end_date <= timedelta(days=32)  # noqa: DTZ011


@pytest.mark.parametrize(("months", "scale"), [(0, 1.0), (12, 0.0), (12, -1.0)])
def test_bad_arguments_are_refused(months: int, scale: float) -> None:
    with pytest.raises(ValueError, match="must be"):
        generate_company(months=months, scale=scale)


def test_importing_the_generator_pulls_in_no_other_app_module() -> None:
    code = (
        "import sys, app.demo.generator; "
        "print(sorted(m for m in sys.modules if m.startswith('app.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    modules = json.loads(out.replace("'", '"'))
    assert modules
    assert all(m == "app.demo" or m.startswith("app.demo.") for m in modules)
    assert "app.demo.loader" not in modules


def test_iterator_is_lazy() -> None:
    """At a large scale the first row arrives at once: nothing is materialised up front."""
    company = generate_company(seed=3, end_date=END, scale=20)
    assert company.transaction_count > 400_000
    _, first = next(iter(company.iter_transactions()))
    assert first.transaction_date == company.start_date


_DIGEST = (
    "import hashlib, sys; from datetime import date; "
    "from app.demo.generator import generate_company; "
    "c = generate_company(seed=11, end_date=date(2026, 3, 31), months=2, scale=0.3); "
    "h = hashlib.sha256(repr((c.cardholders, c.sanctioned, c.fx_rates)).encode()); "
    "[h.update(repr(row).encode()) for row in c.iter_transactions()]; "
    "print(h.hexdigest())"
)


def test_output_is_identical_across_processes_and_hash_seeds() -> None:
    digests = {
        subprocess.run(
            [sys.executable, "-c", _DIGEST],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": hash_seed, "PATH": ""},
        ).stdout
        for hash_seed in ("1", "2")
    }
    assert len(digests) == 1
    assert len(digests.pop().strip()) == 64
