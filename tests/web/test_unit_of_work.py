"""The secretariat pages' unit of work: one commit on success, a rollback and a flashed message on
an expected refusal, a rollback and the error itself on anything else."""

from __future__ import annotations

import pytest
from flask import get_flashed_messages

from signing import db
from signing.models import BandScheme
from signing.secretariat.mcp import McpError
from signing.web.unit import UnitOfWork, committed
from signing.workflow.refusals import refuse
from tests.conftest import count_rows


def _scheme(name: str) -> BandScheme:
    return BandScheme(name=name, valid_from_period="2030", bands=[], details={})


def test_success_commits_once(app, db_session) -> None:  # type: ignore[no-untyped-def]
    with app.test_request_context("/"):
        with UnitOfWork() as work:
            db.session.add(_scheme("disimpan"))
        assert not work.refused and work.messages == []
        assert get_flashed_messages() == []
    assert count_rows(db_session, BandScheme) == 1


def test_a_refusal_rolls_back_and_is_flashed(app, db_session) -> None:  # type: ignore[no-untyped-def]
    with app.test_request_context("/"):
        with UnitOfWork() as work:
            db.session.add(_scheme("dibatalkan"))
            db.session.flush()
            raise McpError(
                [
                    refuse("mcp_row_problem", line=2, problem="periode 'x' tidak sah"),
                    refuse("scheme_name_required"),
                ]
            )
        assert work.refused and isinstance(work.refusal, McpError)
        assert get_flashed_messages(with_categories=True) == [
            ("error", "Baris 2: periode 'x' tidak sah."),
            ("error", "Nama skema wajib diisi."),
        ]
    assert count_rows(db_session, BandScheme) == 0


def test_a_workflow_refusal_is_told_to_the_view_alone_when_asked(app) -> None:  # type: ignore[no-untyped-def]
    with app.test_request_context("/"):
        with UnitOfWork(flash_as=None) as work:
            raise refuse("mandate_revoked")
        assert work.message == "Mandat sudah dicabut sebelumnya."
        assert get_flashed_messages() == []


def test_a_long_list_of_problems_is_cut_and_counted(app) -> None:  # type: ignore[no-untyped-def]
    with app.test_request_context("/"):
        with UnitOfWork(McpError) as work:
            raise McpError(
                [refuse("mcp_row_problem", line=n, problem="salah") for n in range(2, 62)]
            )
        assert len(work.messages) == 51
        assert work.messages[-1] == "... dan 10 kesalahan lainnya."


def test_an_unexpected_error_rolls_back_and_propagates(app, db_session) -> None:  # type: ignore[no-untyped-def]
    with app.test_request_context("/"):
        with pytest.raises(ZeroDivisionError), UnitOfWork(McpError):
            db.session.add(_scheme("hilang"))
            db.session.flush()
            _ = 1 / 0
        with pytest.raises(McpError), committed():
            db.session.add(_scheme("juga hilang"))
            db.session.flush()
            raise McpError([refuse("mcp_file_empty")])
    assert count_rows(db_session, BandScheme) == 0


def test_problems_are_catalogue_refusals_only() -> None:
    with pytest.raises(TypeError):
        McpError(["free text is not a refusal"])  # type: ignore[list-item]
