"""Findings keep their history; severity reasons are data; contracts have a notice period.

- ``finding_evidence``: the transactions behind a finding when it closed (approved or
  dismissed), with their reporting amount then. Before, a finding whose spend became sanctioned
  or was re-classified fell to zero, or was deleted when nobody had touched it, so nobody could
  see afterwards what was approved.
- ``findings.closed_reason`` (approved, approved_company_wide, sanctioned, wrong_match) and
  ``findings.decision_event_id`` (the audit event of the decision that closed it). Findings
  closed before this revision get ``approved`` or ``wrong_match`` and their own newest decision
  event; their evidence was not kept and cannot be rebuilt.
- One *live* (open, snoozed, rejected) finding per (vendor, department) instead of one finding:
  a closed finding stays as it was decided, and spend that appears later opens a new one.
- ``findings.severity_rank`` (0 low .. 3 critical) so that ``sort=severity`` orders by the label,
  then by ``annual_run_rate_minor`` (now never null: a finding without one had its total).
- ``findings.severity_reasons`` become objects ``{code, points, scope, text}``. Lines stored
  before are kept as ``{"code": "legacy", "points": 0, "scope": "finding", "text": line}``;
  ``shadowspend migrate`` then re-reads every live finding under the current model.
- ``sanctioned_apps.notice_days``: the contract's notice period, for the renewals list.

Revision ID: 0010
Revises: 0011
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = "status IN ('open', 'snoozed', 'rejected')"
RANKS = {"low": 0, "medium": 1, "high": 2, "critical": 3}

_findings = sa.table(
    "findings",
    sa.column("id", sa.Integer),
    sa.column("severity_reasons", sa.JSON),
)


def _rewrite_reasons(convert: Any) -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(_findings.c.id, _findings.c.severity_reasons)).all()
    for finding_id, reasons in rows:
        conn.execute(
            _findings.update()
            .where(_findings.c.id == finding_id)
            .values(severity_reasons=[convert(r) for r in reasons or []])
        )


def _legacy(reason: Any) -> Any:
    if isinstance(reason, dict):
        return reason
    return {"code": "legacy", "points": 0, "scope": "finding", "text": str(reason)}


def _words(reason: Any) -> Any:
    return reason.get("text", "") if isinstance(reason, dict) else reason


def upgrade() -> None:
    with op.batch_alter_table("findings") as batch_op:
        batch_op.add_column(
            sa.Column("severity_rank", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("closed_reason", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("decision_event_id", sa.Integer(), nullable=True))
    rank = sa.case(
        *((sa.column("severity") == label, value) for label, value in RANKS.items()), else_=0
    )
    op.execute(sa.table("findings", sa.column("severity_rank")).update().values(severity_rank=rank))
    op.execute(
        "UPDATE findings SET annual_run_rate_minor = coalesce(total_reporting_minor, 0) "
        "WHERE annual_run_rate_minor IS NULL"
    )
    op.execute(
        "UPDATE findings SET closed_reason = CASE status WHEN 'approved' THEN 'approved' "
        "ELSE 'wrong_match' END WHERE status IN ('approved', 'dismissed')"
    )
    audit = sa.table(
        "audit_events",
        sa.column("id", sa.Integer),
        sa.column("action", sa.String),
        sa.column("entity_type", sa.String),
        sa.column("entity_id", sa.String),
    )
    findings = sa.table(
        "findings",
        sa.column("id", sa.Integer),
        sa.column("status", sa.String),
        sa.column("decision_event_id", sa.Integer),
    )
    newest = (
        sa.select(sa.func.max(audit.c.id))
        .where(
            audit.c.entity_type == "finding",
            audit.c.entity_id == sa.cast(findings.c.id, sa.String),
            audit.c.action.in_(
                ["finding.approved", "finding.dismissed", "finding.dismissd"]  # see DECISION_ACTIONS
            ),
        )
        .scalar_subquery()
    )
    op.execute(
        findings.update()
        .where(findings.c.status.in_(["approved", "dismissed"]))
        .values(decision_event_id=newest)
    )
    _rewrite_reasons(_legacy)
    with op.batch_alter_table("findings") as batch_op:
        batch_op.alter_column("severity_rank", server_default=None)
        batch_op.alter_column(
            "annual_run_rate_minor", existing_type=sa.BigInteger(), nullable=False
        )
        batch_op.drop_constraint("uq_findings_vendor_id_department_id", type_="unique")
    op.create_index(
        "uq_findings_live_vendor_department",
        "findings",
        ["vendor_id", "department_id"],
        unique=True,
        sqlite_where=sa.text(LIVE),
        postgresql_where=sa.text(LIVE),
    )
    op.create_index(
        "ix_findings_severity_order",
        "findings",
        ["severity_rank", "annual_run_rate_minor", "id"],
    )
    op.create_table(
        "finding_evidence",
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("transaction_id", sa.Integer(), nullable=False),
        sa.Column("reporting_amount_minor", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["finding_id"], ["findings.id"], name=op.f("fk_finding_evidence_finding_id_findings")
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["transactions.id"],
            name=op.f("fk_finding_evidence_transaction_id_transactions"),
        ),
        sa.PrimaryKeyConstraint("finding_id", "transaction_id", name=op.f("pk_finding_evidence")),
    )
    with op.batch_alter_table("sanctioned_apps") as batch_op:
        batch_op.add_column(sa.Column("notice_days", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sanctioned_apps") as batch_op:
        batch_op.drop_column("notice_days")
    op.drop_table("finding_evidence")
    op.drop_index("ix_findings_severity_order", table_name="findings")
    op.drop_index("uq_findings_live_vendor_department", table_name="findings")
    # One finding per (vendor, department) again: the newest of each key stays.
    op.execute(
        "DELETE FROM findings WHERE EXISTS (SELECT 1 FROM findings AS newer "
        "WHERE newer.vendor_id = findings.vendor_id "
        "AND newer.department_id IS NOT DISTINCT FROM findings.department_id "
        "AND newer.id > findings.id)"
        if op.get_bind().dialect.name == "postgresql"
        else "DELETE FROM findings WHERE EXISTS (SELECT 1 FROM findings AS newer "
        "WHERE newer.vendor_id = findings.vendor_id "
        "AND newer.department_id IS findings.department_id AND newer.id > findings.id)"
    )
    _rewrite_reasons(_words)
    with op.batch_alter_table("findings") as batch_op:
        batch_op.create_unique_constraint(
            "uq_findings_vendor_id_department_id", ["vendor_id", "department_id"]
        )
        batch_op.alter_column(
            "annual_run_rate_minor", existing_type=sa.BigInteger(), nullable=True
        )
        batch_op.drop_column("decision_event_id")
        batch_op.drop_column("closed_reason")
        batch_op.drop_column("severity_rank")
