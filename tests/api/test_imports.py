"""File imports through the API: all or nothing, idempotent, classified as they land."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from app.models import AuditEvent, Department, Transaction
from tests.conftest import BACKENDS, shared_path
from tests.factories import Keys

AMEX = """Date,Description,Amount,Extended Details,Appears On Your Statement As,Card Member,Account #
01/05/2026,ZOOM.US 888-799-9666 CA,149.90,,ZOOM.US 888-799-9666 CA,JANE DOE,-41004
01/07/2026,SQ *BLUE BOTTLE COFFEE,6.50,,SQ *BLUE BOTTLE COFFEE,JANE DOE,-41004
01/09/2026,ADOBE *CREATIVE CLD 800-833-6687 CA,59.99,,ADOBE *CREATIVE CLD,JOHN ROE,-41012
01/12/2026,ZOOM.US 888-799-9666 CA,-149.90,,ZOOM.US 888-799-9666 CA,JANE DOE,-41004
"""


def _post(client: TestClient, keys: Keys, content: bytes, **form: str) -> object:
    return client.post(
        "/api/v1/imports",
        files={"file": ("statement.csv", io.BytesIO(content), "text/csv")},
        data=form,
        headers=keys.headers("it"),
    )


def _count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Transaction)).one()


def test_import_then_reimport_adds_nothing(
    client: TestClient, keys: Keys, session: Session
) -> None:
    r = _post(client, keys, AMEX.encode(), preset="amex", connection="Corporate Amex")
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["rows"], body["inserted"], body["duplicates"], body["rejected"]) == (4, 4, 0, 0)
    again = _post(client, keys, AMEX.encode(), preset="amex", connection="Corporate Amex").json()
    assert (again["inserted"], again["duplicates"]) == (0, 4)
    assert _count(session) == 4

    rows = client.get("/api/v1/transactions?is_software=true", headers=keys.headers("finance"))
    software = rows.json()["items"]
    names = {t["classification"]["vendor_name"] for t in software}
    assert {"Zoom", "Adobe"} <= {n.split(" ")[0] for n in names if n}
    refund = [t for t in software if t["amount_minor"] < 0]
    assert refund
    assert refund[0]["amount"] == "-149.90"
    assert all(t["classification"]["explanation"] for t in software)


def test_bad_row_rejects_the_whole_file(client: TestClient, keys: Keys, session: Session) -> None:
    bad = AMEX.replace("59.99", "fifty")
    r = _post(client, keys, bad.encode(), preset="amex")
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    errors = r.json()["errors"]
    assert errors[0]["row"] == 3
    assert errors[0]["field"]
    assert _count(session) == 0


def test_unknown_preset_and_empty_file(client: TestClient, keys: Keys) -> None:
    assert _post(client, keys, AMEX.encode(), preset="nope").status_code == 422
    assert _post(client, keys, b"   ").status_code == 422


def test_large_file_is_stored_in_the_background(
    client: TestClient, keys: Keys, session: Session
) -> None:
    lines = ["Date,Description,Amount"]
    lines += [
        f"03/{(i % 28) + 1:02d}/2026,NOTION LABS INC #{i},{10 + i % 7}.00" for i in range(20_050)
    ]
    r = _post(client, keys, "\n".join(lines).encode(), preset="amex")
    assert r.status_code == 202, r.text
    job = r.json()["job"]
    polled = client.get(f"/api/v1/jobs/{job['id']}", headers=keys.headers("it")).json()
    assert polled["status"] == "succeeded", polled
    assert polled["result"]["inserted"] == 20_050
    assert _count(session) == 20_050


@pytest.mark.parametrize(
    ("name", "expected"),
    [("checking.ofx", 3), ("bank_small.ofx", 0), ("multiple_accounts.ofx", None)],
)
def test_shared_ofx_files(
    client: TestClient, keys: Keys, session: Session, name: str, expected: int | None
) -> None:
    path = shared_path("bank-files", "ofx", name)
    r = _post(client, keys, path.read_bytes())
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["format"] == "ofx"
    if expected is not None:
        assert body["rows"] == expected
    assert body["inserted"] == body["rows"] == _count(session)


def test_a_large_import_reports_as_progress_only_rows_already_committed(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Progress is what another connection can already see (a job poller, a second writer
    that must not wait on the import's open transaction)."""
    from app import db, migrate
    from app.auth.principal import SYSTEM
    from app.classification.service import sync_builtin_catalog
    from app.imports import service as import_service

    engine = db.make_engine(empty_database_url)
    migrate.upgrade(engine)
    with Session(engine) as s:
        sync_builtin_catalog(s)
        s.commit()
    monkeypatch.setattr(import_service, "COMMIT_SECONDS", 0.0)
    lines = ["Date,Description,Amount"]
    lines += [f"03/{(i % 28) + 1:02d}/2026,FIGMA INC #{i},{5 + i % 3}.00" for i in range(5_500)]
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        with engine.connect() as other:
            stored = other.execute(select(func.count()).select_from(Transaction)).scalar_one()
        seen.append((done, stored))

    try:
        with Session(engine, expire_on_commit=False) as s:
            opts = import_service.ImportOptions(filename="big.csv", preset="amex")
            connection, parsed = import_service.parse(s, "\n".join(lines).encode(), opts)
            summary = import_service.store(
                s, connection, parsed, SYSTEM, progress=progress, checkpoint=s.commit
            )
            s.commit()
    finally:
        engine.dispose()
    assert summary["inserted"] == 5_500
    assert [done for done, _ in seen] == [2_000, 4_000, 5_500]
    assert all(done == stored for done, stored in seen), seen


