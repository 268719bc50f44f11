"""editor: pages, their revisions and who has them open; per-election time zone and polls' closing (WEB-1)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 01:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "editor_pages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("site_id", sa.Integer(), sa.ForeignKey("sites.id"), nullable=False),
        sa.Column("path", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("head_id", sa.Integer(), nullable=True),
        sa.Column("published_id", sa.Integer(), nullable=True),
        sa.Column("disk_digest", sa.String(64), nullable=True),
        sa.Column("scheduled_at", sa.DateTime(), nullable=True),
        sa.Column("scheduled_id", sa.Integer(), nullable=True),
        sa.Column("scheduled_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.UniqueConstraint("site_id", "path"),
    )
    op.create_index("ix_editor_pages_site_id", "editor_pages", ["site_id"])
    op.create_index("ix_editor_pages_scheduled_at", "editor_pages", ["scheduled_at"])
    op.create_table(
        "page_revisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("page_id", sa.Integer(), sa.ForeignKey("editor_pages.id"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("base_id", sa.Integer(), nullable=True),
    )
    op.create_index("ix_page_revisions_page_created", "page_revisions", ["page_id", "id"])
    with op.batch_alter_table("editor_pages") as batch:
        for column in ("head_id", "published_id", "scheduled_id"):
            batch.create_foreign_key(f"fk_editor_pages_{column}_page_revisions", "page_revisions",
                                     [column], ["id"])
    op.create_table(
        "editor_presence",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("page_id", sa.Integer(), sa.ForeignKey("editor_pages.id"), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("page_id", "user_id"),
    )
    # Plain ADD/DROP COLUMN: rebuilding elections on SQLite would trip the foreign keys of
    # the ledger tables that name it.
    op.add_column("elections", sa.Column("timezone", sa.String(64), nullable=True))
    op.add_column("elections", sa.Column("polls_close", sa.String(5), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE elections DROP COLUMN polls_close")
    op.execute("ALTER TABLE elections DROP COLUMN timezone")
    with op.batch_alter_table("editor_pages") as batch:
        for column in ("head_id", "published_id", "scheduled_id"):
            batch.drop_constraint(f"fk_editor_pages_{column}_page_revisions", type_="foreignkey")
    op.drop_table("editor_presence")
    op.drop_table("page_revisions")
    op.drop_table("editor_pages")
