"""The severity model's promises, as properties over every combination of facts: spend
dominates (more never lowers severity, all else equal), the other signals raise it one label at
most, nothing under the first threshold is above medium, and the score is its reasons' sum."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.findings import severity
from app.findings.severity import Facts, Model, VendorFacts

TODAY = date(2026, 12, 4)

thresholds = st.tuples(st.integers(1_000, 200_000), st.integers(2, 50), st.integers(2, 50)).map(
    lambda t: (t[0], t[0] * t[1], t[0] * t[1] * t[2])
)
models = st.builds(
    Model,
    spend_thresholds=thresholds,
    max_signal_points=st.integers(0, severity.POINTS_PER_LABEL),
    new_vendor_days=st.integers(0, 90),
    risky_categories=st.just({"ai": "company data leaves", "hr": "personal data"}),
)
vendors = st.builds(
    VendorFacts,
    departments=st.integers(0, 8),
    overlap=st.lists(st.sampled_from(["Salesforce", "Zoom", "GitHub"]), max_size=3).map(tuple),
    function_label=st.sampled_from([None, "CRM", "video meetings"]),
    category=st.sampled_from([None, "ai", "hr", "design"]),
    first_seen=st.one_of(st.none(), st.integers(0, 400).map(lambda d: TODAY - timedelta(d))),
)
spend = st.integers(0, 100_000_000)
facts = st.builds(
    Facts,
    today=st.just(TODAY),
    annual_spend_minor=spend,
    currency=st.sampled_from(["USD", "JPY", "KWD"]),
    cadence=st.sampled_from([None, "monthly", "annual"]),
    charges=st.integers(0, 30),
    reimbursed=st.booleans(),
    via_reseller=st.booleans(),
    vendor=vendors,
)


def _no_signals(f: Facts) -> Facts:
    return Facts(today=f.today, annual_spend_minor=f.annual_spend_minor, currency=f.currency)


@given(facts, spend, models)
def test_more_spend_never_lowers_severity(f: Facts, other: int, model: Model) -> None:
    low, high = sorted((f.annual_spend_minor, other))
    cheaper = severity.assess(replace(f, annual_spend_minor=low), model)
    dearer = severity.assess(replace(f, annual_spend_minor=high), model)
    assert cheaper.rank <= dearer.rank
    assert cheaper.score <= dearer.score


@given(facts, models)
def test_signals_raise_severity_one_label_at_most(f: Facts, model: Model) -> None:
    with_signals = severity.assess(f, model)
    spend_only = severity.assess(_no_signals(f), model)
    assert 0 <= with_signals.score - spend_only.score <= model.max_signal_points
    assert with_signals.rank - spend_only.rank in (0, 1)
    # the spend alone places it in its band
    band, _ = severity.spend_points(f.annual_spend_minor, model.spend_thresholds)
    assert spend_only.rank == band


@given(facts, models)
def test_nothing_under_the_first_threshold_is_high(f: Facts, model: Model) -> None:
    below = replace(f, annual_spend_minor=min(f.annual_spend_minor, model.spend_thresholds[0] - 1))
    assert severity.assess(below, model).rank <= 1


@given(facts, models)
def test_the_score_is_the_sum_of_its_reasons(f: Facts, model: Model) -> None:
    found = severity.assess(f, model)
    assert found.score == sum(r.points for r in found.reasons)
    assert found.label == severity.LABELS[found.rank]
    codes = [r.code for r in found.reasons]
    assert codes[0] == "spend"
    assert len(codes) == len(set(codes))
    for stored in found.reasons_json():
        assert set(stored) == {"code", "points", "scope", "text"}
        assert stored["text"]
    vendor_wide = severity.vendor_reasons(f.vendor, f.today, model)
    assert severity.stored_vendor_reasons(found.reasons_json()) == vendor_wide


def test_the_defaults_read_as_the_readme_says() -> None:
    model = Model(spend_thresholds=(50_000, 500_000, 5_000_000), max_signal_points=2)
    signals = VendorFacts(departments=3, category="ai")

    def label(annual: int, vendor: VendorFacts = VendorFacts()) -> str:
        return severity.assess(
            Facts(today=TODAY, annual_spend_minor=annual, vendor=vendor), model
        ).label

    assert label(6_000) == "low"  # $60 a year
    assert label(6_000, signals) == "low"
    assert label(49_999, signals) == "medium"  # top of the low band, two signals
    assert label(60_000) == "medium"
    assert label(60_000, signals) == "medium"  # bottom half of its band: signals do not lift it
    assert label(300_000, signals) == "high"  # upper half of its band, two signals
    assert label(500_000) == "high"
    assert label(12_000_000) == "critical"
    assert label(12_000_000, signals) == "critical"
    text = severity.assess(Facts(today=TODAY, annual_spend_minor=1_234_500), model).reasons[0].text
    assert text == "spend: USD 12,345.00 a year (high from USD 5,000.00)"