@pytest.mark.parametrize("empty_database_url", BACKENDS, indirect=True)
@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ("03/05/2026,FIGMA\x00 INC,5.00", "descriptor"),
        ("03/05/0001,FIGMA INC,5.00", "transaction_date"),
        ("12/31/9999,FIGMA INC,5.00", "transaction_date"),
    ],
    ids=["nul", "year-1", "year-9999"],
)
def test_a_large_import_that_commits_as_it_goes_refuses_an_unstorable_row_whole(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch, bad: str, field: str
) -> None:
    """Issue #14: such a row stopped a committing import part-way, the rows before it stored.
    The validation pass finds it: the file is refused with its row and field, nothing written,
    on SQLite and Postgres alike."""
    from app import db, migrate
    from app.auth.principal import SYSTEM
    from app.imports import service as import_service

    engine = db.make_engine(empty_database_url)
    migrate.upgrade(engine)
    # The background import's own path, committing after every batch.
    monkeypatch.setattr(import_service, "COMMIT_SECONDS", 0.0)
    lines = ["Date,Description,Amount"]
    lines += [f"03/{(i % 28) + 1:02d}/2026,FIGMA INC #{i},{5 + i % 3}.00" for i in range(5_500)]
    lines[5_000] = bad  # the 5,000th transaction, after two batches would have committed
    try:
        with Session(engine, expire_on_commit=False) as s:
            opts = import_service.ImportOptions(filename="big.csv", preset="amex")
            with pytest.raises(import_service.ImportRejected) as rejected:
                import_service.run_import(
                    s,
                    io.BytesIO("\n".join(lines).encode()),
                    opts,
                    SYSTEM,
                    checkpoint=s.commit,
                )
        with Session(engine) as s:
            assert _count(s) == 0
    finally:
        engine.dispose()
    assert [(e["row"], e["field"]) for e in rejected.value.errors] == [(5_000, field)]
    assert str(rejected.value).startswith("the file was rejected and nothing was imported")


MT940 = """:20:STMT-0301
:25:DE89370400440532013000
:60F:C250228EUR1000,00
:61:2503010301D49,00NDDTNONREF//BR-1
:86:105?00SEPA-BASIS-LASTSCHRIFT?20SVWZ+Figma Professional?32FIGMA INC
:61:2503020302C12,50NTRFNONREF
:86:REFUND NOTION LABS
:62F:C250302EUR963,50
-
"""

QIF = """!Type:CCard
D01/21/2025
T-49.00
PFIGMA
^
D01/22/2025
T15.00
PFIGMA REFUND
^
"""


