"""Team server confinement: clause edits, link policies (issue: team server).

Placeholder revision reserved so parallel work chains in one order; it changes nothing until
filled in.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
