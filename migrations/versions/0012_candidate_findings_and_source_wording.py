"""Findings for candidate vendors, and each source's learned bank wording.

Software that recognition found but the catalog does not know (a candidate vendor: the rows
``matched_by`` ``product`` or ``discovered``, named in ``matched_text``) raises findings of its
own, one per (candidate name, department) while live: ``findings.vendor_id`` becomes nullable
and ``findings.candidate_name`` holds the name. Confirming the candidate moves its findings
onto the new vendor's. ``ix_transactions_candidates`` serves the candidate rows by name (the
candidate list, and the refresh of a candidate's findings) without reading the table.

``connections.boilerplate`` keeps the words a source repeats on most of its descriptors
(``classifiers.boilerplate.learn``), learned from its rows at each import or sync and passed
whenever that source's rows are classified.

Revision ID: 0012
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = "status IN ('open', 'snoozed', 'rejected')"
CANDIDATE_ROWS = "vendor_id IS NULL AND matched_by IN ('product', 'discovered')"


def _vendor_nullable(nullable: bool, *, drop_candidate: bool = False) -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        # SQLite rebuilds the table: dropping the old one would orphan finding_evidence's rows
        # (a foreign-key violation a rename does not undo, and the pragma that turns the
        # checks off is ignored inside the migration's transaction). They step aside meanwhile.
        op.execute("CREATE TEMP TABLE evidence_0012 AS SELECT * FROM finding_evidence")
        op.execute("DELETE FROM finding_evidence")
    op.drop_index("uq_findings_live_vendor_department", table_name="findings")
    with op.batch_alter_table("findings") as batch_op:
        batch_op.alter_column("vendor_id", existing_type=sa.Integer(), nullable=nullable)
        if drop_candidate:
            batch_op.drop_column("candidate_name")
    if sqlite:
        op.execute(
            "INSERT INTO finding_evidence (finding_id, transaction_id, reporting_amount_minor) "
            "SELECT finding_id, transaction_id, reporting_amount_minor FROM evidence_0012"
        )
        op.execute("DROP TABLE evidence_0012")
    op.create_index(
        "uq_findings_live_vendor_department",
        "findings",
        ["vendor_id", "department_id"],
        unique=True,
        sqlite_where=sa.text(LIVE),
        postgresql_where=sa.text(LIVE),
    )


def upgrade() -> None:
    op.add_column("connections", sa.Column("boilerplate", sa.JSON(), nullable=True))
    op.add_column("findings", sa.Column("candidate_name", sa.String(length=300), nullable=True))
    _vendor_nullable(True)
    op.create_index(
        "uq_findings_live_candidate_department",
        "findings",
        ["candidate_name", "department_id"],
        unique=True,
        sqlite_where=sa.text(f"{LIVE} AND candidate_name IS NOT NULL"),
        postgresql_where=sa.text(f"{LIVE} AND candidate_name IS NOT NULL"),
    )
    op.create_index(
        "ix_transactions_candidates",
        "transactions",
        ["matched_text", "department_id", "transaction_date"],
        sqlite_where=sa.text(CANDIDATE_ROWS),
        postgresql_where=sa.text(CANDIDATE_ROWS),
    )


def downgrade() -> None:
    op.drop_index("ix_transactions_candidates", table_name="transactions")
    op.drop_index("uq_findings_live_candidate_department", table_name="findings")
    # Candidate findings have no vendor to keep them under the old schema.
    op.execute(
        "DELETE FROM finding_evidence WHERE finding_id IN "
        "(SELECT id FROM findings WHERE vendor_id IS NULL)"
    )
    op.execute("DELETE FROM findings WHERE vendor_id IS NULL")
    _vendor_nullable(False, drop_candidate=True)
    op.drop_column("connections", "boilerplate")
