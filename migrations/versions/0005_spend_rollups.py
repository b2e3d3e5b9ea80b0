"""Spend rollups, kept current by triggers.

``spend_daily`` (day x department x software/outside-IT x currency) and ``spend_monthly``
(month x department x vendor x category x ...) are what the spend feed and the dashboard read
instead of scanning every transaction. Triggers on ``transactions`` record each (month,
department) whose rows were inserted, changed or deleted in ``spend_dirty`` inside the same
transaction, so no write path (imports, syncs, re-classification, decisions, rate fixes,
cascading deletes, a manual UPDATE) can leave a rollup stale unnoticed; the application
recomputes the marked pairs before it reads (``app.feeds.rollup``).

Postgres fires one statement-level trigger per statement with its transition tables (one
mark per distinct pair, also for COPY), with no uniqueness so concurrent writers never wait
on each other.

SQLite only has row triggers, and any trigger on a table (even one whose WHEN is false)
costs its inserts about 35 us a row here, more than doubling the cost of a bulk import. So on
SQLite new rows are found without one: SQLite has a single writer and hands out rowids in
order, so every row above the ``spend`` row of ``transaction_watermarks`` is new since the
last refresh. Updates and deletes are marked by row triggers; a delete that removed the newest
rows lowers the watermark to the highest id left, because SQLite may hand those ids out again.

Existing data: every pair that has transactions is marked (SQLite: the watermark starts at
0), so the first read builds them.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The columns a rollup reads: an UPDATE that sets none of them leaves the rollups valid.
WATCHED = (
    "transaction_date",
    "department_id",
    "reporting_amount_minor",
    "reporting_currency",
    "is_software",
    "outside_it",
    "vendor_id",
    "category",
    "duplicate_of_id",
    "removed_at",
    "updated_at",
)


def _sqlite_mark(row: str) -> str:
    return (
        "INSERT INTO spend_dirty (month, department_key) "
        f"SELECT date({row}.transaction_date, 'start of month'), coalesce({row}.department_id, 0) "
        "WHERE NOT EXISTS (SELECT 1 FROM spend_dirty "
        f"WHERE month = date({row}.transaction_date, 'start of month') "
        f"AND department_key = coalesce({row}.department_id, 0));"
    )


def lower_watermark(name: str) -> str:
    """SQLite: after a delete, a watermark above the highest id left comes down to it (the
    ids above may be handed out again, to new rows)."""
    top = "(SELECT coalesce(max(id), 0) FROM transactions)"
    return (
        f"UPDATE transaction_watermarks SET last_id = {top} "
        f"WHERE name = '{name}' AND last_id > {top};"
    )


def _pg_mark(table: str) -> str:
    return (
        "INSERT INTO spend_dirty (month, department_key) "
        "SELECT DISTINCT date_trunc('month', transaction_date)::date, coalesce(department_id, 0) "
        f"FROM {table};"
    )


def upgrade() -> None:
    op.create_table(
        "spend_dirty",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("department_key", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spend_dirty")),
    )
    op.create_index("ix_spend_dirty_month_department", "spend_dirty", ["month", "department_key"])

    def common() -> list[sa.Column[object]]:
        return [
            sa.Column("department_id", sa.Integer(), nullable=True),
            sa.Column("is_software", sa.Boolean(), nullable=False),
            sa.Column("outside_it", sa.Boolean(), nullable=False),
            sa.Column("reporting_currency", sa.String(length=3), nullable=True),
            sa.Column("amount_minor", sa.BigInteger(), nullable=False),
            sa.Column("transaction_count", sa.Integer(), nullable=False),
            sa.Column("converted_count", sa.Integer(), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        ]

    op.create_table(
        "spend_daily",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *common(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spend_daily")),
    )
    op.create_index("ix_spend_daily_day_department", "spend_daily", ["day", "department_id"])
    op.create_table(
        "spend_monthly",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=40), nullable=True),
        *common(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spend_monthly")),
    )
    op.create_index(
        "ix_spend_monthly_month_department", "spend_monthly", ["month", "department_id"]
    )

    op.create_table(
        "transaction_watermarks",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("last_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_transaction_watermarks")),
    )
    op.execute("INSERT INTO transaction_watermarks (name, last_id) VALUES ('spend', 0)")

    if op.get_bind().dialect.name == "postgresql":
        for op_name, tables in (
            ("insert", ("new_rows",)),
            ("update", ("old_rows", "new_rows")),
            ("delete", ("old_rows",)),
        ):
            body = " ".join(_pg_mark(t) for t in tables)
            op.execute(
                f"CREATE FUNCTION spend_mark_{op_name}() RETURNS trigger LANGUAGE plpgsql AS "
                f"$$ BEGIN {body} RETURN NULL; END $$"
            )
            referencing = " ".join(
                f"{'OLD' if t == 'old_rows' else 'NEW'} TABLE AS {t}" for t in tables
            )
            op.execute(
                f"CREATE TRIGGER trg_transactions_spend_{op_name} AFTER {op_name.upper()} "
                f"ON transactions REFERENCING {referencing} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION spend_mark_{op_name}()"
            )
        op.execute(_pg_mark("transactions"))
    else:
        op.execute(
            "CREATE TRIGGER trg_transactions_spend_update AFTER UPDATE OF "
            f"{', '.join(WATCHED)} ON transactions "
            f"BEGIN {_sqlite_mark('OLD')} {_sqlite_mark('NEW')} END"
        )
        op.execute(
            "CREATE TRIGGER trg_transactions_spend_delete AFTER DELETE ON transactions "
            f"BEGIN {_sqlite_mark('OLD')} {lower_watermark('spend')} END"
        )


def downgrade() -> None:
    for op_name in ("insert", "update", "delete"):
        op.execute(
            f"DROP TRIGGER IF EXISTS trg_transactions_spend_{op_name}"
            + (" ON transactions" if op.get_bind().dialect.name == "postgresql" else "")
        )
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP FUNCTION IF EXISTS spend_mark_{op_name}()")
    op.drop_table("transaction_watermarks")
    op.drop_index("ix_spend_monthly_month_department", table_name="spend_monthly")
    op.drop_table("spend_monthly")
    op.drop_index("ix_spend_daily_day_department", table_name="spend_daily")
    op.drop_table("spend_daily")
    op.drop_index("ix_spend_dirty_month_department", table_name="spend_dirty")
    op.drop_table("spend_dirty")
