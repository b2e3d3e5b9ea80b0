"""Findings API under load, over the demo company scaled to ~1M transactions.

    python bench/bench_findings.py                  # builds /tmp/ss-findings-bench/demo.db once
    python bench/bench_findings.py --scale 5 --workers 2 --duration 15

1. Loads the demo at ``--scale`` (43 gives about 1M rows) into a SQLite file (kept and reused;
   ``shadowspend serve`` migrates it to the latest revision first).
2. Serves it exactly as a user would, ``shadowspend serve --workers N`` (N = ``--workers``,
   2 by default: one per core of the reference machine; ``serve`` itself defaults to 1), and
   drives ``GET /api/v1/findings?limit=50`` with wrk (Debian's ``wrk``; a Python client is used
   when it is absent) at bounded concurrencies (``--concurrency``, 8 and 16), each next to
   ``/healthz`` under the same load (the HTTP stack's own floor), printing requests/s and the
   latency percentiles. The server and wrk share the machine: each figure is printed with
   the load average, since on a shared machine the figures move with it. The server logs at
   WARNING (the default, INFO, writes one line per request: about 15% more CPU per request).
3. Imports files of 100, 1,000 and 10,000 new rows and prints how long the findings refresh
   took for each, with the (vendor, department) pairs those rows touched: it should grow with
   the rows and pairs touched, not with the table.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent / "shadowspend"


def _env(db: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SHADOWSPEND_DATABASE_URL": f"sqlite:///{db}",
        "SHADOWSPEND_SECRET_KEY_FILE": str(db.parent / "secret.key"),
        "SHADOWSPEND_SCHEDULER_MODE": "off",
        "SHADOWSPEND_LOG_LEVEL": "WARNING",
    }


def _load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f} {five:.2f}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def build(db: Path, scale: float) -> None:
    if db.exists():
        print(f"reusing {db}")
        return
    db.parent.mkdir(parents=True, exist_ok=True)
    env = _env(db)
    subprocess.run([BIN, "migrate"], env=env, check=True, capture_output=True)
    started = time.perf_counter()
    subprocess.run([BIN, "demo", "--scale", str(scale)], env=env, check=True)
    print(f"demo at scale {scale} loaded in {time.perf_counter() - started:.0f}s")


def _python_load(
    url: str, headers: dict[str, str], seconds: float, concurrency: int
) -> tuple[float, list[float]]:
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker() -> None:
        with httpx.Client(headers=headers, timeout=10) as client:
            mine = []
            while time.perf_counter() < stop:
                t = time.perf_counter()
                client.get(url).raise_for_status()
                mine.append(time.perf_counter() - t)
            with lock:
                latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies) / seconds, latencies


@dataclass(frozen=True)
class Driven:
    """One load run: its printed line, requests/s and p99 latency in ms."""

    line: str
    rps: float
    p99_ms: float
    failed: int = 0  # responses other than 2xx/3xx (wrk's count)


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _wrk_ms(text: str | None) -> float:
    """wrk's latency figure ("850.00us", "12.34ms", "1.20s") in milliseconds."""
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text or "")
    if found is None:
        raise ValueError(f"not a wrk latency: {text!r}")
    return float(found.group(1)) * _UNITS_MS[found.group(2)]


def drive(
    url: str, headers: dict[str, str], duration: int, concurrency: int, workers: int
) -> Driven:
    """One load run against ``url``: wrk when installed, else the Python client (said so in
    the line)."""
    if shutil.which("wrk"):
        args = ["wrk", "-t2", f"-c{concurrency}", f"-d{duration}s", "--latency"]
        for name, value in headers.items():
            args += ["-H", f"{name}: {value}"]
        out = subprocess.run([*args, url], check=True, capture_output=True, text=True).stdout
        rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
        pct = dict(re.findall(r"\s+(50|75|90|99)%\s+([\d.]+\w+)", out))
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        rps_value = float(rps.group(1)) if rps else 0.0
        line = (
            f"wrk c={concurrency} {duration}s, {workers} worker(s): "
            f"{rps_value:,.0f} req/s  p50 {pct.get('50')}  "
            f"p90 {pct.get('90')}  p99 {pct.get('99')}  "
            f"non-2xx {errors.group(1) if errors else 0}  ({_load_average()})"
        )
        failed = int(errors.group(1)) if errors else 0
        return Driven(line, rps_value, _wrk_ms(pct.get("99")), failed)
    rps_value, lat = _python_load(url, headers, duration, concurrency)
    lat.sort()
    p99 = lat[max(0, int(len(lat) * 0.99) - 1)] * 1000
    line = (
        f"python client (wrk not installed) c={concurrency}: {rps_value:,.0f} req/s  "
        f"p50 {statistics.median(lat) * 1000:.1f}ms  p99 {p99:.1f}ms  ({_load_average()})"
    )
    return Driven(line, rps_value, p99)


