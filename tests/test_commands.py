"""The typed functions behind `shadowspend` commands, called directly (tests/test_cli*.py run
the commands themselves). Each test migrates its own SQLite file: these functions own their
units of work, as the commands do."""

from __future__ import annotations

import csv
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app import db
from app.commands import connections, database, keys, schema, statements
from app.commands import jobs as job_commands
from app.demo import loader
from app.errors import Conflict, NotFound, Unprocessable
from app.imports import service as import_service
from app.imports.service import ImportRejected
from app.models import ConnectionCreate, Transaction


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    made = db.make_engine(f"sqlite:///{tmp_path / 'commands.db'}")
    yield made
    made.dispose()


@pytest.fixture
def migrated(engine: Engine) -> Engine:
    schema.migrate(engine)
    return engine


def test_migrate_says_what_it_did_and_a_second_run_changes_nothing(engine: Engine) -> None:
    first = schema.migrate(engine)
    assert first.before is None
    assert first.at_head
    assert first.vendors_added > 0
    again = schema.migrate(engine)
    assert again.before == again.after == first.after
    assert (again.vendors_added, again.vendors_kept_as_edited) == (0, 0)


def test_an_embedded_database_is_brought_to_the_latest_schema(engine: Engine) -> None:
    database.require_schema(engine)
    assert schema.migrate(engine).before == schema.migrate(engine).after


