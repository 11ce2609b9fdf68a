import sqlalchemy as sa

from signing import audit
from signing.models import AuditEntry


def _fill(db_session, n: int = 5) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    entries = [
        audit.record(db_session, "test.entry", actor="uji", details={"n": i}) for i in range(n)
    ]
    db_session.commit()
    return entries


def test_intact_chain_verifies(runner, db_session) -> None:  # type: ignore[no-untyped-def]
    _fill(db_session)
    assert audit.verify_chain(db_session) == []
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert "utuh" in result.output


def test_edited_entry_is_named(runner, db_session) -> None:  # type: ignore[no-untyped-def]
    entries = _fill(db_session)
    db_session.execute(
        sa.update(AuditEntry).where(AuditEntry.id == entries[2].id).values(actor_name="pemalsu")
    )
    db_session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"Entri #{entries[2].id}: isi entri telah diubah" in result.output


def test_deleted_entry_breaks_the_next_link(db_session) -> None:  # type: ignore[no-untyped-def]
    entries = _fill(db_session)
    db_session.execute(sa.delete(AuditEntry).where(AuditEntry.id == entries[1].id))
    db_session.commit()
    problems = audit.verify_chain(db_session)
    assert [p.entry_id for p in problems] == [entries[2].id]


def test_swapped_entries_are_found(db_session) -> None:  # type: ignore[no-untyped-def]
    entries = _fill(db_session)
    first, second = entries[1], entries[2]
    columns = ("created_at", "action", "details", "prev_hash", "entry_hash", "actor_name")
    a = {c: getattr(first, c) for c in columns}
    b = {c: getattr(second, c) for c in columns}
    # Swap the content of two rows (entry_hash is unique: park one value first).
    db_session.execute(
        sa.update(AuditEntry).where(AuditEntry.id == first.id).values(entry_hash="x")
    )
    db_session.execute(sa.update(AuditEntry).where(AuditEntry.id == second.id).values(**a))
    db_session.execute(sa.update(AuditEntry).where(AuditEntry.id == first.id).values(**b))
    db_session.commit()
    problems = audit.verify_chain(db_session)
    assert {p.entry_id for p in problems} >= {first.id, second.id}
