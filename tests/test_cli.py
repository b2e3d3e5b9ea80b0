"""The command-line contracts of DESIGN.md, run as a user runs them (a real process)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import shared_path

REPO = Path(__file__).resolve().parents[1]


def run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "SHADOWSPEND_SECRET_KEY"}
    environ["SHADOWSPEND_DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.db'}"
    environ["SHADOWSPEND_SECRET_KEY_FILE"] = str(tmp_path / "secret.key")
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environ,
        timeout=120,
        check=False,
    )


def test_unreachable_database_is_a_clear_error(tmp_path: Path) -> None:
    result = run(
        ["migrate"],
        tmp_path,
        SHADOWSPEND_DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:9/nowhere",
        SHADOWSPEND_SECRET_KEY="x" * 44,
    )
    assert result.returncode != 0
    assert "cannot reach the database" in result.stderr
    assert "Traceback" not in result.stderr


def test_placeholder_secret_key_refused_on_postgres(tmp_path: Path) -> None:
    result = run(
        ["serve"],
        tmp_path,
        SHADOWSPEND_DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:9/nowhere",
        SHADOWSPEND_SECRET_KEY="change-me",
    )
    assert result.returncode != 0
    assert "placeholder" in result.stderr


def test_migrate_key_import_classify(tmp_path: Path) -> None:
    assert run(["migrate"], tmp_path).returncode == 0
    key = run(["create-api-key", "--role", "admin", "--name", "ops"], tmp_path)
    assert key.returncode == 0, key.stderr
    last = key.stdout.strip().splitlines()[-1]
    assert last.startswith("ssk_")
    bad_role = run(["create-api-key", "--role", "root", "--name", "x"], tmp_path)
    assert bad_role.returncode != 0
    assert "unknown role" in bad_role.stderr
    # A marketing key names its department, or says it is for all of them.
    unscoped = run(["create-api-key", "--role", "marketing", "--name", "m"], tmp_path)
    assert unscoped.returncode != 0
    assert "--department" in unscoped.stderr
    assert "--all-departments" in unscoped.stderr
    everyone = ["create-api-key", "--role", "marketing", "--name", "m", "--all-departments"]
    wide = run(everyone, tmp_path)
    assert wide.returncode == 0, wide.stderr
    assert wide.stdout.strip().splitlines()[-1].startswith("ssk_")
    both = run([*everyone, "--department", "Marketing"], tmp_path)
    assert both.returncode != 0

    statement = tmp_path / "amex.csv"
    statement.write_text(
        "Date,Description,Amount\n01/05/2026,ZOOM.US 888-799-9666 CA,149.90\n"
        "01/07/2026,SQ *BLUE BOTTLE COFFEE,6.50\n"
    )
    first = run(["import", str(statement), "--preset", "amex", "--json"], tmp_path)
    assert first.returncode == 0, first.stderr
    body = json.loads(first.stdout.strip().splitlines()[-1])
    assert (body["rows"], body["inserted"], body["duplicates"], body["rejected"]) == (2, 2, 0, 0)
    again = json.loads(
        run(["import", str(statement), "--preset", "amex", "--json"], tmp_path).stdout.splitlines()[
            -1
        ]
    )
    assert (again["inserted"], again["duplicates"]) == (0, 2)

    broken = tmp_path / "broken.csv"
    broken.write_text("Date,Description,Amount\n01/05/2026,ZOOM.US,lots\n")
    rejected = run(["import", str(broken), "--preset", "amex", "--json"], tmp_path)
    assert rejected.returncode != 0
    out = json.loads(rejected.stdout.strip().splitlines()[-1])
    assert out["rejected"] >= 1
    assert out["errors"][0]["row"] == 1

    # Without --json: each problem once, with its row and field; no "row None", no echo of
    # the file beyond the field at fault.
    headerless = tmp_path / "headerless.csv"
    headerless.write_text("01/05/2026,4111111111111111,ZOOM.US,149.90\n")
    plain = run(["import", str(headerless)], tmp_path)
    assert plain.returncode == 1
    assert "row None" not in plain.stderr
    assert "4111111111111111" not in plain.stderr
    assert plain.stderr.count("no header row") == 1  # and how to name columns by position
    assert "date=1" in plain.stderr
    by_position = run(
        ["import", str(headerless), "--mapping", "date=1,descriptor=3,amount=4", "--json"],
        tmp_path,
    )
    assert by_position.returncode == 0, by_position.stderr
    assert json.loads(by_position.stdout.strip().splitlines()[-1])["inserted"] == 1
    assert "--mapping" in plain.stderr
    twice = run(["import", str(broken), "--preset", "amex"], tmp_path)
    assert twice.stderr.count("not an amount") == 1, twice.stderr
    assert "row 1, field 'Amount'" in twice.stderr
    assert "file rejected" not in twice.stderr


def test_classify_output_neutralises_formula_cells(tmp_path: Path) -> None:
    # Issue #14: input cells were copied to the output as they came, formulas included.
    src = tmp_path / "in.csv"
    with src.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["descriptor", "amount", "memo", "=cmd"])
        writer.writerow(['=HYPERLINK("http://x","ZOOM")', "-149.90", "+1+2", "@SUM(A1)"])
        writer.writerow(["ZOOM.US 888-799-9666 CA", "12.00", "\tx", "\rx"])
        writer.writerow(["-2+3", "+7", "-", "ok"])
    out = tmp_path / "out.csv"
    result = run(["classify", str(src), "-o", str(out)], tmp_path)
    assert result.returncode == 0, result.stderr
    with out.open(newline="") as fh:
        header, *rows = list(csv.reader(fh))
    assert header[:4] == ["descriptor", "amount", "memo", "'=cmd"]
    assert rows[0][:4] == ['\'=HYPERLINK("http://x","ZOOM")', "-149.90", "'+1+2", "'@SUM(A1)"]
    assert rows[1][2:4] == ["'\tx", "'\rx"]
    assert rows[2][:3] == ["'-2+3", "+7", "'-"]  # plain numbers stay numbers
    assert not list(tmp_path.glob("*.partial"))


def test_classify_csv_contract(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        "descriptor,mcc,amount,note\nPADDLE.NET* N8N CLOUD,5734,24.00,keep me\n"
        "SQ *THE CANVAS,5813,12.00,\n,,,\n"
    )
    out = tmp_path / "out.csv"
    result = run(["classify", str(src), "-o", str(out)], tmp_path)
    assert result.returncode == 0, result.stderr
    with out.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 3
    assert list(rows[0])[:4] == ["descriptor", "mcc", "amount", "note"]
    assert {"vendor", "vendor_id", "category", "is_software", "confidence", "matched_by"} <= set(
        rows[0]
    )
    assert rows[0]["is_software"] == "true"
    assert rows[0]["note"] == "keep me"
    assert rows[1]["is_software"] == "false"
    assert rows[2]["vendor"] == ""


def test_classify_without_descriptor_column(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("merchant,amount\nZOOM,1\n")
    result = run(["classify", str(src), "-o", str(tmp_path / "o.csv")], tmp_path)
    assert result.returncode != 0
    assert "descriptor" in result.stderr


@pytest.mark.shared
def test_import_shared_camt(tmp_path: Path) -> None:
    path = shared_path("bank-files", "camt053", "camt053.v2.minimal.xml")
    assert run(["migrate"], tmp_path).returncode == 0
    result = run(["import", str(path), "--json"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1])["format"] == "camt053"


def test_help_for_every_command() -> None:
    from typer.testing import CliRunner

    from app.cli import cli

    runner = CliRunner()
    commands = (
        "serve",
        "migrate",
        "demo",
        "create-api-key",
        "classify",
        "import",
        "scheduler",
        "sync",
    )
    for command in commands:
        result = runner.invoke(cli, [command, "--help"])
        assert result.exit_code == 0, command
        assert "Usage" in result.output


def test_a_first_ctrl_c_asks_the_import_to_stop_and_a_second_stops_it_at_once() -> None:
    import os
    import signal
    import threading

    import pytest

    from app.cli_support import graceful_stop as _graceful_stop

    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signal handlers belong to the main thread")
    before = signal.getsignal(signal.SIGINT)
    with _graceful_stop("the import") as stop_requested:
        assert not stop_requested()
        os.kill(os.getpid(), signal.SIGTERM)  # as a container stop sends
        assert stop_requested()
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is before
