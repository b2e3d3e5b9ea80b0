from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import Connection, Department, Transaction, Vendor
from tests.factories import Keys


def _vendor(session: Session, slug: str) -> Vendor:
    row = session.exec(select(Vendor).where(Vendor.slug == slug)).first()
    assert row is not None, slug
    return row


def _charge(
    session: Session,
    conn: Connection,
    dept: Department,
    vendor: Vendor,
    day: date,
    amount: int,
    n: int,
) -> None:
    assert conn.id is not None
    session.add(
        Transaction(
            connection_id=conn.id,
            external_id=f"{vendor.slug}-{dept.name}-{n}",
            transaction_date=day,
            amount_minor=amount,
            currency="USD",
            reporting_amount_minor=amount,
            reporting_currency="USD",
            descriptor=vendor.name.upper(),
            department_id=dept.id,
            vendor_id=vendor.id,
            is_software=True,
            category=vendor.category,
            outside_it=True,
        )
    )


def _seed(session: Session) -> tuple[Department, Department]:
    conn = Connection(name="cards", connector="file")
    marketing = session.exec(select(Department).where(Department.name == "Marketing")).one()
    sales = Department(name="Sales")
    session.add_all([conn, sales])
    session.flush()
    today = datetime.now(UTC).date()
    a, b = _vendor(session, "asana"), _vendor(session, "trello")
    for i in range(6):
        day = today - timedelta(days=30 * (6 - i))
        _charge(session, conn, marketing, a, day, 2_500, i)
        _charge(session, conn, sales, a, day, 2_500, i)
        _charge(session, conn, sales, b, day, 1_000, i)
    session.commit()
    return marketing, sales


def test_subscriptions_and_renewals(client: TestClient, keys: Keys, session: Session) -> None:
    _seed(session)
    subs = client.get("/api/v1/subscriptions", headers=keys.headers("finance")).json()["items"]
    assert len(subs) == 3
    top = subs[0]
    assert top["cadence"] == "monthly"
    assert top["annual_run_rate_minor"] == 30_000
    renewals = client.get(
        "/api/v1/subscriptions/renewals?days=60", headers=keys.headers("it")
    ).json()["items"]
    assert renewals
    assert all(r["kind"] == "subscription" and r["renews_on"] for r in renewals)
    values = [r["annual_value_minor"] for r in renewals]
    assert values == sorted(values, reverse=True)
    mine = client.get("/api/v1/subscriptions", headers=keys.headers("marketing")).json()["items"]
    assert {s["department"]["name"] for s in mine} == {"Marketing"}


def _year_to_today() -> dict[str, str]:
    today = datetime.now(UTC).date()
    return {"from": (today - timedelta(days=365)).isoformat(), "to": today.isoformat()}


def test_redundancy(client: TestClient, keys: Keys, session: Session) -> None:
    _seed(session)
    report = client.get(
        "/api/v1/insights/redundancy", params=_year_to_today(), headers=keys.headers("viewer")
    ).json()
    shared = {s["vendor"]["name"]: s for s in report["shared_vendors"]}
    asana = next(v for k, v in shared.items() if k.startswith("Asana"))
    assert len(asana["departments"]) == 2
    assert asana["total_minor"] == 30_000
    assert asana["estimate"]["saving_minor"] == 4_500
    assert asana["estimate"]["method"] == "volume_discount"
    # Asana and Trello do the same job, but IT sanctioned neither: no advice to move, no saving
    (group,) = report["functions"]
    assert group["function"] == "project_management"
    assert [t["spend_minor"] for t in group["tools"]] == [30_000, 6_000]
    assert group["keep"] is None
    assert group["estimate"] is None
    assert report["total_estimated_saving_minor"] == 4_500
    assert (
        client.get("/api/v1/insights/redundancy", headers=keys.headers("marketing")).status_code
        == 403
    )


def test_subscriptions_follow_every_change_though_answers_are_kept(
    client: TestClient, keys: Keys, session: Session
) -> None:
    from app.feeds import rollup

    marketing, _ = _seed(session)
    rollup.ensure_fresh(session, session.commit)
    headers = keys.headers("finance")

    def asana_marketing() -> dict:
        subs = client.get("/api/v1/subscriptions", headers=headers).json()["items"]
        return next(
            s
            for s in subs
            if s["vendor"]["name"].startswith("Asana") and s["department"]["id"] == marketing.id
        )

    first = asana_marketing()
    assert first == asana_marketing()  # served again while nothing changed
    assert first["last_amount_minor"] == 2_500
    # A price rise lands: seen at once (the rollups have it pending), and after the refresh.
    conn = session.exec(select(Connection)).first()
    assert conn is not None
    today = datetime.now(UTC).date()
    _charge(session, conn, marketing, _vendor(session, "asana"), today, 3_000, 99)
    session.commit()
    assert asana_marketing()["last_amount_minor"] == 3_000
    rollup.ensure_fresh(session, session.commit)
    assert asana_marketing()["last_amount_minor"] == 3_000
    # A change to an existing row (re-classified away from software).
    row = session.exec(select(Transaction).where(Transaction.external_id.endswith("-99"))).one()  # type: ignore[union-attr]
    row.is_software = False
    row.updated_at = datetime.now(UTC)
    session.add(row)
    session.commit()
    rollup.ensure_fresh(session, session.commit)
    assert asana_marketing()["last_amount_minor"] == 2_500
    # A renamed vendor (audited, not a transaction change).
    r = client.patch(
        f"/api/v1/vendors/{first['vendor']['id']}",
        json={"name": "Asana Enterprise"},
        headers=keys.headers("admin"),
    )
    assert r.status_code == 200, r.text
    assert asana_marketing()["vendor"]["name"] == "Asana Enterprise"


