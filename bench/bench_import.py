"""Import benchmark: N realistic card rows through the whole pipeline (parse, classify,
store, findings) next to a bare csv -> SQLite executemany of the same file, in one run, and
next to the least any idempotent import can do (see ``minimal``).

    python bench/bench_import.py                 # 1,000,000 rows, SQLite
    python bench/bench_import.py --rows 200000
    SHADOWSPEND_BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        python bench/bench_import.py --rows 200000 --postgres   # in a throwaway database
    python bench/bench_import.py --formats       # a 50 MB file of every format: peak RSS each
    python bench/bench_import.py --formats --megabytes 10 --only mt940,qif

Prints rows/s, CPU seconds and peak RSS of each phase (each runs in its own process so RSS is
its own), where the import's time goes (validation, parsing, lookups of stored rows, the
insert, commits, the rest: classification and building rows), and, on SQLite, what inserting
the import's own final rows costs with sqlite3 alone: into the schema as migrated, without
its triggers, and without triggers or secondary indexes. The machine's load average is
printed with the figures: on a shared machine, compare CPU seconds.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class _Clock:
    """Accumulates the wall time spent inside wrapped callables, by name."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.spent[name] = self.spent.get(name, 0.0) + time.perf_counter() - t

        return timed

    def iterate(self, name: str, rows: Iterator[Any]) -> Iterator[Any]:
        spent = 0.0
        clock = time.perf_counter
        while True:
            t = clock()
            try:
                row = next(rows)
            except StopIteration:
                break
            finally:
                spent += clock() - t
            yield row
        self.spent[name] = self.spent.get(name, 0.0) + spent


def bare(csv_path: str, db_path: str) -> dict[str, float]:
    """The floor: csv module -> one executemany into a plain table, no parsing of values."""
    started, cpu = time.perf_counter(), _cpu()
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
        "cpu_seconds": _cpu() - cpu,
        "rows_per_s": rows / seconds,
        "peak_rss_mib": _peak_rss_mib(),
    }


def minimal(csv_path: str, db_path: str) -> dict[str, float]:
    """The least any idempotent import does per row, timed like ``bare``: parse the date and
    the amount, derive a stable external id (identical lines numbered, as separate charges),
    and store the row once behind UNIQUE
    (connection_id, external_id). No classification, people, FX, validation pass or secondary
    index: what is left when every product feature is taken away."""
    from datetime import date
    from decimal import Decimal
    from hashlib import sha1

    started, cpu = time.perf_counter(), _cpu()
    conn = sqlite3.connect(db_path)
    conn.execute(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, connection_id INTEGER, external_id TEXT, "
        "transaction_date TEXT, posted_date TEXT, amount_minor INTEGER, currency TEXT, "
        "descriptor TEXT, mcc TEXT, cardholder TEXT, department TEXT, card_last4 TEXT, "
        "UNIQUE (connection_id, external_id))"
    )
    day = date.fromisoformat

    def rows() -> Iterator[tuple[Any, ...]]:
        with open(csv_path, newline="") as fh:
            reader = csv.reader(fh)
            next(reader)
            seen: dict[str, int] = {}
            for on, posted, text, amount, currency, mcc, holder, _, dept, last4 in reader:
                # Identical lines of one file are separate charges: the nth copy is numbered.
                content = f"{on}\x1f{text}\x1f{amount}\x1f{last4}"
                nth = seen[content] = seen.get(content, 0) + 1
                yield (
                    1,
                    sha1(f"{content}\x1f{nth}".encode()).hexdigest(),  # noqa: S324
                    day(on).isoformat(),
                    day(posted).isoformat() if posted else None,
                    int(Decimal(amount) * 100),
                    currency,
                    text,
                    mcc,
                    holder,
                    dept,
                    last4,
                )

    conn.executemany(
        "INSERT OR IGNORE INTO t (connection_id, external_id, transaction_date, posted_date, "
        "amount_minor, currency, descriptor, mcc, cardholder, department, card_last4) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows(),
    )
    conn.commit()
    stored = conn.execute("SELECT count(*) FROM t").fetchone()[0]
    conn.close()
    seconds = time.perf_counter() - started
    return {"rows": stored, "seconds": seconds, "cpu_seconds": _cpu() - cpu}


