"""Spend-feed latency over a large transactions table, through the ASGI app.

    .venv/bin/python bench/bench_feeds.py [--rows 1000000] [--months 24] [--runs 40]
    SHADOWSPEND_BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/bench_feeds.py

Builds a temporary SQLite file (and, when SHADOWSPEND_BENCH_POSTGRES_URL is set, a throwaway
Postgres database next to that URL) with the real migrations, bulk-inserts ``--rows``
transactions spread evenly over ``--months`` months ending 2026-12 (20 departments, 300
vendors, 4 currencies, 2% refunds, 1% cross-source duplicates, 0.5% unconverted), then asks
``GET /api/v1/feeds/spend`` with a finance key and prints p50/p95 latency for:

- the last 12 months by department, JSON and CSV (the target: p95 <= 150 ms);
- the same with If-None-Match (304), NDJSON, and by department x month;
- every row (no date filter) by department, for scale.

Figures are printed, never asserted: timing belongs here, not in tests.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_import import throwaway_postgres  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402

os.environ.setdefault("SHADOWSPEND_SECRET_KEY", Fernet.generate_key().decode())
os.environ.setdefault("SHADOWSPEND_LOG_LEVEL", "WARNING")

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlmodel import Session  # noqa: E402

from app import db, migrate  # noqa: E402
from app.api_keys import service as api_keys_service  # noqa: E402
from app.feeds import rollup  # noqa: E402
from app.main import create_app  # noqa: E402
from app.models import Connection, Department, Role, Transaction, Vendor  # noqa: E402

CURRENCIES = [("USD", None), ("EUR", 1.08), ("GBP", 1.27), ("CAD", 0.73)]
END = date(2026, 12, 31)


def _month_start(day: date, back: int) -> date:
    y, m = day.year, day.month - back
    while m <= 0:
        y, m = y - 1, m + 12
    return date(y, m, 1)


def populate(engine: Engine, rows: int, months: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    start = _month_start(END, months - 1)
    span = (END - start).days + 1
    now = datetime.now(UTC)
    with Session(engine) as s:
        conn = Connection(name="Bench card", connector="csv")
        bank = Connection(name="Bench bank", connector="csv")
        s.add_all([conn, bank])
        depts = [Department(name=f"Bench dept {i}") for i in range(20)]
        vendors = [
            Vendor(name=f"Bench vendor {i}", slug=f"bench-vendor-{i}", category="productivity")
            for i in range(300)
        ]
        s.add_all(depts + vendors)
        s.flush()
        dept_ids = [d.id for d in depts]
        vendor_ids = [v.id for v in vendors]
        conn_id, bank_id = conn.id, bank.id
        started = time.perf_counter()
        chunk: list[dict[str, Any]] = []
        dup_targets: list[int] = []
        next_id = 1
        for i in range(rows):
            day = start + timedelta(days=rng.randrange(span))
            cur, rate = CURRENCIES[0] if rng.random() < 0.7 else rng.choice(CURRENCIES[1:])
            amount = rng.randint(100, 500_000)
            if rng.random() < 0.02:
                amount = -amount
            software = rng.random() < 0.4
            reporting: int | None = amount if rate is None else round(amount * rate)
            if rng.random() < 0.005:
                reporting = None
            duplicate_of = None
            if dup_targets and rng.random() < 0.01:
                duplicate_of = rng.choice(dup_targets)
            chunk.append(
                {
                    "id": next_id,
                    "connection_id": bank_id if duplicate_of else conn_id,
                    "external_id": f"b{i}",
                    "transaction_date": day,
                    "amount_minor": amount,
                    "currency": cur,
                    "reporting_amount_minor": reporting,
                    "reporting_currency": "USD" if reporting is not None else None,
                    "descriptor": f"BENCH MERCHANT {i % 5000}",
                    "channel": "card",
                    "raw": {},
                    "department_id": rng.choice(dept_ids) if rng.random() < 0.95 else None,
                    "vendor_id": rng.choice(vendor_ids) if software else None,
                    "is_software": software,
                    "category": "productivity" if software else None,
                    "outside_it": software and rng.random() < 0.3,
                    "duplicate_of_id": duplicate_of,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            if len(dup_targets) < 10_000 and not duplicate_of:
                dup_targets.append(next_id)
            next_id += 1
            if len(chunk) == 50_000:
                s.execute(insert(Transaction), chunk)
                chunk = []
        if chunk:
            s.execute(insert(Transaction), chunk)
        s.commit()
        print(f"  inserted {rows:,} rows in {time.perf_counter() - started:.1f} s")
    if engine.dialect.name == "sqlite":
        # Outside any transaction (the service's engine begins every one IMMEDIATE, and a
        # checkpoint cannot run inside one).
        with engine.connect() as c:
            raw: Any = c.connection.dbapi_connection
            raw.execute("ANALYZE")
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    if engine.dialect.name == "postgresql":
        # The steady state autovacuum reaches: statistics and a visibility map (index-only scans).
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("VACUUM ANALYZE transactions"))


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(client: TestClient, headers: dict[str, str], label: str, url: str, runs: int) -> float:
    """Print p50/p95 (wall and CPU) of ``runs`` requests after a warm-up; returns the wall
    p95 in ms."""
    first = client.get(url, headers=headers)
    assert first.status_code in (200, 304), first.text
    samples, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        r = client.get(url, headers=headers)
        _ = r.content
        samples.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    # CPU time is what the request costs this process; on a busy machine the wall time also
    # includes waiting for a core.
    print(
        f"  {label:<40} p50 {statistics.median(samples):7.1f} ms   "
        f"p95 {_pct(samples, 0.95):7.1f} ms   cpu p50 {statistics.median(cpu):6.1f} ms "
        f"p95 {_pct(cpu, 0.95):6.1f} ms   ({r.status_code}, {len(r.content):,} bytes)"
    )
    return _pct(samples, 0.95)


def machine() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{os.cpu_count()} CPUs, load average {load:.2f}"


def run(engine: Engine, rows: int, months: int, runs: int, *, populated: bool = False) -> None:
    started = time.perf_counter()
    migrate.upgrade(engine)
    if not populated:
        populate(engine, rows, months)
    else:
        with engine.connect() as c:
            raw: Any = c.connection.dbapi_connection
            raw.execute("ANALYZE")
        print(f"  migrated and analysed the existing file in {time.perf_counter() - started:.1f} s")
    db.set_engine(engine)
    with Session(engine) as s:
        _, key = api_keys_service.create_key(s, name="bench", role=Role.FINANCE)
        s.commit()
        t0 = time.perf_counter()
        pairs = rollup.ensure_fresh(s, s.commit)
        print(
            f"  spend rollups built for {pairs:,} (month, department) pairs in "
            f"{time.perf_counter() - t0:.1f} s (what an import of all these rows costs on top)"
        )
    headers = {"Authorization": f"Bearer {key}"}
    print(f"  machine: {machine()}")
    year = f"from={_month_start(END, 11).isoformat()}&to={END.isoformat()}"
    base = "/api/v1/feeds/spend?group_by=department&" + year
    with TestClient(create_app()) as client:
        etag = client.get(base, headers=headers).headers["etag"]
        measure(client, headers, "12 months by department, JSON", base, runs)
        measure(client, headers, "12 months by department, CSV", base + "&format=csv", runs)
        measure(client, headers, "12 months by department, NDJSON", base + "&format=ndjson", runs)
        measure(
            client, {**headers, "If-None-Match": etag}, "12 months by department, 304", base, runs
        )
        measure(
            client,
            headers,
            "12 months by department x month, JSON",
            "/api/v1/feeds/spend?group_by=department,month&" + year,
            runs,
        )
        measure(
            client,
            headers,
            "12 months by vendor, JSON",
            "/api/v1/feeds/spend?group_by=vendor&" + year,
            runs,
        )
        rolling = f"from={(END - timedelta(days=364)).isoformat()}&to={END.isoformat()}"
        rolling = rolling.replace(END.isoformat(), (END - timedelta(days=15)).isoformat())
        measure(
            client,
            headers,
            "365 days mid-month by department, JSON",
            "/api/v1/feeds/spend?group_by=department&" + rolling,
            runs,
        )
        measure(
            client,
            headers,
            "365 days mid-month by vendor, JSON",
            "/api/v1/feeds/spend?group_by=vendor&" + rolling,
            runs,
        )
        measure(
            client,
            headers,
            "all rows by department, JSON",
            "/api/v1/feeds/spend",
            max(5, runs // 4),
        )


@contextmanager
def _postgres(url: str) -> Iterator[Engine]:
    with throwaway_postgres(url) as fresh:
        engine = db.make_engine(fresh)
        try:
            yield engine
        finally:
            engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=24, help="history the rows spread over")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument(
        "--sqlite-file", type=Path, help="keep the SQLite database here; reuse it when it exists"
    )
    args = parser.parse_args()
    print(f"{args.rows:,} transactions over {args.months} months (to {END})")
    if args.sqlite_file:
        populated = args.sqlite_file.exists()
        engine = db.make_engine(f"sqlite:///{args.sqlite_file}")
        print(f"SQLite (file {args.sqlite_file}, WAL{', reused' if populated else ''})")
        try:
            run(engine, args.rows, args.months, args.runs, populated=populated)
        finally:
            engine.dispose()
    elif not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            engine = db.make_engine(f"sqlite:///{tmp}/bench.db")
            print("SQLite (file, WAL)")
            try:
                run(engine, args.rows, args.months, args.runs)
            finally:
                engine.dispose()
    pg = os.environ.get("SHADOWSPEND_BENCH_POSTGRES_URL")
    if pg:
        print("Postgres")
        with _postgres(pg) as engine:
            run(engine, args.rows, args.months, args.runs)


if __name__ == "__main__":
    main()
