"""Reading through the API: authentication, who sees what, commitments, PDFs."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from signing import db
from signing.commitments.storage import current_pdf
from signing.models import ActKind, ApiToken, Commitment, Revision, SlotRole, User
from signing.pades.verify import verify_pdf
from signing.pki import service

from .contract import error_code

EVENTS = "/api/v1/events"


# ----------------------------------------------------------------------------- tokens


def test_no_token_unknown_token_and_revoked_token_answer_401(app, api, kotim) -> None:
    anonymous = api()
    response = anonymous.get(EVENTS)
    assert response.status_code == 401
    assert error_code(response) == "missing_token"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")

    stranger = api()
    stranger.token = "sgn_" + "x" * 43
    response = stranger.get(EVENTS)
    assert (response.status_code, error_code(response)) == (401, "invalid_token")
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]

    basic = api()
    response = basic.get(EVENTS, headers={"Authorization": "Basic dXNlcjpwdw=="})
    assert (response.status_code, error_code(response)) == (401, "invalid_token")

    client = api("sekretariat")
    assert client.get(EVENTS).status_code == 200
    runner = app.test_cli_runner()
    with app.app_context():
        token_id = db.session.execute(sa.select(ApiToken.id)).scalar_one()
    result = runner.invoke(args=["users", "token", "revoke", str(token_id)])
    assert result.exit_code == 0, result.output
    response = client.get(EVENTS)
    assert (response.status_code, error_code(response)) == (401, "revoked_token")


def test_a_token_of_a_deactivated_account_is_refused(app, api, kalteng) -> None:
    client = api("sekretariat")
    with app.app_context():
        user = db.session.execute(
            sa.select(User).where(User.username == "sekretariat")
        ).scalar_one()
        user.active = False
        db.session.commit()
    response = client.get(EVENTS)
    assert (response.status_code, error_code(response)) == (401, "invalid_token")


def test_tokens_are_stored_as_sha256_only_and_record_their_last_use(app, api, kalteng) -> None:
    client = api("sekretariat", name="e-office Kotim")
    with app.app_context():
        row = db.session.execute(sa.select(ApiToken)).scalar_one()
        assert row.token_hash == hashlib.sha256(client.token.encode()).hexdigest()
        assert row.last_used_at is None
        columns = [getattr(row, c.key) for c in ApiToken.__table__.columns]
    assert client.token not in {str(value) for value in columns}
    assert client.get(EVENTS).status_code == 200
    with app.app_context():
        assert db.session.get(ApiToken, row.id).last_used_at is not None


def test_cli_shows_a_token_once_lists_without_it_and_revokes(app, kalteng) -> None:
    runner = app.test_cli_runner()
    created = runner.invoke(args=["users", "token", "create", "gubernur", "--name", "SIMDA"])
    assert created.exit_code == 0, created.output
    plain = created.stdout.strip().splitlines()[-1]
    assert plain.startswith("sgn_") and len(plain) > 40
    listed = runner.invoke(args=["users", "token", "list", "gubernur"])
    assert listed.exit_code == 0 and "SIMDA" in listed.output and "aktif" in listed.output
    assert plain not in listed.output
    token_id = int(listed.output.split("\t")[0])
    client = app.test_client()
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get(EVENTS, headers=headers).status_code == 200
    assert runner.invoke(args=["users", "token", "revoke", str(token_id)]).exit_code == 0
    again = runner.invoke(args=["users", "token", "revoke", str(token_id)])
    assert again.exit_code == 1 and "sudah dicabut" in again.output
    assert client.get(EVENTS, headers=headers).status_code == 401
    assert "dicabut" in runner.invoke(args=["users", "token", "list", "gubernur"]).output
    unknown = runner.invoke(args=["users", "token", "create", "nobody", "--name", "x"])
    assert unknown.exit_code == 1
    assert runner.invoke(args=["users", "token", "revoke", "999"]).exit_code == 1
    with app.app_context():
        actions = db.session.execute(
            sa.text("SELECT action FROM audit_entries WHERE action LIKE 'api.%' ORDER BY id")
        ).scalars()
        assert list(actions) == ["api.token_create", "api.token_revoke"]


# ----------------------------------------------------------------------------- who sees what


def _event_id(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.execute(sa.select(Commitment.event_id)).scalars().first()


def test_secretariat_reads_every_event_and_commitment(app, api, desk, kotim) -> None:
    kapuas = desk.generate("62.03")[0]
    client = api("sekretariat")
    events = client.get(EVENTS).get_json()["events"]
    assert len(events) == 1
    assert events[0]["commitments"]["total"] == 2
    assert events[0]["commitments"]["by_status"]["draft"] == 2
    listed = client.get(f"/api/v1/events/{events[0]['id']}/commitments").get_json()
    ids = [c["id"] for c in listed["commitments"]]
    assert ids == [kotim, kapuas]  # ordered by Kemendagri code
    kotim_json = listed["commitments"][0]
    assert kotim_json["region"] == {
        "kemendagri_code": "62.02",
        "bps_code": "6202",
        "name": "Kabupaten Kotawaringin Timur",
        "kind": "kabupaten",
    }
    assert set(kotim_json["slots"]) == {r.value for r in SlotRole}
    assert all(s["status"] == "pending" and s["acts"] == [] for s in kotim_json["slots"].values())
    assert kotim_json["status"] == "draft"
    assert set(kotim_json["whose_turn"]) >= {"kepala_daerah", "ketua_dprd"}


def test_an_official_reads_only_commitments_where_they_have_a_slot(app, api, desk, kotim) -> None:
    kapuas = desk.generate("62.03")[0]
    event_id = _event_id(app)
    bupati = api("bupati-62.02")
    listed = bupati.get(f"/api/v1/events/{event_id}/commitments").get_json()
    assert [c["id"] for c in listed["commitments"]] == [kotim]
    assert listed["event"]["commitments"]["total"] == 1
    assert bupati.get(EVENTS).get_json()["events"][0]["commitments"]["total"] == 1
    # Another region's commitment is invisible, exactly like one that does not exist.
    hidden = bupati.get(f"/api/v1/commitments/{kapuas}")
    missing = bupati.get("/api/v1/commitments/999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json() == missing.get_json()
    assert bupati.get(f"/api/v1/commitments/{kapuas}/pdf").status_code == 404
    # The deputy who may paraf, and the provincial officials, see it too.
    assert api("wakil-bupati-62.02").get(f"/api/v1/commitments/{kotim}").status_code == 200
    gubernur = api("gubernur").get(f"/api/v1/events/{event_id}/commitments").get_json()
    assert [c["id"] for c in gubernur["commitments"]] == [kotim, kapuas]
    # An official of a region with no commitment yet sees no event at all.
    kobar = api("bupati-62.01")
    assert kobar.get(EVENTS).get_json() == {"events": []}
    response = kobar.get(f"/api/v1/events/{event_id}/commitments")
    assert (response.status_code, error_code(response)) == (404, "not_found")


def test_event_and_commitment_ids_that_do_not_exist_answer_404(api, kotim) -> None:
    client = api("sekretariat")
    for path in (
        "/api/v1/events/424242/commitments",
        "/api/v1/events/99999999999/commitments",
        "/api/v1/commitments/99999999999",
        "/api/v1/commitments/0",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert error_code(response) in ("not_found", "http_404")
    response = client.get("/api/v1/commitments/abc")
    assert (response.status_code, error_code(response)) == (404, "http_404")


def test_include_superseded_must_be_a_boolean(app, api, kotim) -> None:
    client = api("sekretariat")
    path = f"/api/v1/events/{_event_id(app)}/commitments"
    assert client.get(path + "?include_superseded=true").status_code == 200
    response = client.get(path + "?include_superseded=perhaps")
    assert (response.status_code, error_code(response)) == (422, "invalid_parameter")


def test_a_voided_version_points_to_its_replacement(app, api, kotim) -> None:
    from signing.workflow.operations import void_commitment

    with app.app_context():
        staff = db.session.execute(
            sa.select(User).where(User.username == "sekretariat")
        ).scalar_one()
        commitment = db.session.get(Commitment, kotim)
        new = void_commitment(db.session, commitment, "Salah ketik nama", actor=staff)
        db.session.commit()
        new_id = new.id
    client = api("sekretariat")
    path = f"/api/v1/events/{_event_id(app)}/commitments"
    assert [c["id"] for c in client.get(path).get_json()["commitments"]] == [new_id]
    listed = client.get(path + "?include_superseded=1").get_json()["commitments"]
    assert [c["id"] for c in listed] == [kotim, new_id]
    old = client.get(f"/api/v1/commitments/{kotim}").get_json()
    assert old["status"] == "void" and old["replaced_by_id"] == new_id
    assert old["void_reason"] == "Salah ketik nama"
    assert client.get(f"/api/v1/commitments/{new_id}").get_json()["replaces_id"] == kotim
    # The bupati still reads the old version (their slot was on it).
    assert api("bupati-62.02").get(f"/api/v1/commitments/{kotim}").status_code == 200


# ----------------------------------------------------------------------------- PDFs


def test_the_current_pdf_is_the_stored_revision_with_its_sha256_as_etag(
    app, api, desk, kotim
) -> None:
    desk.act(kotim, SlotRole.KETUA_DPRD, ActKind.SIGN, "ketua-dprd-62.02")
    client = api("ketua-dprd-62.02")
    response = client.get(f"/api/v1/commitments/{kotim}/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    with app.app_context():
        commitment = db.session.get(Commitment, kotim)
        stored = current_pdf(db.session, commitment)
        report = verify_pdf(
            response.data,
            trust_roots=service.trust_roots(),
            crls=service.current_crls(db.session),
        )
    assert response.data == stored
    sha = hashlib.sha256(stored).hexdigest()
    assert response.headers["ETag"] == f'"{sha}"'
    assert report.valid, report.problems
    again = client.get(f"/api/v1/commitments/{kotim}/pdf", headers={"If-None-Match": f'"{sha}"'})
    assert again.status_code == 304 and again.data == b""
    detail = client.get(f"/api/v1/commitments/{kotim}").get_json()
    assert detail["current_sha256"] == sha
    assert detail["links"]["pdf"] == f"/api/v1/commitments/{kotim}/pdf"


def test_every_revision_is_served_by_its_sha256_and_only_for_its_commitment(
    app, api, desk, kotim
) -> None:
    kapuas = desk.generate("62.03")[0]
    desk.act(kotim, SlotRole.KETUA_DPRD, ActKind.SIGN, "ketua-dprd-62.02")
    client = api("sekretariat")
    detail = client.get(f"/api/v1/commitments/{kotim}").get_json()
    revisions = detail["revisions"]
    # The act's revision, then its document time stamp.
    assert [r["label"] for r in revisions][-2:] == ["sign", "timestamp"]
    with app.app_context():
        stored = {
            r.sha256: r
            for r in db.session.execute(
                sa.select(Revision).where(Revision.commitment_id == kotim)
            ).scalars()
        }
    assert [r["sha256"] for r in revisions] == [
        r.sha256 for r in sorted(stored.values(), key=lambda r: r.sequence)
    ]
    for revision in revisions:
        response = client.get(revision["href"])
        assert response.status_code == 200
        assert hashlib.sha256(response.data).hexdigest() == revision["sha256"]
    first = revisions[0]["sha256"]
    response = client.get(f"/api/v1/commitments/{kapuas}/revisions/{first}")
    assert (response.status_code, error_code(response)) == (404, "revision_not_found")
    response = client.get(f"/api/v1/commitments/{kotim}/revisions/not-a-hash")
    assert (response.status_code, error_code(response)) == (404, "revision_not_found")


def test_a_commitment_not_generated_yet_has_no_pdf(app, api, kotim) -> None:
    with app.app_context():
        commitment = db.session.get(Commitment, kotim)
        commitment.current_sha256 = None
        db.session.commit()
    response = api("sekretariat").get(f"/api/v1/commitments/{kotim}/pdf")
    assert (response.status_code, error_code(response)) == (404, "no_document")
