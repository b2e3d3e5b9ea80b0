"""Heartbeats for background jobs and file-import runs.

A job runs in a thread of the process that accepted it, and an import's run is committed as
"running" at its first commit; if that process is killed (a deploy, the OOM killer) neither
could ever finish, and a client polling the job waited forever. The runner now stamps
``heartbeat_at`` while the work is alive; rows whose heartbeat went quiet are closed as failed
("interrupted").

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("jobs", "sync_runs")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(
                sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True)
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("heartbeat_at")
