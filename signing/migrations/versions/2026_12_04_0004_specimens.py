"""Specimens of officials' handwritten signatures and parafs

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 18:20:00

One PNG (transparent background, at most a few hundred KB) per official and kind, drawn beside
the text of their signature, witness and paraf marks.
"""

from __future__ import annotations

from signing.migrations.helpers import binary, enum, integer, moment, string, table, table_steps

revision = "0004"
down_revision = "0003"

SPECIMENS = table(
    "specimens",
    integer("user_id"),
    enum("kind", "specimenkind", "SIGNATURE PARAF", 20),
    binary("png"),
    string("sha256", 64),
    integer("width"),
    integer("height"),
    moment("uploaded_at"),
    references={"user_id": "users.id"},
    unique=["user_id kind"],
    indexes=["user_id"],
)


upgrade, downgrade = table_steps(SPECIMENS)
