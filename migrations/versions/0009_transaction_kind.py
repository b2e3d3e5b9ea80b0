"""Say what each transaction is: a purchase (spend, refunds included) or a card payment, a
transfer between own accounts, interest or a balance line, which are kept out of spend.

Before, an Amex "PAYMENT RECEIVED" was stored as negative spend. Every existing row is a
purchase, as it was counted until now.

Revision ID: 0009
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (SQLite takes one with a constant default): a batch rebuild of the
    # table would drop the rollup triggers on it (0005, 0006).
    op.add_column(
        "transactions",
        sa.Column("kind", sa.String(length=20), nullable=False, server_default="purchase"),
    )


def downgrade() -> None:
    # SQLite 3.35+ drops a column in place, keeping the table's triggers.
    op.drop_column("transactions", "kind")
