"""Import benchmark: N realistic card rows through the whole pipeline (parse, classify,
store, findings) next to a bare csv -> SQLite executemany of the same file, in one run.

    python bench/bench_import.py                 # 1,000,000 rows, SQLite
    python bench/bench_import.py --rows 200000
    SHADOWSPEND_BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        python bench/bench_import.py --rows 200000 --postgres

Prints rows/s and peak RSS of each phase (each runs in its own process so RSS is its own).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bare(csv_path: str, db_path: str) -> dict[str, float]:
    """The floor: csv module -> one executemany into a plain table, no parsing of values."""
    started = time.perf_counter()
    conn = sqlite3.connect(db_path)
    with open(csv_path, newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        cols = ", ".join(f'"c{i}" TEXT' for i in range(len(header)))
        conn.execute(f"CREATE TABLE raw ({cols})")
        marks = ", ".join("?" for _ in header)
        conn.executemany(f"INSERT INTO raw VALUES ({marks})", reader)  # noqa: S608
    conn.commit()
    rows = conn.execute("SELECT count(*) FROM raw").fetchone()[0]
    conn.close()
    seconds = time.perf_counter() - started
    return {
        "rows": rows,
        "seconds": seconds,
        "rows_per_s": rows / seconds,
        "peak_rss_mib": _peak_rss_mib(),
    }


def full(csv_path: str, url: str) -> dict[str, float]:
    """shadowspend's own import: validate the whole file, then parse, classify and store."""
    os.environ["SHADOWSPEND_DATABASE_URL"] = url
    os.environ.setdefault(
        "SHADOWSPEND_SECRET_KEY_FILE", str(Path(tempfile.gettempdir()) / "bench.key")
    )
    from sqlmodel import Session

    from app import migrate
    from app.auth.service import SYSTEM
    from app.db import get_engine
    from app.imports import service as import_service

    engine = get_engine()
    migrate.upgrade(engine)
    from app.classification.service import sync_builtin_catalog

    with Session(engine) as s:
        sync_builtin_catalog(s)
        s.commit()
    started = time.perf_counter()
    with Session(engine, expire_on_commit=False) as session, open(csv_path, "rb") as fh:
        opts = import_service.ImportOptions(filename="bench.csv", connection="bench")
        connection, parsed = import_service.parse(session, fh, opts)
        validated = time.perf_counter()
        summary = import_service.store(session, connection, parsed, SYSTEM, commit_every_batch=True)
        session.commit()
    seconds = time.perf_counter() - started
    rows = summary["rows"]
    return {
        "rows": rows,
        "inserted": summary["inserted"],
        "seconds": seconds,
        "validate_seconds": validated - started,
        "rows_per_s": rows / seconds,
        "peak_rss_mib": _peak_rss_mib(),
    }


def _child(phase: str, *args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--phase", phase, *args],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--phase", choices=["bare", "full"])
    parser.add_argument("--csv")
    parser.add_argument("--target")
    args = parser.parse_args()
    if args.phase == "bare":
        print(json.dumps(bare(args.csv, args.target)))
        return
    if args.phase == "full":
        print(json.dumps(full(args.csv, args.target)))
        return

    work = Path(tempfile.mkdtemp(prefix="ss-bench-"))
    csv_path = work / "cards.csv"
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, str(HERE / "gen_card_csv.py"), str(args.rows), "-o", str(csv_path)],
        check=True,
    )
    size_mb = csv_path.stat().st_size / 1e6
    print(f"generated {args.rows:,} rows ({size_mb:.0f} MB) in {time.perf_counter() - t:.1f}s")
    b = _child("bare", "--csv", str(csv_path), "--target", str(work / "bare.db"))
    print(
        f"bare csv -> sqlite executemany: {b['rows_per_s']:>10,.0f} rows/s  "
        f"{b['seconds']:7.1f}s  peak RSS {b['peak_rss_mib']:,.0f} MiB"
    )
    url = f"sqlite:///{work / 'full.db'}"
    if args.postgres:
        url = os.environ["SHADOWSPEND_BENCH_POSTGRES_URL"]
    f = _child("full", "--csv", str(csv_path), "--target", url)
    print(
        f"shadowspend import ({'postgres' if args.postgres else 'sqlite'}): "
        f"{f['rows_per_s']:>10,.0f} rows/s  {f['seconds']:7.1f}s "
        f"(validation {f['validate_seconds']:.1f}s)  peak RSS {f['peak_rss_mib']:,.0f} MiB  "
        f"inserted {f['inserted']:,.0f}"
    )
    print(f"ratio full/bare: {f['seconds'] / b['seconds']:.2f}x (target <= 3x)")


if __name__ == "__main__":
    main()
