"""Per-day sums behind the findings, kept by deltas from triggers.

``finding_days`` holds, per (vendor, department, day), the count, the sum, the sum of charges
and the reimbursed / reseller counts of the transactions findings count (outside IT, with a
vendor, not removed, not a duplicate). Triggers on ``transactions`` append what every insert,
update and delete changes to ``finding_day_deltas`` in the same transaction; the findings
engine folds them in when it refreshes (``app.findings.engine``). A refresh after an import
then reads the deltas of the rows it touched and the day rows of the findings it recomputes,
not the touched vendors' whole transaction history.

SQLite fires row triggers for updates and deletes (an UPDATE that changes none of the columns
read adds nothing). It has no insert trigger: any trigger costs SQLite inserts ~35 us a row,
more than doubling a bulk import. New rows are those above the ``findings`` row of
``transaction_watermarks`` (migration 0005), which the fold reads by id range; the update and
delete triggers only record rows at or below it (rows above it are read as they are when the
fold comes), and a delete of the newest rows lowers it to the highest id left.
Postgres fires one statement-level trigger per statement with its transition tables (also for
COPY), grouped per (vendor, department, day), dropping groups that net to nothing. The delta
table has no uniqueness, so concurrent writers never wait on each other.

Existing data: ``finding_days`` is filled from ``transactions`` in one pass.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The columns a day row depends on: an UPDATE that changes none of them adds no delta.
WATCHED = (
    "outside_it",
    "removed_at",
    "duplicate_of_id",
    "vendor_id",
    "department_id",
    "transaction_date",
    "reporting_amount_minor",
    "channel",
    "reseller_slug",
)
SUMS = ("n", "amount_minor", "positive_minor", "reimbursed", "resold")
COLUMNS = "vendor_id, department_key, day, " + ", ".join(SUMS)


def _live(row: str) -> str:
    prefix = f"{row}." if row else ""
    return (
        f"{prefix}outside_it AND {prefix}removed_at IS NULL "
        f"AND {prefix}duplicate_of_id IS NULL AND {prefix}vendor_id IS NOT NULL"
    )


def lower_watermark(name: str) -> str:
    """After a delete, a watermark above the highest id left comes down to it (SQLite may
    hand the ids above out again, to new rows)."""
    top = "(SELECT coalesce(max(id), 0) FROM transactions)"
    return (
        f"UPDATE transaction_watermarks SET last_id = {top} "
        f"WHERE name = '{name}' AND last_id > {top};"
    )


FOLDED = "(SELECT last_id FROM transaction_watermarks WHERE name = 'findings')"


def _sqlite_delta(row: str, sign: int) -> str:
    amount = f"coalesce({row}.reporting_amount_minor, 0)"
    return (
        f"INSERT INTO finding_day_deltas ({COLUMNS}) SELECT {row}.vendor_id, "
        f"coalesce({row}.department_id, 0), {row}.transaction_date, {sign}, {sign} * {amount}, "
        f"{sign} * max({amount}, 0), "
        f"{sign} * ({row}.channel = 'reimbursement'), {sign} * ({row}.reseller_slug IS NOT NULL) "
        f"WHERE {_live(row)} AND {row}.id <= {FOLDED};"
    )


def _pg_rows(table: str, sign: int) -> str:
    amount = "coalesce(reporting_amount_minor, 0)"
    return (
        f"SELECT vendor_id, coalesce(department_id, 0) AS department_key, "  # noqa: S608 - constants only
        f"transaction_date AS day, {sign} AS n, {sign} * {amount} AS amount_minor, "
        f"{sign} * greatest({amount}, 0) AS positive_minor, "
        f"CASE WHEN channel = 'reimbursement' THEN {sign} ELSE 0 END AS reimbursed, "
        f"CASE WHEN reseller_slug IS NOT NULL THEN {sign} ELSE 0 END AS resold "
        f"FROM {table} WHERE {_live('')}"
    )


def _pg_delta(tables: tuple[tuple[str, int], ...]) -> str:
    rows = " UNION ALL ".join(_pg_rows(t, sign) for t, sign in tables)
    sums = ", ".join(f"sum({s})" for s in SUMS)
    nonzero = " OR ".join(f"sum({s}) <> 0" for s in SUMS)
    return (
        f"INSERT INTO finding_day_deltas ({COLUMNS}) SELECT vendor_id, department_key, day, "  # noqa: S608 - constants only
        f"{sums} FROM ({rows}) AS d GROUP BY vendor_id, department_key, day HAVING {nonzero};"
    )


def _backfill() -> str:
    amount = "coalesce(reporting_amount_minor, 0)"
    return (
        f"INSERT INTO finding_days ({COLUMNS}) SELECT vendor_id, coalesce(department_id, 0), "  # noqa: S608 - constants only
        f"transaction_date, count(*), sum({amount}), "
        f"sum(CASE WHEN {amount} > 0 THEN {amount} ELSE 0 END), "
        "sum(CASE WHEN channel = 'reimbursement' THEN 1 ELSE 0 END), "
        "sum(CASE WHEN reseller_slug IS NOT NULL THEN 1 ELSE 0 END) "
        f"FROM transactions WHERE {_live('')} "
        "GROUP BY vendor_id, coalesce(department_id, 0), transaction_date"
    )


def _sums() -> list[sa.Column[object]]:
    return [
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("positive_minor", sa.BigInteger(), nullable=False),
        sa.Column("reimbursed", sa.Integer(), nullable=False),
        sa.Column("resold", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "finding_days",
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("department_key", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *_sums(),
        sa.PrimaryKeyConstraint("vendor_id", "department_key", "day", name=op.f("pk_finding_days")),
        # Clustered on the key on SQLite: a finding's days are one contiguous range.
        sqlite_with_rowid=False,
    )
    op.create_table(
        "finding_day_deltas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("department_key", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *_sums(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_day_deltas")),
    )
    if op.get_bind().dialect.name == "postgresql":
        for op_name, tables in (
            ("insert", (("new_rows", 1),)),
            ("update", (("old_rows", -1), ("new_rows", 1))),
            ("delete", (("old_rows", -1),)),
        ):
            op.execute(
                f"CREATE FUNCTION finding_days_{op_name}() RETURNS trigger LANGUAGE plpgsql AS "
                f"$$ BEGIN {_pg_delta(tables)} RETURN NULL; END $$"
            )
            referencing = " ".join(
                f"{'OLD' if t == 'old_rows' else 'NEW'} TABLE AS {t}" for t, _ in tables
            )
            op.execute(
                f"CREATE TRIGGER trg_transactions_findings_{op_name} AFTER {op_name.upper()} "
                f"ON transactions REFERENCING {referencing} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION finding_days_{op_name}()"
            )
    else:
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in WATCHED)
        op.execute(
            "CREATE TRIGGER trg_transactions_findings_update AFTER UPDATE OF "
            f"{', '.join(WATCHED)} ON transactions WHEN {changed} "
            f"BEGIN {_sqlite_delta('OLD', -1)} {_sqlite_delta('NEW', 1)} END"
        )
        op.execute(
            "CREATE TRIGGER trg_transactions_findings_delete AFTER DELETE ON transactions "
            f"BEGIN {_sqlite_delta('OLD', -1)} {lower_watermark('findings')} END"
        )
    op.execute(_backfill())
    op.execute(
        "INSERT INTO transaction_watermarks (name, last_id) "
        "SELECT 'findings', coalesce(max(id), 0) FROM transactions"
    )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for op_name in ("insert", "update", "delete"):
        op.execute(
            f"DROP TRIGGER IF EXISTS trg_transactions_findings_{op_name}"
            + (" ON transactions" if postgres else "")
        )
        if postgres:
            op.execute(f"DROP FUNCTION IF EXISTS finding_days_{op_name}()")
    op.execute("DELETE FROM transaction_watermarks WHERE name = 'findings'")
    op.drop_table("finding_day_deltas")
    op.drop_table("finding_days")