def full(csv_path: str, url: str) -> dict[str, float]:
    """shadowspend's own import: validate the whole file, then parse, classify and store.

    The pipeline runs unchanged; only timers are wrapped around the row iterator, the
    repository's lookups and insert, and the session's commits.
    """
    os.environ["SHADOWSPEND_DATABASE_URL"] = url
    os.environ.setdefault(
        "SHADOWSPEND_SECRET_KEY_FILE", str(Path(tempfile.gettempdir()) / "bench.key")
    )
    from sqlmodel import Session

    from app import migrate
    from app.auth.principal import SYSTEM
    from app.db import get_engine
    from app.findings import engine as findings_engine
    from app.imports import service as import_service
    from app.ingest import repository
    from classifiers import Classifier

    engine = get_engine()
    migrate.upgrade(engine)
    from app.classification.service import sync_builtin_catalog

    with Session(engine) as s:
        sync_builtin_catalog(s)
        s.commit()
    clock = _Clock()
    # The service calls both through the module, so wrapping the attributes times them.
    repository.insert_transactions = clock.wrap("insert", repository.insert_transactions)
    repository.existing_transactions = clock.wrap("lookup", repository.existing_transactions)
    findings_engine.refresh = clock.wrap("findings", findings_engine.refresh)
    Classifier.classify_many = clock.wrap("classify", Classifier.classify_many)  # type: ignore[method-assign]
    started, cpu = time.perf_counter(), _cpu()
    with Session(engine, expire_on_commit=False) as session, open(csv_path, "rb") as fh:
        session.commit = clock.wrap("commit", session.commit)  # type: ignore[method-assign]
        opts = import_service.ImportOptions(filename=Path(csv_path).name, connection="bench")
        connection, parsed = import_service.parse(session, fh, opts)
        validated = time.perf_counter()
        iterate = parsed._iterate
        parsed._iterate = lambda: clock.iterate("parse", iterate())
        summary = import_service.store(
            session, connection, parsed, SYSTEM, checkpoint=session.commit
        )
        session.commit()
    seconds = time.perf_counter() - started
    rows = summary["rows"]
    spent = clock.spent
    return {
        "rows": rows,
        "inserted": summary["inserted"],
        "seconds": seconds,
        "cpu_seconds": _cpu() - cpu,
        "validate_seconds": validated - started,
        "parse_seconds": spent.get("parse", 0.0),
        "lookup_seconds": spent.get("lookup", 0.0),
        "insert_seconds": spent.get("insert", 0.0),
        "commit_seconds": spent.get("commit", 0.0),
        "findings_seconds": spent.get("findings", 0.0),
        "classify_seconds": spent.get("classify", 0.0),
        "rows_per_s": rows / seconds,
        "peak_rss_mib": _peak_rss_mib(),
    }