@contextmanager
def served(env: dict[str, str], workers: int) -> Iterator[str]:
    """``shadowspend serve --workers N`` on a free port with ``env``, as a user runs it;
    yields its base URL once /healthz answers, and stops it afterwards."""
    port = _free_port()
    command = [str(BIN), "serve", "--port", str(port), "--workers", str(workers)]
    level = env.get("SHADOWSPEND_LOG_LEVEL", "INFO")
    print(f"serving with: SHADOWSPEND_LOG_LEVEL={level} shadowspend {' '.join(command[1:])}")
    # stderr to a file, not a pipe nobody drains while it serves
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(240):
                if server.poll() is not None:
                    log.seek(0)
                    stderr = log.read().decode(errors="replace")
                    raise RuntimeError(f"shadowspend serve exited {server.returncode}: {stderr}")
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.25)
            else:
                raise RuntimeError(f"shadowspend serve did not answer /healthz on {base} in 60 s")
            yield base
        finally:
            server.terminate()
            server.wait(timeout=30)


def load(db: Path, workers: int, duration: int, concurrency: list[int]) -> None:
    env = _env(db)
    key = (
        subprocess.run(
            [BIN, "create-api-key", "--role", "it", "--name", "bench"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    with served(env, workers) as base:
        url = f"{base}/api/v1/findings?limit=50"
        count = httpx.get(url, headers={"Authorization": f"Bearer {key}"}).json()["items"]
        print(f"GET /api/v1/findings?limit=50 returns {len(count)} findings per page")
        httpx.get(url, headers={"Authorization": f"Bearer {key}"})  # warm caches
        for c in concurrency:
            for label, target, headers in (
                ("GET /api/v1/findings?limit=50", url, {"Authorization": f"Bearer {key}"}),
                # The HTTP stack's own floor on this machine, for the same load.
                ("GET /healthz", f"{base}/healthz", {}),
            ):
                print(f"{label:<30} {drive(target, headers, duration, c, workers).line}")


def refresh_cost(db: Path) -> None:
    """Findings refresh after an import, for imports of growing size."""
    sys.path.insert(0, str(ROOT))
    os.environ.update(_env(db))
    from sqlalchemy import text
    from sqlmodel import Session

    from app.db import get_engine
    from app.findings import engine as findings_engine
    from app.imports import service as import_service
    from app.ingest.service import Ingestor

    work = Path(tempfile.mkdtemp())
    for n in (100, 1_000, 10_000):
        path = work / f"new{n}.csv"
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench" / "gen_card_csv.py"),
                str(n),
                "-o",
                str(path),
                "--seed",
                str(1000 + n),
            ],
            check=True,
        )
        with Session(get_engine(), expire_on_commit=False) as session, path.open("rb") as fh:
            opts = import_service.ImportOptions(filename=path.name, connection=f"bench-{n}")
            conn, parsed = import_service.parse(session, fh, opts)
            t = time.perf_counter()
            stats = Ingestor(session, conn).ingest(parsed.rows)
            stored = time.perf_counter() - t
            session.flush()
            pairs = session.execute(
                # Pending deltas (updates, deletes) and, on SQLite, the rows above the
                # findings watermark (inserts are read by id there, not recorded by a trigger).
                text(
                    "SELECT count(*) FROM (SELECT vendor_id, department_key "
                    "FROM finding_day_deltas UNION SELECT vendor_id, coalesce(department_id, 0) "
                    "FROM transactions WHERE outside_it AND removed_at IS NULL "
                    "AND duplicate_of_id IS NULL AND vendor_id IS NOT NULL AND id > "
                    "(SELECT last_id FROM transaction_watermarks WHERE name = 'findings')) "
                    "AS pairs"
                )
            ).scalar_one()
            t = time.perf_counter()
            result = findings_engine.refresh(session, stats.vendor_ids)
            refreshed = time.perf_counter() - t
            session.rollback()  # leave the benchmark database as it was
        print(
            f"import of {n:>6,} rows: stored in {stored:6.2f}s; findings refresh "
            f"{refreshed * 1000:7.1f} ms for {len(stats.vendor_ids)} vendors, {pairs} "
            f"(vendor, department) pairs touched ({len(result.created)} findings created, "
            f"{result.updated} updated)  ({_load_average()})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--db", type=Path, default=Path(tempfile.gettempdir()) / "ss-findings-bench" / "demo.db"
    )
    parser.add_argument("--scale", type=float, default=43)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument(
        "--concurrency",
        type=lambda text: [int(c) for c in text.split(",")],
        default=[8, 16],
        help="comma list of wrk connection counts (default 8,16)",
    )
    args = parser.parse_args()
    build(args.db, args.scale)
    rows = subprocess.run(
        [
            "sqlite3",
            str(args.db),
            "select count(*) from transactions; select count(*) from findings",
        ],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    if rows:
        print(f"{int(rows[0]):,} transactions, {int(rows[1]):,} findings")
    load(args.db, args.workers, args.duration, args.concurrency)
    refresh_cost(args.db)


if __name__ == "__main__":
    main()