@pytest.mark.parametrize(
    ("content", "name", "fmt"), [(MT940, "export.txt", "mt940"), (QIF, "cards.txt", "qif")]
)
def test_mt940_and_qif_upload_by_content_and_reimport_adds_nothing(
    client: TestClient, keys: Keys, session: Session, content: str, name: str, fmt: str
) -> None:
    def post() -> dict[str, object]:
        r = client.post(
            "/api/v1/imports",
            files={"file": (name, io.BytesIO(content.encode()), "text/plain")},
            headers=keys.headers("it"),
        )
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]

    first = post()
    assert (first["format"], first["rows"], first["inserted"]) == (fmt, 2, 2)
    again = post()
    assert (again["inserted"], again["duplicates"]) == (0, 2)
    assert _count(session) == 2


RAMP = """Transaction Date,Merchant Name,Amount,Currency,User,User Email,Department,Transaction ID
2026-01-05,NOTION LABS,20.00,USD,Ann Lee,ann@example.com,Growth Lab,r1
2026-01-06,ZOOM.US,15.00,USD,Bo Kim,bo@example.com,Marketing,r2
"""


def _department_audits(session: Session) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == "department.created")))


def test_an_it_import_reports_unknown_departments_and_creates_none(
    client: TestClient, keys: Keys, session: Session
) -> None:
    r = _post(client, keys, RAMP.encode(), preset="ramp")  # an IT key
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["unknown_departments"] == ["Growth Lab"]
    assert body["departments_created"] == []
    assert session.exec(select(Department).where(Department.name == "Growth Lab")).first() is None
    assert _department_audits(session) == []
    by_ext = {t.external_id: t for t in session.exec(select(Transaction))}
    assert by_ext["r1"].department_id is None
    assert by_ext["r2"].department_id == keys.marketing_department_id  # known: linked


def test_an_admin_import_creates_departments_and_audits_each(
    client: TestClient, keys: Keys, session: Session
) -> None:
    r = client.post(
        "/api/v1/imports",
        files={"file": ("ramp.csv", io.BytesIO(RAMP.encode()), "text/csv")},
        data={"preset": "ramp"},
        headers=keys.headers("admin"),
    )
    assert r.status_code == 200, r.text
    assert r.json()["departments_created"] == ["Growth Lab"]
    (event,) = _department_audits(session)
    assert event.actor_role == "admin"
    assert event.after is not None
    assert event.after["name"] == "Growth Lab"
    assert "connection" in event.after["source"]


@pytest.mark.parametrize(("role", "status"), [("it", 422), ("admin", 200)])
def test_a_cardholder_upload_creates_departments_only_for_an_admin(
    client: TestClient, keys: Keys, session: Session, role: str, status: int
) -> None:
    r = client.post(
        "/api/v1/cardholders/upload",
        files={"file": ("c.csv", b"email,department\nann@example.com,Growth Lab\n", "text/csv")},
        headers=keys.headers(role),
    )
    assert r.status_code == status, r.text
    if status == 422:
        assert r.json()["errors"][0]["field"] == "department"
        assert _department_audits(session) == []
    else:
        assert r.json()["departments_created"] == ["Growth Lab"]
        assert len(_department_audits(session)) == 1


AMEX_WITH_PAYMENT = """Date,Description,Card Member,Account #,Amount
01/05/2026,ZOOM.US 888-799-9666 CA,JANE DOE,-41004,149.90
01/09/2026,PAYMENT RECEIVED - THANK YOU,JANE DOE,-41004,-1500.00
01/12/2026,ZOOM.US 888-799-9666 CA,JANE DOE,-41004,-149.90
01/14/2026,ADOBE *CREATIVE CLD 800-833-6687 CA,JOHN ROE,-41012,59.99
"""


