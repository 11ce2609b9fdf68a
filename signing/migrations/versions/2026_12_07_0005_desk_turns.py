"""Turns of the signing desk kept on the server

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 16:00:00

The desk's turn used to live only in the secretariat's cookie, so replaying an old cookie
revived an old grant. A turn is now a row: opened when the board is shown, closed by the act,
the cancel, the next turn, the desk's closing or its deadline.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import signing.db

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "desk_turns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("desk_id", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=False),
        sa.Column("auth", sa.String(length=32), nullable=False),
        sa.Column("opened_at", signing.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("official_id", sa.Integer(), nullable=True),
        sa.Column("granted_at", signing.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("expires_at", signing.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("extensions", sa.Integer(), nullable=False),
        sa.Column("closed_at", signing.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "ACT",
                "CANCEL",
                "EXPIRED",
                "SUPERSEDED",
                "DESK_CLOSED",
                name="turnoutcome",
                native_enum=False,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("act_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["act_id"], ["acts.id"], name=op.f("fk_desk_turns_act_id_acts")),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_desk_turns_event_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["official_id"], ["users.id"], name=op.f("fk_desk_turns_official_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["users.id"], name=op.f("fk_desk_turns_opened_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_turns")),
        sa.UniqueConstraint("token", name=op.f("uq_desk_turns_token")),
    )
    with op.batch_alter_table("desk_turns") as batch:
        batch.create_index(batch.f("ix_desk_turns_desk_id"), ["desk_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("desk_turns") as batch:
        batch.drop_index(batch.f("ix_desk_turns_desk_id"))
    op.drop_table("desk_turns")
