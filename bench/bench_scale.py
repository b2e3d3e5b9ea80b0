"""Scale benchmark on Postgres: N card rows through the real import, then the feed, the
findings list under load and the dashboard overview over them.

    SHADOWSPEND_BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/bench_scale.py --rows 200000 [--explain]

1. Creates ``shadowspend_scale_<pid>`` next to that URL and migrates it (``shadowspend
   migrate``'s own function: Alembic, then the built-in catalog), dropped at the end, also on
   failure or Ctrl-C.
2. Writes N card rows with ``bench/gen_card_csv.py`` (six departments, eight cardholders,
   twenty software and ten other merchants, refunds) dated over the last 13 months up to
   today, and loads them with ``app.imports.service.run_import``, as a background import does
   (validation, parsing, classification, storage, findings, the feeds' rollups), printing
   progress. Then ``VACUUM ANALYZE``, the state autovacuum reaches on its own.
3. Measures, each printed with the load average:
   - the spend feed, the last 12 full months by department (the feed's default period), p95
     over ``--runs`` requests through the ASGI app with a finance key;
   - ``GET /api/v1/findings?limit=50`` under wrk (``shadowspend serve --workers 2``, c=16,
     ``--duration`` seconds; a Python client when wrk is absent, and the line says so):
     requests/s and p99;
   - the dashboard overview, signed in through the login form as an admin, p95.
   With ``--explain``, EXPLAIN (ANALYZE, BUFFERS) of every query the feed and the findings
   list run.

Ends with exactly one line:
``SCALE rows=N import_rows_per_s=A feed_p95_ms=B findings_rps=C findings_p99_ms=D
overview_p95_ms=E``. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_feeds  # noqa: E402
import gen_card_csv  # noqa: E402
import httpx  # noqa: E402  (puts the project on sys.path, fixes the test-safe settings)
from bench_findings import drive, served  # noqa: E402
from bench_import import throwaway_postgres  # noqa: E402
from bench_overview import sign_in  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import event, text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlmodel import Session  # noqa: E402

from app import db  # noqa: E402
from app.api import cache  # noqa: E402
from app.api_keys import service as api_keys_service  # noqa: E402
from app.auth.principal import SYSTEM  # noqa: E402
from app.commands import schema  # noqa: E402
from app.imports import service as import_service  # noqa: E402
from app.main import create_app  # noqa: E402
from app.models import Role  # noqa: E402

FEED = "/api/v1/feeds/spend?group_by=department"  # the default period: the last 12 full months
FINDINGS = "/api/v1/findings?limit=50"


@dataclass
class Figures:
    rows: int
    import_rows_per_s: float
    feed_p95_ms: float
    findings_rps: float
    findings_p99_ms: float
    overview_p95_ms: float

    def line(self) -> str:
        return (
            f"SCALE rows={self.rows} import_rows_per_s={self.import_rows_per_s:.0f} "
            f"feed_p95_ms={self.feed_p95_ms:.1f} findings_rps={self.findings_rps:.0f} "
            f"findings_p99_ms={self.findings_p99_ms:.1f} "
            f"overview_p95_ms={self.overview_p95_ms:.1f}"
        )


def _load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def write_rows(path: Path, rows: int, today: date) -> None:
    """``rows`` card rows dated from the first day of the month 13 months back to ``today``:
    every month of the feed's default period (the last 12 full months) has rows."""
    start = date(today.year - 1, today.month, 1) - timedelta(days=1)
    start = start.replace(day=1)
    with path.open("w", newline="", encoding="utf-8") as out:
        gen_card_csv.generate(out, rows, start=start, days=(today - start).days + 1)