def test_a_card_payment_is_kept_visible_but_out_of_spend(
    client: TestClient, keys: Keys, session: Session
) -> None:
    r = _post(client, keys, AMEX_WITH_PAYMENT.encode(), preset="amex")
    assert r.status_code == 200, r.text
    assert r.json()["inserted"] == 4
    finance = keys.headers("finance")
    spend = client.get("/api/v1/transactions", headers=finance).json()["items"]
    assert sorted(t["amount_minor"] for t in spend) == [-14990, 5999, 14990]
    assert {t["kind"] for t in spend} == {"purchase"}
    payments = client.get("/api/v1/transactions?kind=payment", headers=finance).json()["items"]
    assert [(t["amount_minor"], t["kind"]) for t in payments] == [(-150000, "payment")]
    assert len(client.get("/api/v1/transactions?kind=all", headers=finance).json()["items"]) == 4
    feed = client.get(
        "/api/v1/feeds/spend",
        params={"group_by": "department", "from": "2026-01-01", "to": "2026-01-31"},
        headers=finance,
    ).json()
    assert feed["totals"]["transaction_count"] == 3
    assert feed["totals"]["total_minor"] == sum(t["reporting_amount_minor"] for t in spend)
    # Card members became cardholders (one per name), so IT can give them a department.
    holders = {t["cardholder_id"] for t in spend}
    assert None not in holders
    assert len(holders) == 2


def test_a_rejection_says_each_problem_once_and_never_echoes_card_numbers(
    client: TestClient, keys: Keys
) -> None:
    r = _post(client, keys, b"01/05/2026,4111111111111111,ZOOM.US,149.90\n")
    assert r.status_code == 422
    body = r.json()
    assert "4111111111111111" not in r.text
    assert body["detail"].count("no header row") == 1
    assert "file rejected" not in body["detail"]
    assert '"date"' in body["detail"]  # how to write a mapping, in the error itself
    bad = _post(client, keys, AMEX.replace("59.99", "fifty").encode(), preset="amex").json()
    assert bad["detail"].count("not an amount") == 1


