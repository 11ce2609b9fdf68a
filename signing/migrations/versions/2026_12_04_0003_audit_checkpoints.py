"""Signed checkpoints of the audit chain

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 18:15:00

Each row pins the chain's head (entry id and hash) with a signature by the office seal, whose
key is not in the database: truncating or rewriting the log up to a checkpoint shows.
"""

from __future__ import annotations

from signing.migrations.helpers import binary, integer, moment, string, table, table_steps

revision = "0003"
down_revision = "0002"

AUDIT_CHECKPOINTS = table(
    "audit_checkpoints",
    moment("created_at"),
    integer("seq"),
    string("head_hash", 64),
    binary("signature"),
    string("signer", 64),
    indexes=["seq"],
)


upgrade, downgrade = table_steps(AUDIT_CHECKPOINTS)
