"""One person, one role per commitment (issue 15, item 5), through perform_act.

The scenes the issue found: the Wakil Gubernur initials for the Gubernur and then witnesses his
own paraf; a Ketua DPRD Provinsi with a Plt. Gubernur mandate signs the Gubernur's slot and then
witnesses his own signature. Both are refused (``one_role``, 409) and recorded in the audit log;
recording the mandate says what it would lead to.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from signing import db
from signing.models import ActKind, AuditEntry, MandateKind, Office, OfficeKind, SlotRole
from signing.workflow.operations import mandate_warning, record_mandate
from signing.workflow.rules import WorkflowRefused

from .conftest import Desk, user_named

KD, KETUA, GUB = SlotRole.KEPALA_DAERAH, SlotRole.KETUA_DPRD, SlotRole.GUBERNUR
SAKSI1, SAKSI2 = SlotRole.SAKSI_WAKIL_GUBERNUR, SlotRole.SAKSI_KETUA_DPRD_PROVINSI

SELF_WITNESS = (
    "Anda tidak dapat menyaksikan tindakan Anda sendiri (paraf mewakili Gubernur Kalimantan "
    "Tengah, tanpa mandat): satu orang hanya berperan satu kali pada satu komitmen."
)


def _refusals(db_session) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    db_session.rollback()
    return [
        e
        for e in db_session.execute(
            sa.select(AuditEntry).where(AuditEntry.action == "act.refused")
        ).scalars()
        if e.details.get("code") == "one_role"
    ]


def test_the_wakil_gubernur_cannot_witness_his_own_paraf_for_the_gubernur(
    app, db_session, desk: Desk, kotim: int
) -> None:
    desk.act(kotim, KD, ActKind.SIGN, "bupati-62.02")
    desk.act(kotim, KETUA, ActKind.SIGN, "ketua-dprd-62.02")
    paraf = desk.act(kotim, GUB, ActKind.PARAF, "wakil-gubernur")
    with pytest.raises(WorkflowRefused) as caught:
        desk.act(kotim, SAKSI1, ActKind.WITNESS, "wakil-gubernur", attests_act_id=paraf.id)
    assert (caught.value.code, caught.value.http_status) == ("one_role", 409)
    assert caught.value.message == SELF_WITNESS
    # Naming another act changes nothing: he acted on the Gubernur's slot already.
    bupati_act = next(a for a in desk.commitment(db_session, kotim).acts if a.kind is ActKind.SIGN)
    with pytest.raises(WorkflowRefused) as caught:
        desk.act(kotim, SAKSI1, ActKind.WITNESS, "wakil-gubernur", attests_act_id=bupati_act.id)
    assert caught.value.code == "one_role"
    assert caught.value.message == (
        "Anda sudah bertindak pada komitmen ini (paraf mewakili Gubernur Kalimantan Tengah, "
        "tanpa mandat): satu orang hanya berperan satu kali pada satu komitmen, sehingga bagian "
        "Wakil Gubernur Kalimantan Tengah harus diisi orang lain."
    )
    [first, second] = _refusals(db_session)
    assert first.details["message"] == SELF_WITNESS and first.actor_name
    assert second.details["role"] == SAKSI1.value
    # The other witness may attest the paraf, and the Gubernur still signs himself.
    desk.act(kotim, SAKSI2, ActKind.WITNESS, "ketua-dprd-provinsi", attests_act_id=paraf.id)
    desk.act(kotim, GUB, ActKind.SIGN, "gubernur")


def test_a_plt_gubernur_from_the_provincial_dprd_cannot_witness_his_own_signature(
    app, db_session, desk: Desk, kotim: int
) -> None:
    with app.app_context():
        session = db.session
        gubernur = session.execute(
            sa.select(Office).where(Office.kind == OfficeKind.GUBERNUR)
        ).scalar_one()
        ketua_provinsi = user_named(session, "ketua-dprd-provinsi")
        warning = mandate_warning(
            session, principal_office=gubernur, deputy_user=ketua_provinsi, kind=MandateKind.PLT
        )
        assert warning is not None
        assert warning.startswith(f"Perhatian: {ketua_provinsi.display_name} juga bertindak")
        assert "Plt. Gubernur Kalimantan Tengah" in warning
        assert "harus diisi orang lain" in warning
        mandate = record_mandate(
            session,
            principal_office=gubernur,
            deputy_user=ketua_provinsi,
            kind=MandateKind.PLT,
            letter_number="100.3.3.2/77/2019",
            letter_date=dt.date(2019, 10, 1),
            valid_from=dt.date(2019, 10, 1),
            valid_until=None,
            actor=user_named(session, "sekretariat"),
        )
        entry = session.execute(
            sa.select(AuditEntry).where(AuditEntry.action == "mandate.create")
        ).scalar_one()
        assert entry.details["warning"] == warning and entry.object_id == str(mandate.id)
        # A mandate for an office that shares no commitment with his own: no warning.
        bupati_office = (
            session.execute(sa.select(Office).where(Office.kind == OfficeKind.BUPATI))
            .scalars()
            .first()
        )
        wakil_bupati = user_named(session, "wakil-bupati-62.02")
        assert (
            mandate_warning(
                session,
                principal_office=bupati_office,
                deputy_user=wakil_bupati,
                kind=MandateKind.PLH,
            )
            is None
        )
        session.commit()
    desk.act(kotim, KD, ActKind.SIGN, "bupati-62.02")
    desk.act(kotim, KETUA, ActKind.SIGN, "ketua-dprd-62.02")
    signed = desk.act(kotim, GUB, ActKind.SIGN, "ketua-dprd-provinsi")
    assert signed.capacity.value == "plt"
    with pytest.raises(WorkflowRefused) as caught:
        desk.act(kotim, SAKSI2, ActKind.WITNESS, "ketua-dprd-provinsi", attests_act_id=signed.id)
    assert caught.value.code == "one_role"
    assert "tanda tangan sebagai Plt. Gubernur Kalimantan Tengah" in caught.value.message
    desk.act(kotim, SAKSI1, ActKind.WITNESS, "wakil-gubernur", attests_act_id=signed.id)
    commitment = desk.commitment(db_session, kotim)
    assert commitment.completed_at is None  # the second witness is still owed
    assert len(_refusals(db_session)) == 1


def test_mandate_add_on_the_command_line_warns_of_two_roles(app, db_session, kalteng) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "mandate", "add", "--office", "gubernur@62", "--deputy", "ketua-dprd-provinsi",
            "--kind", "plt", "--letter-number", "100/77/2019", "--letter-date", "2019-10-01",
            "--valid-from", "2019-10-01",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "dicatat" in result.output
    assert "Perhatian:" in result.output and "harus diisi orang lain" in result.output
