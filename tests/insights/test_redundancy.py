"""Redundancy's promises, over any mix of tools, spend and sanctions: a group only ever holds
tools of one function, each with spend in the period; the advice keeps a sanctioned tool and
never drops one; every saving is an estimate that adds up from its inputs."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from app.insights import functions
from app.insights.redundancy import _redundancy
from app.models import Connection, Department, SanctionedApp, Transaction, Vendor
from app.periods import Period

TODAY = date(2026, 12, 4)
PERIOD = Period(date(2025, 12, 1), date(2026, 11, 30))
# Tools that share functions across categories, tools that share a category but not a job,
# and a slug the function data does not know.
SLUGS = [
    "salesforce", "hubspot", "pipedrive", "gong", "zoominfo", "apollo", "linkedin-premium",
    "zoom", "webex", "slack", "microsoft-teams", "twilio", "github", "gitlab", "datadog",
    "surveymonkey", "typeform", "100tb",
]  # fmt: skip

tool = st.tuples(
    st.sampled_from(SLUGS),
    st.sampled_from(["Sales", "Marketing"]),
    st.integers(-5_000, 200_000),  # net spend in the period (refunds included)
    st.sampled_from([None, "company", "department"]),  # sanctioned how
    st.booleans(),  # with a contract
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(tools=st.lists(tool, min_size=1, max_size=12))
def test_groups_are_one_job_and_keep_the_sanctioned_tool(
    session: Session, tools: list[tuple[str, str, int, str | None, bool]]
) -> None:
    savepoint = session.begin_nested()
    try:
        conn = Connection(name="card", connector="file")
        session.add(conn)
        depts: dict[str, Department] = {}
        for name in ("Sales", "Marketing"):
            found = session.exec(select(Department).where(Department.name == name)).first()
            depts[name] = found or Department(name=name)
            session.add(depts[name])
        session.flush()
        vendors = {v.slug: v for v in session.exec(select(Vendor).where(Vendor.slug.in_(SLUGS)))}  # type: ignore[attr-defined]
        sanctioned_slugs = set()
        for n, (slug, dept, amount, how, contract) in enumerate(tools):
            vendor = vendors[slug]
            session.add(
                Transaction(
                    connection_id=conn.id,
                    external_id=f"r{n}",
                    transaction_date=PERIOD.date_to - timedelta(days=n),
                    amount_minor=amount,
                    currency="USD",
                    reporting_amount_minor=amount,
                    reporting_currency="USD",
                    descriptor=slug.upper(),
                    department_id=depts[dept].id,
                    vendor_id=vendor.id,
                    is_software=True,
                    outside_it=how is None,
                )
            )
            if how is not None:
                sanctioned_slugs.add(slug)
                session.add(
                    SanctionedApp(
                        vendor_id=vendor.id,
                        department_id=None if how == "company" else depts[dept].id,
                        contract_end=date(2027, 6, 30) if contract else None,
                    )
                )
        session.flush()

        report = _redundancy(session, PERIOD, TODAY)

        slug_of = {v.id: slug for slug, v in vendors.items()}
        for group in report.functions:
            jobs = {functions.of(slug_of[t.vendor.id]) for t in group.tools}
            assert {j.code for j in jobs if j} == {group.function}
            assert None not in jobs
            assert len(group.tools) >= 2
            assert all(t.spend_minor > 0 for t in group.tools)
            sanctioned = [t for t in group.tools if t.sanctioned]
            assert {slug_of[t.vendor.id] for t in sanctioned} <= sanctioned_slugs
            if not sanctioned:
                assert group.keep is None
                assert group.estimate is None
                continue
            assert group.keep is not None
            assert group.keep.id in {t.vendor.id for t in sanctioned}
            if group.estimate is None:
                continue
            dropped = {d["vendor"] for d in group.estimate.inputs["dropped"]}
            assert not dropped & {t.vendor.name for t in sanctioned}
            assert group.estimate.saving_minor == sum(
                t.spend_minor for t in group.tools if t.vendor.name in dropped
            )
        estimates = [g.estimate for g in report.functions if g.estimate]
        estimates += [s.estimate for s in report.shared_vendors]
        assert all(e.is_estimate and e.text and e.inputs for e in estimates)
        assert report.total_estimated_saving_minor == sum(e.saving_minor for e in estimates)
    finally:
        savepoint.rollback()