def load_rows(engine: Engine, path: Path, rows: int) -> float:
    """``path`` through the real import, as a background import runs it; returns rows/s."""

    started = time.perf_counter()
    shown = [started]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - shown[0] >= 5 or done == total:
            shown[0] = now
            rate = done / (now - started)
            print(f"  loaded {done:>11,} / {total:,} rows  {rate:>9,.0f} rows/s  ({_load()})")

    with Session(engine, expire_on_commit=False) as session, path.open("rb") as fh:
        opts = import_service.ImportOptions(filename=path.name, connection="scale bench")
        summary = import_service.run_import(
            session, fh, opts, SYSTEM, checkpoint=session.commit, progress=progress
        )
        session.commit()
    seconds = time.perf_counter() - started
    if summary["rows"] != rows:
        raise RuntimeError(f"the import read {summary['rows']:,} rows of {rows:,}: {summary}")
    print(
        f"imported {summary['rows']:,} rows ({summary['inserted']:,} inserted) in "
        f"{seconds:.1f} s: {rows / seconds:,.0f} rows/s, validation to feeds' rollups ({_load()})"
    )
    return rows / seconds


def settle(engine: Engine) -> None:
    """Statistics and a visibility map, as autovacuum leaves them (index-only scans)."""
    started = time.perf_counter()
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    print(f"VACUUM ANALYZE / ANALYZE in {time.perf_counter() - started:.1f} s")


def _keys(engine: Engine) -> dict[Role, str]:
    with Session(engine) as session:
        keys = {
            role: api_keys_service.create_key(session, name=f"scale {role}", role=role)[1]
            for role in (Role.FINANCE, Role.IT, Role.ADMIN)
        }
        session.commit()
    return keys


