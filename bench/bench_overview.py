"""How fast the dashboard answers on the demo company (prints figures; not a test).

    .venv/bin/python bench/bench_overview.py --scale 1.0 --runs 30
    .venv/bin/python bench/bench_overview.py --db /tmp/ss-findings-bench/demo.db  # reuse

``--db`` reuses (and migrates) an existing demo database, e.g. the ~1M-row one
``bench/bench_findings.py`` builds, instead of loading a new one.

Builds a temp SQLite database with the real migrations and ``load_demo(scale=...)``, signs in
through the login form, then times whole requests in-process (routing, queries, template)
for the overview (its first data: every chart and total is in that one response), the
renewals card it loads after first paint, a drill-down, and the console's pages: the app
inventory (and its CSV), the page of its largest app, sanctioned apps with the renewals
calendar, registrations and the catalog suggestions a name field asks for as you type; the
findings queue and the transactions list with filters, and their CSV exports; the Sources page
and one source's run history.
Prints median and p95 in ms.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--db", type=Path, help="an existing demo SQLite file to use instead")
    args = parser.parse_args()

    if args.db is not None:
        _run(args.db, args.scale, args.runs, reuse=True)
        return
    folder = Path(tempfile.mkdtemp(prefix="ss-dash-bench-"))
    try:
        _run(folder / "demo.db", args.scale, args.runs)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def sign_in(client: Any, key: str) -> None:
    """Sign ``client`` (a TestClient or an httpx client) in through the login form."""
    page = client.get("/login")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    if found is None:
        raise RuntimeError(f"no CSRF token on /login: {page.text[:300]}")
    answer = client.post("/login", data={"api_key": key, "csrf_token": found.group(1)})
    if answer.status_code >= 400:
        raise RuntimeError(f"sign-in failed: {answer.status_code} {answer.text[:300]}")


def _run(db_file: Path, scale: float, runs: int, *, reuse: bool = False) -> None:
    url = f"sqlite:///{db_file}"
    from cryptography.fernet import Fernet

    os.environ.update(
        SHADOWSPEND_DATABASE_URL=url,
        SHADOWSPEND_SECRET_KEY=Fernet.generate_key().decode(),
        SHADOWSPEND_SCHEDULER_MODE="off",
        SHADOWSPEND_LOG_LEVEL="WARNING",
    )
    from fastapi.testclient import TestClient
    from rich.console import Console
    from sqlalchemy import func, select
    from sqlmodel import Session

    from app import migrate
    from app.api_keys import service as api_keys_service
    from app.db import get_engine
    from app.demo.loader import load_demo
    from app.main import create_app
    from app.models import Transaction

    engine = get_engine()
    migrate.upgrade(engine)
    if not reuse:
        load_demo(engine, scale=scale, console=Console(file=io.StringIO()))
    with Session(engine) as session:
        _, key = api_keys_service.create_key(session, name="bench", role="admin")
        session.commit()
        count = session.execute(select(func.count()).select_from(Transaction)).scalar_one()

    with TestClient(create_app()) as client:
        sign_in(client, key)
        print(f"{count:,} transactions, {runs} runs each, load average {os.getloadavg()[0]:.2f}")
        inventory = client.get("/apps")
        largest = re.search(r'<th scope="row"><a href="(/apps/\d+)"', inventory.text)
        assert largest is not None, inventory.text[:300]
        sources = client.get("/sources")
        first_source = re.search(r'<th scope="row"><a href="(/sources/\d+)"', sources.text)
        assert first_source is not None, sources.text[:300]
        for label, path in [
            ("overview (first data)", "/"),
            ("renewals card", "/fragments/renewals"),
            ("drill-down, outside IT", "/transactions?is_software=true&outside_it=true"),
            ("app inventory", "/apps"),
            ("app inventory, filtered", "/apps?status=outside_it&sort=run_rate"),
            ("app inventory CSV", "/apps.csv"),
            ("one app (the largest)", largest.group(1)),
            ("sanctioned + calendar", "/sanctioned"),
            ("registrations", "/registrations"),
            ("catalog suggestions", "/fragments/catalog-suggest?q=sla"),
            ("findings queue", "/findings"),
            ("findings, filtered", "/findings?status=all&severity=high&category=sales_crm"),
            ("findings CSV", "/findings.csv?status=all"),
            ("transactions, filtered", "/transactions?is_software=true&category=ai&channel=card"),
            ("transactions CSV, outside", "/transactions.csv?is_software=true&outside_it=true"),
            ("sources", "/sources"),
            ("one source", first_source.group(1)),
        ]:
            started = time.perf_counter()
            client.get(path)  # warm: templates compiled, statements cached, rollups current
            print(f"  {label:<26} first    {(time.perf_counter() - started) * 1000:7.0f} ms")
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.text[:300]
            times.sort()
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            print(
                f"  {label:<26} median {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms"
                f"   ({len(response.content) // 1024} KiB)"
            )


if __name__ == "__main__":
    main()
