"""Foreign identities from REFI-QDA imports (issue: move work to and from other QDA tools).

Placeholder revision reserved so parallel work chains in one order; it changes nothing until
filled in.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