def schema_floor(source_db: str, target_db: str, variant: str) -> dict[str, float]:
    """sqlite3 alone inserting the import's final rows (read back from ``source_db``) into a
    fresh ``transactions`` table, 2,000 rows a statement and a commit about every second, as
    the import does.

    ``variant``: ``migrated`` (indexes and triggers as the migrations leave them),
    ``no-triggers``, ``table+unique`` (no triggers, no secondary indexes) or ``table`` (not
    even the UNIQUE (connection_id, external_id) index). The other tables are the import's
    own, so foreign keys are checked as in the real run.
    """
    from app.imports.service import COMMIT_SECONDS

    src = sqlite3.connect(source_db)
    src.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(source_db, target_db)
    db = sqlite3.connect(target_db, isolation_level=None)
    ddl = db.execute(
        "SELECT type, sql FROM sqlite_master WHERE tbl_name = 'transactions' AND sql IS NOT NULL"
    ).fetchall()
    db.execute("PRAGMA foreign_keys=OFF")
    db.execute("DROP TABLE transactions")
    for kind, sql in sorted(ddl, key=lambda d: d[0] != "table"):
        if kind == "trigger" and variant != "migrated":
            continue
        if kind == "index" and variant in ("table+unique", "table"):
            continue
        if kind == "table" and variant == "table":
            sql = re.sub(r",\s*CONSTRAINT \w+ UNIQUE \(connection_id, external_id\)", "", sql)
        db.execute(sql)
    for pragma in ("foreign_keys=ON", "journal_mode=WAL", "synchronous=NORMAL"):
        db.execute(f"PRAGMA {pragma}")
    columns = [r[1] for r in src.execute("PRAGMA table_info(transactions)") if r[1] != "id"]
    names = ", ".join(columns)
    insert = f"INSERT INTO transactions ({names}) VALUES ({', '.join('?' for _ in columns)})"  # noqa: S608
    cursor = src.execute(f"SELECT {names} FROM transactions ORDER BY id")  # noqa: S608
    seconds = cpu = 0.0
    rows = 0
    open_since: float | None = None
    while batch := cursor.fetchmany(2000):
        t, c = time.perf_counter(), _cpu()
        if open_since is None:
            db.execute("BEGIN IMMEDIATE")
            open_since = t
        db.executemany(insert, batch)
        # The import's own policy: commit about once a second.
        if time.perf_counter() - open_since >= COMMIT_SECONDS:
            db.execute("COMMIT")
            open_since = None
        seconds += time.perf_counter() - t
        cpu += _cpu() - c
        rows += len(batch)
    if open_since is not None:
        t, c = time.perf_counter(), _cpu()
        db.execute("COMMIT")
        seconds += time.perf_counter() - t
        cpu += _cpu() - c
    db.close()
    src.close()
    for suffix in ("", "-wal", "-shm"):
        Path(target_db + suffix).unlink(missing_ok=True)
    return {"rows": rows, "seconds": seconds, "cpu_seconds": cpu, "rows_per_s": rows / seconds}