def test_an_unreachable_database_is_refused_with_where_and_why(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "dir" / "x.db"
    engine = db.make_engine(f"sqlite:///{missing}")
    assert database.new_sqlite_file(engine) == missing.resolve()
    with pytest.raises(database.DatabaseUnreachable, match="cannot reach the database"):
        database.reachable(engine)


@pytest.mark.parametrize(
    ("role", "department", "everyone", "said"),
    [
        ("root", None, False, "unknown role 'root'"),
        ("marketing", "Sales", True, "not both"),
        ("marketing", None, False, "--all-departments"),
    ],
)
def test_a_key_request_that_is_not_clear_is_refused(
    role: str, department: str | None, everyone: bool, said: str
) -> None:
    with pytest.raises(Unprocessable, match=said):
        keys.check_key_request(role, department, everyone)


def test_a_kept_key_is_reused_while_it_works_and_saved_for_its_owner_alone(
    migrated: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "keys" / "admin.key"
    made = keys.create_api_key(migrated, role="admin", name="ops", keep_in=path)
    assert not made.reused
    assert made.key_id is not None
    assert path.read_text().strip() == made.clear
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = keys.create_api_key(migrated, role="admin", name="ops", keep_in=path)
    assert (again.reused, again.clear) == (True, made.clear)
    other = keys.create_api_key(migrated, role="viewer", name="ops", keep_in=path)
    assert not other.reused
    assert other.clear != made.clear


def test_a_key_for_a_department_that_does_not_exist_is_refused(migrated: Engine) -> None:
    with pytest.raises(NotFound, match="no department named 'Nowhere'"):
        keys.create_api_key(migrated, role="it", name="x", department="Nowhere")


def test_a_bad_format_or_mapping_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    with pytest.raises(Unprocessable, match="unknown format 'xls'"):
        statements.file_format("xls")
    mapping = tmp_path / "mapping.json"
    mapping.write_text("{not json")
    with pytest.raises(Unprocessable, match="not valid JSON"):
        statements.read_mapping(str(mapping))
    with pytest.raises(Unprocessable, match="no such file, and not field=column pairs"):
        statements.read_mapping(str(tmp_path / "missing.json"))
    assert statements.read_mapping(None) is None
    assert statements.read_mapping("date=1,descriptor=3,amount=2") == {
        "date": 1,
        "descriptor": 3,
        "amount": 2,
    }


def _statement(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "card.csv"
    path.write_text("Date,Description,Amount\n" + "\n".join(rows) + "\n")
    return path


def test_an_import_counts_what_it_stored_and_a_second_adds_nothing(
    migrated: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Progress is reported after each commit; committing after every batch makes it certain.
    monkeypatch.setattr(import_service, "COMMIT_SECONDS", 0.0)
    file = _statement(tmp_path, ["02/03/2026,NOTION LABS INC,16.00", "02/04/2026,CORNER DELI,9.25"])
    request = statements.ImportRequest(file=file, preset="amex")
    seen: list[tuple[int, int]] = []
    first = statements.import_file(
        migrated, request, progress=lambda done, total: seen.append((done, total))
    )
    assert (first["rows"], first["inserted"], first["duplicates"]) == (2, 2, 0)
    assert seen[-1] == (2, 2)
    again = statements.import_file(migrated, request)
    assert (again["inserted"], again["duplicates"]) == (0, 2)


def test_a_rejected_file_stores_nothing_and_says_which_row(
    migrated: Engine, tmp_path: Path
) -> None:
    file = _statement(tmp_path, ["02/03/2026,NOTION LABS INC,16.00", "02/04/2026,CORNER DELI,??"])
    with pytest.raises(ImportRejected) as rejected:
        statements.import_file(migrated, statements.ImportRequest(file=file, preset="amex"))
    assert rejected.value.extra["errors"][0]["row"] == 2
    with Session(migrated) as session:
        assert session.exec(select(Transaction.id)).first() is None


def test_classify_writes_the_contract_columns_with_formulas_neutralised(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("descriptor,note\nNOTION LABS INC,=1+2\n")
    target = tmp_path / "out.csv"
    counted: list[int] = []
    assert statements.classify_csv(source, target, progress=counted.append) == 1
    with target.open(newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["note"] != "=1+2"
    assert row["note"].endswith("=1+2")
    assert {"vendor", "vendor_id", "category", "is_software", "confidence", "matched_by"} <= set(
        row
    )
    assert not (tmp_path / "out.csv.partial").exists()
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("payee\nNOTION LABS INC\n")
    with pytest.raises(Unprocessable):
        statements.classify_csv(wrong, tmp_path / "never.csv")


def test_connection_settings_are_key_value_pairs_and_secrets_come_from_env() -> None:
    assert connections.pairs(["a=1", "b = x=y"], "--config") == {"a": "1", "b": " x=y"}
    with pytest.raises(Unprocessable, match="--secret must be KEY=VALUE, got 'token'"):
        connections.pairs(["token"], "--secret")
    env = {
        "SHADOWSPEND_SECRET_API_TOKEN": "t0k",
        "SHADOWSPEND_SECRET_KEY": "the service's own",
        "SHADOWSPEND_SECRET_KEY_FILE": "/somewhere",
        "HOME": "/root",
    }
    assert connections.secrets_from_env(env) == {"api_token": "t0k"}


def test_a_connection_is_added_listed_and_removed(migrated: Engine) -> None:
    row_id = connections.add_connection(
        migrated, ConnectionCreate(name="paper statements", connector="file")
    )
    (line,) = [c for c in connections.list_connections(migrated) if c.name == "paper statements"]
    assert (line.id, line.connector, line.schedule, line.last_sync) == (
        row_id,
        "file",
        "manual",
        "-",
    )
    assert job_commands.connection_id(migrated, "paper statements") == row_id
    assert job_commands.connection_id(migrated, str(row_id)) == row_id
    connections.remove_connection(migrated, "paper statements")
    with pytest.raises(NotFound, match="no connection named 'paper statements'"):
        connections.remove_connection(migrated, "paper statements")
    with pytest.raises(NotFound):
        job_commands.sync_now(migrated, "paper statements")


def test_loading_the_demo_twice_is_refused_and_reclassify_reads_it_all(migrated: Engine) -> None:
    loader.load_demo(migrated, scale=0.02)
    with pytest.raises(Conflict, match="already"):
        loader.load_demo(migrated, scale=0.02)
    assert loader.load_demo(migrated, scale=0.02, if_empty=True) is not None
    result = job_commands.reclassify(migrated)
    assert result.scanned > 0
