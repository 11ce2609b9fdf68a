"""Turns of the signing desk kept on the server

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 16:00:00

The desk's turn used to live only in the secretariat's cookie, so replaying an old cookie
revived an old grant. A turn is now a row: opened when the board is shown, closed by the act,
the cancel, the next turn, the desk's closing or its deadline.
"""

from __future__ import annotations

from signing.migrations.helpers import enum, integer, moment, string, table, table_steps

revision = "0005"
down_revision = "0004"

DESK_TURNS = table(
    "desk_turns",
    string("token", 32),
    string("desk_id", 32),
    integer("event_id"),
    integer("opened_by_id"),
    string("auth", 32),
    moment("opened_at"),
    integer("official_id", nullable=True),
    moment("granted_at", nullable=True),
    moment("expires_at", nullable=True),
    integer("extensions"),
    moment("closed_at", nullable=True),
    enum("outcome", "turnoutcome", "ACT CANCEL EXPIRED SUPERSEDED DESK_CLOSED", 20, nullable=True),
    integer("act_id", nullable=True),
    references={
        "act_id": "acts.id",
        "event_id": "events.id",
        "official_id": "users.id",
        "opened_by_id": "users.id",
    },
    unique=["token"],
    indexes=["desk_id"],
)


upgrade, downgrade = table_steps(DESK_TURNS)