def test_redundancy_follows_a_refund_though_answers_are_kept(
    client: TestClient, keys: Keys, session: Session
) -> None:
    from app.feeds import rollup

    marketing, _ = _seed(session)
    rollup.ensure_fresh(session, session.commit)

    def asana_total() -> int:
        report = client.get(
            "/api/v1/insights/redundancy", params=_year_to_today(), headers=keys.headers("viewer")
        ).json()
        shared = {s["vendor"]["name"]: s for s in report["shared_vendors"]}
        return int(next(v for k, v in shared.items() if k.startswith("Asana"))["total_minor"])

    assert asana_total() == asana_total() == 30_000
    conn = session.exec(select(Connection)).first()
    assert conn is not None
    today = datetime.now(UTC).date()
    _charge(session, conn, marketing, _vendor(session, "asana"), today, -2_500, 98)
    session.commit()
    rollup.ensure_fresh(session, session.commit)
    assert asana_total() == 27_500


def _late_and_on_time(session: Session) -> tuple[Vendor, Vendor]:
    """Two monthly subscriptions: one last charged 40 days ago (expected ~10 days ago, not yet
    long enough to be "stopped"), one charged 5 days ago."""
    conn = Connection(name="cards", connector="file")
    marketing = session.exec(select(Department).where(Department.name == "Marketing")).one()
    session.add(conn)
    session.flush()
    today = datetime.now(UTC).date()
    late, on_time = _vendor(session, "asana"), _vendor(session, "trello")
    for i in range(4):
        _charge(session, conn, marketing, late, today - timedelta(days=40 + 30 * i), 2_500, i)
        _charge(session, conn, marketing, on_time, today - timedelta(days=5 + 30 * i), 900, i)
    session.commit()
    return late, on_time


def test_a_renewal_that_did_not_arrive_is_listed_first_as_overdue(
    client: TestClient, keys: Keys, session: Session
) -> None:
    late, on_time = _late_and_on_time(session)
    headers = keys.headers("it")
    renewals = client.get("/api/v1/subscriptions/renewals?days=30", headers=headers).json()
    assert [(r["vendor"]["id"], r["overdue"]) for r in renewals["items"]] == [
        (late.id, True),
        (on_time.id, False),
    ]
    assert date.fromisoformat(renewals["items"][0]["renews_on"]) < datetime.now(UTC).date()
    subs = client.get("/api/v1/subscriptions", headers=headers).json()["items"]
    assert {s["vendor"]["id"]: s["overdue"] for s in subs} == {late.id: True, on_time.id: False}
    assert not any(s["stopped"] for s in subs)


def test_the_dashboard_labels_an_overdue_renewal_and_only_that_one(
    client: TestClient, keys: Keys, session: Session
) -> None:
    from tests.dashboard.conftest import sign_in

    _late_and_on_time(session)
    sign_in(client, keys.admin)
    for path in ("/fragments/renewals", "/subscriptions"):
        page = client.get(path).text
        # the overdue tag sits in the late one's row alone
        rows = [r for r in page.split("<tr>") if "Asana" in r or "Trello" in r]
        assert rows, path
        for row in rows:
            assert ('tag-warn">overdue</span>' in row) == ("Asana" in row), (path, row)


def test_the_embedded_scheduler_warms_the_dashboard_answers_after_new_data(
    session: Session, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    from contextlib import nullcontext

    from app import scheduler
    from app.feeds import rollup
    from app.insights import redundancy, renewals, service

    marketing, _ = _seed(session)
    rollup.ensure_fresh(session, session.commit)
    computed: list[str] = []
    for module, name in ((service, "_subscriptions"), (redundancy, "_redundancy")):
        real = getattr(module, name)
        monkeypatch.setattr(
            module,
            name,
            lambda *a, _real=real, _name=name, **kw: computed.append(_name) or _real(*a, **kw),
        )

    scheduler.warm_insights(work=lambda: nullcontext(session))
    assert computed == ["_subscriptions", "_redundancy"]
    scheduler.warm_insights(work=lambda: nullcontext(session))  # current: nothing recomputed
    service.subscriptions(session)  # the visitor's answer is the warm one
    renewals.renewals(session)
    redundancy.redundancy(session)
    assert computed == ["_subscriptions", "_redundancy"]

    # New data: the next tick recomputes, once.
    conn = session.exec(select(Connection)).first()
    assert conn is not None
    _charge(session, conn, marketing, _vendor(session, "trello"), datetime.now(UTC).date(), 1, 99)
    session.commit()
    scheduler.warm_insights(
        work=lambda: nullcontext(session)
    )  # rollups pending: skipped, nothing kept half-way
    assert computed == ["_subscriptions", "_redundancy"]
    rollup.ensure_fresh(session, session.commit)
    scheduler.warm_insights(work=lambda: nullcontext(session))
    scheduler.warm_insights(work=lambda: nullcontext(session))
    assert computed == ["_subscriptions", "_redundancy"] * 2


def test_a_scheduler_process_of_its_own_does_not_warm_answers_it_never_serves() -> None:
    from apscheduler.schedulers.background import BackgroundScheduler

    from app import scheduler

    for embedded, ids in (
        (True, {"dispatch", "warm", "housekeeping"}),
        (False, {"dispatch", "housekeeping"}),
    ):
        sched = BackgroundScheduler(timezone="UTC")
        scheduler._add_jobs(sched, 60, embedded=embedded)
        assert {job.id for job in sched.get_jobs()} == ids