@contextmanager
def _captured(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Every SELECT the engine runs inside the block, with its parameters."""
    seen: list[tuple[str, Any]] = []

    def before(_c: Any, _cur: Any, statement: str, params: Any, _ctx: Any, many: bool) -> None:
        if not many and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def explain(
    engine: Engine, client: TestClient, label: str, url: str, headers: dict[str, str]
) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of each query one request to ``url`` runs (EXPLAIN QUERY
    PLAN on SQLite), slowest first."""
    with _captured(engine) as seen:
        answer = client.get(url, headers=headers)
    answer.raise_for_status()
    postgres = engine.dialect.name == "postgresql"
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
    plans = []
    with engine.connect() as conn:
        for statement, params in seen:
            rows = conn.exec_driver_sql(prefix + statement, params).fetchall()
            lines = [" | ".join(str(v) for v in row) if not postgres else row[0] for row in rows]
            took = next(
                (float(x.split(":")[1].split()[0]) for x in lines if x.startswith("Execution")),
                0.0,
            )
            plans.append((took, statement, lines))
        conn.rollback()
    print(f"EXPLAIN {label}: {url} ran {len(plans)} queries")
    for _took, statement, lines in sorted(plans, key=lambda p: -p[0]):
        print(f"  -- {' '.join(statement.split())[:160]}")
        for line in lines:
            print(f"     {line}")


def measure(
    engine: Engine,
    url: str,
    *,
    runs: int,
    duration: int,
    workers: int = 2,
    concurrency: int = 16,
    with_explain: bool = False,
) -> tuple[float, float, float, float]:
    """Feed p95, findings req/s and p99, overview p95 over the database at ``url``."""
    keys = _keys(engine)
    saved = db._engine
    db.set_engine(engine)
    cache.clear()
    try:
        with TestClient(create_app()) as client:
            finance = {"Authorization": f"Bearer {keys[Role.FINANCE]}"}
            feed = client.get(FEED, headers=finance).json()
            if not feed["rows"]:
                raise RuntimeError(f"the feed has no rows from {feed['from']} to {feed['to']}")
            print(f"spend feed {feed['from']}..{feed['to']}: {len(feed['rows'])} departments")
            print(f"spend feed, ASGI app in-process, {runs} runs ({_load()}):")
            feed_p95 = bench_feeds.measure(
                client, finance, "last 12 full months by department", FEED, runs
            )
            it = {"Authorization": f"Bearer {keys[Role.IT]}"}
            if with_explain:
                explain(engine, client, "spend feed", FEED, finance)
                explain(engine, client, "findings list", FINDINGS, it)
            sign_in(client, keys[Role.ADMIN])
            first = client.get("/")
            if first.status_code != 200 or first.url.path != "/":
                raise RuntimeError(f"the overview did not answer signed in: {first.url}")
            print(f"dashboard overview, signed in as an admin, {runs} runs ({_load()}):")
            overview_p95 = bench_feeds.measure(client, {}, "overview (first data)", "/", runs)
    finally:
        db.set_engine(saved)
        cache.clear()
    env = {
        **os.environ,
        "SHADOWSPEND_DATABASE_URL": url,
        "SHADOWSPEND_SCHEDULER_MODE": "off",
        "SHADOWSPEND_LOG_LEVEL": "WARNING",
    }
    it_key = {"Authorization": f"Bearer {keys[Role.IT]}"}
    with served(env, workers) as base:
        page = httpx.get(base + FINDINGS, headers=it_key, timeout=60)
        page.raise_for_status()
        print(f"GET {FINDINGS} returns {len(page.json()['items'])} findings per page")
        load = drive(base + FINDINGS, it_key, duration, concurrency, workers)
        print(f"GET {FINDINGS:<28} {load.line}")
    if load.failed:
        raise RuntimeError(f"{load.failed} findings requests failed under load")
    return feed_p95, load.rps, load.p99_ms, overview_p95


def run(
    url: str,
    rows: int,
    *,
    runs: int,
    duration: int,
    with_explain: bool = False,
    today: date | None = None,
) -> Figures:
    """The whole bench over the (empty) database at ``url``."""
    engine = db.make_engine(url)
    try:
        started = time.perf_counter()
        done = schema.migrate(engine)
        print(f"migrated to {done.after} in {time.perf_counter() - started:.1f} s")
        with tempfile.TemporaryDirectory(prefix="ss-scale-") as work:
            path = Path(work) / "cards.csv"
            started = time.perf_counter()
            write_rows(path, rows, today or datetime.now(UTC).date())
            print(
                f"generated {rows:,} card rows ({path.stat().st_size / 1e6:,.0f} MB) in "
                f"{time.perf_counter() - started:.1f} s"
            )
            rate = load_rows(engine, path, rows)
        settle(engine)
        feed, rps, p99, overview = measure(
            engine, url, runs=runs, duration=duration, with_explain=with_explain
        )
        return Figures(rows, rate, feed, rps, p99, overview)
    finally:
        engine.dispose()


def _stop_on_sigterm() -> Callable[[], None]:
    """SIGTERM unwinds like Ctrl-C, so the database is dropped either way."""

    def stop(signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, stop)
    return lambda: signal.signal(signal.SIGTERM, previous)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=40, help="requests per latency figure")
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk load")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the queries")
    parser.add_argument(
        "--sqlite", action="store_true", help="the same on a temporary SQLite file instead"
    )
    args = parser.parse_args()
    if args.sqlite:
        with tempfile.TemporaryDirectory(prefix="ss-scale-db-") as folder:
            print(f"{args.rows:,} rows into SQLite (WAL); {os.cpu_count()} CPUs, {_load()}")
            figures = run(
                f"sqlite:///{folder}/scale.db",
                args.rows,
                runs=args.runs,
                duration=args.duration,
                with_explain=args.explain,
            )
        print(f"removed the SQLite file; {_load()}")
        print(figures.line())
        return
    base = os.environ.get("SHADOWSPEND_BENCH_POSTGRES_URL")
    if not base:
        sys.exit(
            "set SHADOWSPEND_BENCH_POSTGRES_URL=postgresql+psycopg://user@host:5432/db "
            "(a throwaway database is created next to it)"
        )
    restore = _stop_on_sigterm()
    name = f"shadowspend_scale_{os.getpid()}"
    print(f"{args.rows:,} rows into {name}; {os.cpu_count()} CPUs, {_load()}")
    try:
        with throwaway_postgres(base, name) as url:
            figures = run(
                url, args.rows, runs=args.runs, duration=args.duration, with_explain=args.explain
            )
    finally:
        restore()
    print(f"dropped {name}; {_load()}")
    print(figures.line())


if __name__ == "__main__":
    main()