def test_a_large_upload_is_answered_at_once_and_its_job_reports_the_outcome(
    client: TestClient, keys: Keys, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past BACKGROUND_BYTES the request validates nothing itself: 202 with the job, which
    ends succeeded with the counts, or failed with the rejection's errors in its result."""
    from app.imports import router

    monkeypatch.setattr(router, "BACKGROUND_BYTES", 100)
    r = _post(client, keys, AMEX.encode(), preset="amex")
    assert r.status_code == 202, r.text
    assert r.json()["rows"] is None
    job = client.get(f"/api/v1/jobs/{r.json()['job']['id']}", headers=keys.headers("it")).json()
    assert (job["status"], job["result"]["inserted"]) == ("succeeded", 4)

    bad = _post(client, keys, AMEX.replace("59.99", "fifty").encode(), preset="amex")
    assert bad.status_code == 202
    job = client.get(f"/api/v1/jobs/{bad.json()['job']['id']}", headers=keys.headers("it")).json()
    assert job["status"] == "failed"
    assert job["error"].startswith("the file was rejected and nothing was imported")
    assert [(e["row"], e["field"]) for e in job["result"]["errors"]] == [(3, "Amount")]
    assert _count(session) == 4


def test_uploads_leave_no_temporary_file(
    client: TestClient, keys: Keys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert _post(client, keys, AMEX.encode(), preset="amex").status_code == 200
    assert _post(client, keys, b"garbage\n").status_code == 422
    assert list(tmp_path.iterdir()) == []


def test_a_balance_that_does_not_add_up_is_said_in_the_answer(
    client: TestClient, keys: Keys
) -> None:
    text = MT940.replace(":62F:C250302EUR963,50", ":62F:C250302EUR900,00")
    r = client.post(
        "/api/v1/imports",
        files={"file": ("export.sta", io.BytesIO(text.encode()), "text/plain")},
        headers=keys.headers("it"),
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["inserted"] == 2
    (warning,) = body["warnings"]
    assert "963.50 EUR" in warning
    assert "900.00 EUR" in warning


AMEX_HEAD = AMEX.splitlines()[0] + "\n"


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("01/05/2026,ZOOM.US,149.90,,ZOOM\x00.US,JANE DOE,-41004\n", "descriptor"),
        ("01/05/2026,ZOOM\x00.US,149.90,,ZOOM.US,JANE DOE,-41004\n", "merchant_name"),
        ("01/05/0001,ZOOM.US,149.90,,ZOOM.US,JANE DOE,-41004\n", "transaction_date"),
        ("12/31/9999,ZOOM.US,149.90,,ZOOM.US,JANE DOE,-41004\n", "transaction_date"),
    ],
    ids=["nul-descriptor", "nul-merchant", "year-1", "year-9999"],
)
def test_a_row_no_database_stores_is_refused_with_its_row_and_field(
    client: TestClient, keys: Keys, session: Session, row: str, field: str
) -> None:
    # Issue #14: SQLite stored these, Postgres answered 500 or a generic 422 naming no row.
    good = AMEX.splitlines()[1] + "\n"
    r = _post(client, keys, (AMEX_HEAD + good + row).encode(), preset="amex")
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    (error,) = r.json()["errors"]
    assert (error["row"], error["field"]) == (2, field)
    assert _count(session) == 0


def test_a_ten_megabyte_descriptor_is_stored_cut(
    client: TestClient, keys: Keys, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.imports import router
    from app.ingest import limits

    monkeypatch.setattr(router, "BACKGROUND_BYTES", 64 * 1024 * 1024)  # stored in the request

    huge = "ZOOM.US " + "X" * (10 * 1024 * 1024)
    row = f"01/05/2026,{huge},149.90,,{huge},JANE DOE,-41004\n"
    r = _post(client, keys, (AMEX_HEAD + row).encode(), preset="amex")
    assert r.status_code == 200, r.text
    stored = session.exec(select(Transaction)).one()
    assert len(stored.descriptor) == limits.MAX_DESCRIPTOR_CHARS
    assert stored.descriptor.startswith("ZOOM.US XXX")
    assert stored.raw["_truncated"] is True
    listed = client.get("/api/v1/transactions", headers=keys.headers("admin"))
    assert len(listed.content) < 50_000


@pytest.mark.parametrize("empty_database_url", BACKENDS, indirect=True)
def test_a_background_import_holds_no_transaction_while_it_validates_or_loads_the_classifier(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On SQLite every transaction takes the write lock when it begins (app.db): one open while
    # the whole file was validated, or while the classifier's catalog loaded, made every other
    # writer wait that long.
    from app import migrate
    from app.auth.principal import SYSTEM
    from app.classification.service import sync_builtin_catalog
    from app.db import make_engine
    from app.imports import service as import_service
    from app.ingest import repository
    from app.ingest import service as ingest_service

    engine = make_engine(empty_database_url)
    migrate.upgrade(engine)
    with Session(engine) as setup:
        sync_builtin_catalog(setup)
        setup.commit()
    lines = ["Date,Description,Amount"]
    lines += [f"03/{(i % 28) + 1:02d}/2026,FIGMA INC #{i},{5 + i % 3}.00" for i in range(50)]
    events: list[str] = []
    validate, ingestor_init = import_service.validate, ingest_service.Ingestor.__init__
    insert = repository.insert_transactions

    with Session(engine, expire_on_commit=False) as s:

        def spying_validate(*args: object, **kwargs: object) -> object:
            events.append(f"validate in transaction={s.in_transaction()}")
            return validate(*args, **kwargs)  # type: ignore[arg-type]

        def spying_init(self: object, *args: object, **kwargs: object) -> None:
            ingestor_init(self, *args, **kwargs)  # type: ignore[arg-type]
            events.append("ingestor")

        def spying_insert(*args: object, **kwargs: object) -> None:
            events.append("insert")
            insert(*args, **kwargs)  # type: ignore[arg-type]

        def checkpoint() -> None:
            s.commit()
            events.append("commit")

        monkeypatch.setattr(import_service, "validate", spying_validate)
        monkeypatch.setattr(ingest_service.Ingestor, "__init__", spying_init)
        monkeypatch.setattr(repository, "insert_transactions", spying_insert)
        try:
            opts = import_service.ImportOptions(filename="small.csv", preset="amex")
            summary = import_service.run_import(
                s, io.BytesIO("\n".join(lines).encode()), opts, SYSTEM, checkpoint=checkpoint
            )
            s.commit()
        finally:
            engine.dispose()
    assert summary["inserted"] == 50
    assert "validate in transaction=False" in events, events
    # The transaction the ingestor's reads opened ends before the first row is written.
    at = events.index("ingestor")
    assert events[at : at + 3] == ["ingestor", "commit", "insert"], events