def _child(phase: str, *args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--phase", phase, *args],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if out.returncode != 0:  # the phase's own traceback, not only "exit status 1"
        sys.exit(f"phase {phase} failed:\n{out.stderr}")
    figures: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--phase", choices=["bare", "minimal", "full", "floor"])
    parser.add_argument("--csv")
    parser.add_argument("--target")
    parser.add_argument("--variant")
    parser.add_argument("--formats", action="store_true", help="one file of every format")
    parser.add_argument("--megabytes", type=float, default=50.0)
    parser.add_argument("--only", help="comma-separated formats, with --formats")
    args = parser.parse_args()
    if args.phase == "bare":
        print(json.dumps(bare(args.csv, args.target)))
        return
    if args.phase == "minimal":
        print(json.dumps(minimal(args.csv, args.target)))
        return
    if args.phase == "full":
        print(json.dumps(full(args.csv, args.target)))
        return
    if args.phase == "floor":
        print(json.dumps(schema_floor(args.csv, args.target, args.variant)))
        return

    work = Path(tempfile.mkdtemp(prefix="ss-bench-"))
    try:
        if args.formats:
            _formats(args.megabytes, args.only.split(",") if args.only else None, work)
            return
        _run(args.rows, args.postgres, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


@contextmanager
def throwaway_postgres(url: str, name: str | None = None) -> Iterator[str]:
    """A fresh database next to ``url`` for one run (so every run inserts every row), dropped
    afterwards, also when the run fails or is interrupted."""
    from sqlalchemy import create_engine, make_url, text

    base = make_url(url)
    name = name or f"shadowspend_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def _run(rows: int, postgres: bool, work: Path) -> None:
    csv_path = work / "cards.csv"
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, str(HERE / "gen_card_csv.py"), str(rows), "-o", str(csv_path)],
        check=True,
    )
    size_mb = csv_path.stat().st_size / 1e6
    print(f"generated {rows:,} rows ({size_mb:.0f} MB) in {time.perf_counter() - t:.1f}s")
    print(f"before: {_load()}")
    b = _child("bare", "--csv", str(csv_path), "--target", str(work / "bare.db"))
    print(
        f"bare csv -> sqlite executemany: {b['rows_per_s']:>10,.0f} rows/s  "
        f"{b['seconds']:7.1f}s  cpu {b['cpu_seconds']:6.1f}s  peak RSS {b['peak_rss_mib']:,.0f} MiB"
    )
    m = _child("minimal", "--csv", str(csv_path), "--target", str(work / "minimal.db"))
    print(
        f"the least an idempotent import does (parse date and amount, hash an id, store once "
        f"behind a unique index): {m['seconds']:.1f}s ({m['seconds'] / b['seconds']:.1f}x bare)"
    )
    full_db = work / "full.db"
    if postgres:
        with throwaway_postgres(os.environ["SHADOWSPEND_BENCH_POSTGRES_URL"]) as url:
            f = _child("full", "--csv", str(csv_path), "--target", url)
    else:
        f = _child("full", "--csv", str(csv_path), "--target", f"sqlite:///{full_db}")
    print(
        f"shadowspend import ({'postgres' if postgres else 'sqlite'}): "
        f"{f['rows_per_s']:>10,.0f} rows/s  {f['seconds']:7.1f}s  cpu {f['cpu_seconds']:6.1f}s  "
        f"peak RSS {f['peak_rss_mib']:,.0f} MiB  inserted {f['inserted']:,.0f}"
    )
    named = ("validate", "parse", "lookup", "classify", "insert", "commit", "findings")
    rest = f["seconds"] - sum(f[f"{name}_seconds"] for name in named)
    print(
        f"  where it went: validation {f['validate_seconds']:.1f}s, "
        f"parsing {f['parse_seconds']:.1f}s, stored-row lookups {f['lookup_seconds']:.1f}s, "
        f"classification {f['classify_seconds']:.1f}s, insert {f['insert_seconds']:.1f}s, "
        f"commits {f['commit_seconds']:.1f}s, findings refresh {f['findings_seconds']:.1f}s, "
        f"the rest (building rows, people, FX, outside-IT) {rest:.1f}s"
    )
    print(f"ratio full/bare: {f['seconds'] / b['seconds']:.2f}x (target <= 3x); {_load()}")
    if postgres:
        return
    print("the same final rows inserted with sqlite3 alone, 2,000 a statement, a commit a second:")
    for variant in ("migrated", "no-triggers", "table+unique", "table"):
        floor = _child(
            "floor", "--csv", str(full_db), "--target", str(work / "floor.db"), "--variant", variant
        )
        print(
            f"  {variant:13s} {floor['rows_per_s']:>10,.0f} rows/s  {floor['seconds']:7.1f}s  "
            f"cpu {floor['cpu_seconds']:6.1f}s  ({floor['seconds'] / b['seconds']:.1f}x bare)"
        )
    print(f"after: {_load()}")


def _formats(megabytes: float, only: list[str] | None, work: Path) -> None:
    """Each format's file of about ``megabytes`` through the whole import (validation,
    parsing, classification, storage) in a process of its own, so its peak RSS is its own."""
    from gen_statements import FORMATS, write

    print(f"every format, about {megabytes:.0f} MB each, SQLite; {_load()}")
    for fmt in only or FORMATS:
        path = work / f"statement.{fmt}"
        with path.open("w", encoding="utf-8", newline="\n") as out:
            rows = write(fmt, out, int(megabytes * 1e6))
        size = path.stat().st_size / 1e6
        db = work / f"{fmt}.db"
        f = _child("full", "--csv", str(path), "--target", f"sqlite:///{db}")
        verdict = "<= 512 MiB" if f["peak_rss_mib"] <= 512 else "OVER 512 MiB"
        print(
            f"  {fmt:8s} {size:5.1f} MB {rows:>9,} rows: inserted {f['inserted']:>9,.0f}  "
            f"{f['seconds']:6.1f}s  validation {f['validate_seconds']:5.1f}s  "
            f"peak RSS {f['peak_rss_mib']:,.0f} MiB ({verdict})"
        )
        path.unlink()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    print(f"after: {_load()}")


if __name__ == "__main__":
    main()
