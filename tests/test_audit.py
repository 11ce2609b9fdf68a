import sqlalchemy as sa

from signing import audit
from signing.models import AuditEntry, McpScore, SigningCertificate, User


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


def test_deferred_entry_is_written_before_the_next_one_and_chains(db_session) -> None:  # type: ignore[no-untyped-def]
    audit.record(db_session, "first", actor="uji", defer=True)
    assert db_session.execute(sa.select(AuditEntry)).first() is None
    audit.record(db_session, "second", actor="uji")
    db_session.commit()
    actions = db_session.execute(sa.select(AuditEntry.action).order_by(AuditEntry.id)).scalars()
    assert list(actions) == ["first", "second"]
    assert audit.verify_chain(db_session) == []


def test_deferred_entry_is_written_at_commit_and_dropped_on_rollback(db_session) -> None:  # type: ignore[no-untyped-def]
    audit.record(db_session, "kept", actor="uji", defer=True)
    db_session.commit()
    audit.record(db_session, "dropped", actor="uji", defer=True)
    db_session.rollback()
    db_session.commit()
    actions = db_session.execute(sa.select(AuditEntry.action)).scalars()
    assert list(actions) == ["kept"]


def test_rolled_back_savepoint_leaves_no_broken_link(db_session) -> None:  # type: ignore[no-untyped-def]
    """The last hash is cached per transaction; a savepoint rollback must forget it."""
    audit.record(db_session, "before", actor="uji")
    savepoint = db_session.begin_nested()
    audit.record(db_session, "inside", actor="uji")
    audit.record(db_session, "deferred inside", actor="uji", defer=True)
    savepoint.rollback()
    audit.record(db_session, "after", actor="uji")
    db_session.commit()
    actions = db_session.execute(sa.select(AuditEntry.action).order_by(AuditEntry.id)).scalars()
    assert list(actions) == ["before", "after"]
    assert audit.verify_chain(db_session) == []


def test_entry_about_an_object_is_filed_under_its_snake_case_type(db_session) -> None:  # type: ignore[no-untyped-def]
    # The names the trail has always used: a renamed model would change what is searched for.
    for subject, expected in (
        (User(id=7), "user"),
        (SigningCertificate(id=8), "signing_certificate"),
        (McpScore(id=9), "mcp_score"),
    ):
        entry = audit.record_about(db_session, "test.about", subject, actor="uji")
        assert (entry.object_type, entry.object_id) == (expected, str(subject.id))
