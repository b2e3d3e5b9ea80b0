"""Import every statement file in ../shared/bank-files twice, as a user would, and print what
each import said: rows, inserted, skipped, then what the second import added (must be 0), or
the refusal's first errors (row and field). Each file goes into a connection of its own in a
throwaway SQLite database.

    .venv/bin/python scripts/audit_bank_files.py [FOLDER]

The counts are checked against each format's reference parser by
``tests/connectors_files/test_shared_files.py``; this prints what the CLI answers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = ROOT / ".." / "shared" / "bank-files"
SKIP_SUFFIXES = {".md", ".json", ".txt"}
SKIP_NAMES = {"LICENSE", "ORIGIN"}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "app.cli", *args]
    # Our own CLI, run with this interpreter on the files named by the audit.
    return subprocess.run(  # noqa: S603
        command, capture_output=True, text=True, env=env, cwd=ROOT, check=False
    )


def _import(path: Path, env: dict[str, str]) -> dict[str, object]:
    out = _run(["import", str(path), "--connection", path.name, "--json"], env)
    lines = out.stdout.strip().splitlines()
    if not lines:
        return {"error": out.stderr.strip().splitlines()[-1:]}
    answer: dict[str, object] = json.loads(lines[-1])
    return answer


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else FILES
    paths = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix not in SKIP_SUFFIXES
        and p.name not in SKIP_NAMES
        and not p.name.startswith("LICENSE")
    )
    with tempfile.TemporaryDirectory() as work:
        env = {**os.environ, "SHADOWSPEND_DATABASE_URL": f"sqlite:///{work}/audit.db"}
        migrated = _run(["migrate"], env)
        if migrated.returncode != 0:
            sys.exit(migrated.stderr)
        imported = refused = 0
        for path in paths:
            name = str(path.relative_to(folder))
            first = _import(path, env)
            if "errors" in first or "error" in first:
                refused += 1
                errors = first.get("errors") or first.get("error")
                shown = [
                    (e.get("row"), e.get("field"), str(e.get("message"))[:70])
                    if isinstance(e, dict)
                    else str(e)[:90]
                    for e in (errors if isinstance(errors, list) else [errors])[:2]
                ]
                print(f"{name:58s} REFUSED {shown}")
                continue
            imported += 1
            second = _import(path, env)
            print(
                f"{name:58s} {first['format']:8s} rows {first['rows']:>4} inserted "
                f"{first['inserted']:>4} skipped {first.get('skipped', 0)} warnings "
                f"{len(first.get('warnings') or [])!s:>2}; again: inserted {second['inserted']} "
                f"duplicates {second['duplicates']}"
            )
        print(f"{len(paths)} files: {imported} imported, {refused} refused")


if __name__ == "__main__":
    main()
