"""Store the generated demo company through the same pipeline real data takes."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import delete, insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.auth.principal import SYSTEM
from app.classification import service as classification_service
from app.config import get_settings
from app.departments import service as department_service
from app.errors import Conflict
from app.feeds import rollup
from app.findings import engine as findings_engine
from app.ingest.service import Ingestor
from app.models import (
    Cardholder,
    Connection,
    FindingEvidence,
    FxRate,
    Registration,
    SanctionedApp,
    Transaction,
)
from app.registrations import service as registration_service
from app.vendors import service as vendor_service
from connectors.base import RawTransaction

DEMO_MARK = "demo"


class DemoAlreadyLoaded(Conflict):
    """Loaded once already (``reset`` replaces it, ``if_empty`` leaves it)."""


class DatabaseHasOwnData(Conflict):
    """The demo company is fictional: it never goes into a database holding a company's own
    transactions, where its spend would mix with real findings and feeds."""


def _demo_connections(session: Session) -> list[Connection]:
    return [c for c in session.exec(select(Connection)) if (c.config or {}).get(DEMO_MARK)]


def _reset(session: Session) -> None:
    demo_ids = [c.id for c in _demo_connections(session)]
    if demo_ids:
        demo_rows = select(Transaction.id).where(col(Transaction.connection_id).in_(demo_ids))
        session.execute(
            delete(FindingEvidence).where(col(FindingEvidence.transaction_id).in_(demo_rows))
        )
        session.execute(delete(Transaction).where(col(Transaction.connection_id).in_(demo_ids)))
        session.execute(delete(Cardholder).where(col(Cardholder.connection_id).in_(demo_ids)))
        session.execute(delete(Connection).where(col(Connection.id).in_(demo_ids)))
    session.execute(delete(SanctionedApp).where(col(SanctionedApp.notes) == DEMO_MARK))
    session.execute(delete(Registration).where(col(Registration.purpose).like("[demo]%")))
    session.flush()


def load_demo(
    engine: Engine,
    *,
    seed: int = 7,
    scale: float = 1.0,
    reset: bool = False,
    if_empty: bool = False,
    console: Console | None = None,
) -> dict[str, Any]:
    """Generate the demo company and store it; returns counts. Refuses to load twice unless
    ``reset`` (which first deletes what an earlier demo load stored)."""
    from app.demo.generator import generate_company

    console = console or Console(stderr=True)
    started = time.perf_counter()
    with Session(engine, expire_on_commit=False) as session:
        demo_ids = [c.id for c in _demo_connections(session)]
        own = session.exec(
            select(Transaction.id).where(col(Transaction.connection_id).not_in(demo_ids)).limit(1)
        ).first()
        if own is not None:
            raise DatabaseHasOwnData(
                f"{engine.url.render_as_string(hide_password=True)} holds your own transactions; "
                "the demo company loads only into a database without them: point "
                "SHADOWSPEND_DATABASE_URL at another one (sqlite:///./demo.db)"
            )
        if demo_ids:
            if if_empty:
                return {"skipped": "the demo company is already loaded"}
            if not reset:
                raise DemoAlreadyLoaded(
                    "the demo company is already loaded; pass --reset to load it again"
                )
            _reset(session)
            session.commit()

        company = generate_company(seed=seed, scale=scale)
        sync = classification_service.sync_builtin_catalog(session)
        departments = {}
        for d in company.departments:
            dept = department_service.ensure(session, d.name, SYSTEM, source="demo company")
            dept.cost_centre = d.cost_centre
            dept.is_it = d.is_it
            session.add(dept)
            departments[d.name] = dept
        session.flush()

        existing_emails = {
            (c.email or "").lower() for c in session.exec(select(Cardholder)) if c.email
        }
        for h in company.cardholders:
            if h.email.lower() in existing_emails:
                continue
            session.add(
                Cardholder(
                    name=h.name,
                    email=h.email,
                    external_id=h.external_id,
                    department_id=departments[h.department].id,
                )
            )
        reporting = get_settings().reporting_currency
        have_rates = {
            (r.rate_date, r.currency)
            for r in session.exec(select(FxRate).where(FxRate.quote_currency == reporting))
        }
        rates = [
            {
                "rate_date": day,
                "currency": cur,
                "quote_currency": "USD",
                "rate": rate,
                "source": DEMO_MARK,
            }
            for day, cur, rate in company.fx_rates
            if (day, cur) not in have_rates
        ]
        if rates and reporting == "USD":
            session.execute(insert(FxRate), rates)

        unresolved: list[str] = []
        for s in company.sanctioned:
            vendor = vendor_service.find_by_name(session, s.vendor_name)
            if vendor is None:
                unresolved.append(s.vendor_name)
                continue
            scopes = [None] if s.departments is None else [departments[d].id for d in s.departments]
            for dept_id in scopes:
                session.add(
                    SanctionedApp(
                        vendor_id=vendor.id,  # type: ignore[arg-type]
                        department_id=dept_id,
                        owner_email=s.owner_email,
                        contract_start=s.contract_start,
                        contract_end=s.contract_end,
                        notice_days=s.notice_days,
                        annual_value_minor=s.annual_value_minor,
                        currency=s.currency,
                        seats=s.seats,
                        notes=DEMO_MARK,
                    )
                )
        connections: dict[str, Connection] = {}
        for c in company.connections:
            row = Connection(
                name=c.name,
                connector=c.connector,
                is_it_channel=c.is_it_channel,
                config={DEMO_MARK: True},
                status="ok",
            )
            session.add(row)
            connections[c.name] = row
        session.commit()

        ctx = classification_service.build_context(session)
        by_connection: dict[str, list[RawTransaction]] = defaultdict(list)
        total = company.transaction_count
        stats: dict[str, int] = defaultdict(int)
        touched_vendors: set[int] = set()
        with Progress(
            TextColumn("loading demo transactions"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task("ingest", total=total)

            def flush(name: str) -> None:
                batch = by_connection.pop(name, [])
                if not batch:
                    return
                ingestor = ingestors[name]
                result = ingestor.ingest(batch)
                session.commit()
                for k, v in result.as_dict().items():
                    stats[k] += v
                touched_vendors.update(result.vendor_ids)
                progress.advance(task, len(batch))

            ingestors = {
                name: Ingestor(session, conn, ctx=ctx) for name, conn in connections.items()
            }
            for name, raw in _iter(company):
                by_connection[name].append(raw)
                if len(by_connection[name]) >= 5000:
                    flush(name)
            for name in list(by_connection):
                flush(name)

        for r in company.registrations:
            vendor_id, alternatives = registration_service.match_vendor(
                session, r.name_as_typed, r.url
            )
            session.add(
                Registration(
                    name_as_typed=r.name_as_typed,
                    vendor_id=vendor_id,
                    match_alternatives=alternatives,
                    department_id=departments[r.department].id,  # type: ignore[arg-type]
                    owner_email=r.owner_email,
                    purpose=f"[demo] {r.purpose}",
                    seats=r.seats,
                    cost_minor=r.cost_minor,
                    currency=r.currency,
                    period=r.period,
                    url=r.url,
                    start_date=r.start_date,
                )
            )
        findings = findings_engine.refresh(session, touched_vendors, candidates=None)
        session.commit()
        rollup.ensure_fresh(session, session.commit)
    return {
        "departments": len(company.departments),
        "cardholders": len(company.cardholders),
        "connections": len(company.connections),
        "transactions": stats["inserted"] + stats["updated"],
        "sanctioned_apps": len(company.sanctioned) - len(unresolved),
        "unresolved_sanctioned_vendors": unresolved,
        "registrations": len(company.registrations),
        "findings": len(findings.created),
        "catalog_vendors_loaded": sync.inserted,
        "seconds": round(time.perf_counter() - started, 1),
    }


def _iter(company: Any) -> Iterator[tuple[str, RawTransaction]]:
    yield from company.iter_transactions()
