"""Specimens of officials' handwritten signatures and parafs

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 18:20:00

One PNG (transparent background, at most a few hundred KB) per official and kind, drawn beside
the text of their signature, witness and paraf marks.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import signing.db

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "specimens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("SIGNATURE", "PARAF", name="specimenkind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("png", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", signing.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_specimens_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_specimens")),
        sa.UniqueConstraint("user_id", "kind", name=op.f("uq_specimens_user_id_kind")),
    )
    with op.batch_alter_table("specimens") as batch:
        batch.create_index(batch.f("ix_specimens_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("specimens") as batch:
        batch.drop_index(batch.f("ix_specimens_user_id"))
    op.drop_table("specimens")
