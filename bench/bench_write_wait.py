"""How long another writer waits while background imports run on SQLite.

    python bench/bench_write_wait.py                       # 1 and 2 imports of 100,000 rows
    python bench/bench_write_wait.py --rows 200000 --imports 1,2

Each import runs as a background import does (``run_import`` in a thread of its own, with its
own session, committing through ``checkpoint``) into a fresh SQLite file; meanwhile a third
connection makes a small write every 50 ms (an audit event, in its own ``BEGIN IMMEDIATE``
transaction, as a finding decision would) and times how long each waited for the write lock
and committed. Prints p50, p95 and the longest wait per run, with the machine's load (on a
shared machine the waits grow with it).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(work: Path, rows: int, imports: int) -> None:
    from sqlalchemy import text
    from sqlmodel import Session

    from app import db as app_db
    from app import migrate
    from app.auth.principal import SYSTEM
    from app.classification.service import sync_builtin_catalog
    from app.imports import service as import_service

    url = f"sqlite:///{work / f'wait-{imports}.db'}"
    engine = app_db.make_engine(url)
    app_db.set_engine(engine)
    migrate.upgrade(engine)
    with Session(engine) as s:
        sync_builtin_catalog(s)
        s.commit()
    files = []
    for i in range(imports):
        path = work / f"cards-{i}.csv"
        if not path.exists():
            subprocess.run(
                [sys.executable, str(HERE / "gen_card_csv.py"), str(rows), "-o", str(path)],
                check=True,
                capture_output=True,
            )
        files.append(path)

    errors: list[BaseException] = []

    def one_import(i: int) -> None:
        try:
            with Session(engine, expire_on_commit=False) as session, files[i].open("rb") as fh:
                opts = import_service.ImportOptions(
                    filename=files[i].name, connection=f"bench {imports}-{i}"
                )
                import_service.run_import(session, fh, opts, SYSTEM, checkpoint=session.commit)
                session.commit()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=one_import, args=(i,)) for i in range(imports)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    waits: list[float] = []
    with engine.connect() as conn:
        while any(t.is_alive() for t in threads):
            t0 = time.perf_counter()
            with conn.begin():  # BEGIN IMMEDIATE (app.db): waits for the write lock
                conn.execute(
                    text(
                        "INSERT INTO audit_events (at, actor_name, action, entity_type, entity_id) "
                        "VALUES (CURRENT_TIMESTAMP, 'bench', 'bench.write', 'bench', '1')"
                    )
                )
            waits.append((time.perf_counter() - t0) * 1000)
            time.sleep(0.05)
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    seconds = time.perf_counter() - started
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"{imports} import(s) of {rows:,} rows in {seconds:.1f}s: {len(waits)} other writes "
        f"waited p50 {statistics.median(waits):.0f} ms, p95 {_pct(waits, 0.95):.0f} ms, "
        f"max {max(waits):.0f} ms  (load average {load})"
    )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--imports", default="1,2", help="comma list of concurrent imports")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ss-wait-bench-"))
    os.environ["SHADOWSPEND_DATABASE_URL"] = f"sqlite:///{work / 'unused.db'}"
    os.environ.setdefault("SHADOWSPEND_SECRET_KEY_FILE", str(work / "secret.key"))
    try:
        for n in (int(x) for x in args.imports.split(",")):
            run(work, args.rows, n)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
