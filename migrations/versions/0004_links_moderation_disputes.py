"""Index DAO project links by project, for `GET /daos?project_id=` (issue 11).

Revision ID: 0004_links_moderation_disputes
Revises: 0003_events_type_created_at
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004_links_moderation_disputes"
down_revision: str | None = "0003_events_type_created_at"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_dao_projects_project_id", "dao_projects", ["project_id"])


def downgrade() -> None:
    op.drop_index("ix_dao_projects_project_id", table_name="dao_projects")
