"""The Kotawaringin Timur scene through perform_act, read back as a reader of the paper would:
pdftotext of the stored copy names who acted, for whom, and when."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image, ImageDraw

from signing import db
from signing.commitments.storage import current_pdf
from signing.models import ActKind, MandateKind, SlotRole, SpecimenKind
from signing.pades.appearance import MIN_FONT_SIZE
from signing.pades.verify import verify_pdf
from signing.pki import service
from signing.specimens import store_specimen
from signing.workflow.operations import record_mandate
from tests.pades.pdf_helpers import text_in_field, widget_texts

from .conftest import Desk, user_named

KD, KETUA, GUB = SlotRole.KEPALA_DAERAH, SlotRole.KETUA_DPRD, SlotRole.GUBERNUR
SAKSI1, SAKSI2 = SlotRole.SAKSI_WAKIL_GUBERNUR, SlotRole.SAKSI_KETUA_DPRD_PROVINSI


def _copy(app, db_session, desk: Desk, commitment_id: int):  # type: ignore[no-untyped-def]
    commitment = desk.commitment(db_session, commitment_id)
    with app.app_context():
        pdf = current_pdf(db_session, commitment)
        report = verify_pdf(
            pdf, trust_roots=service.trust_roots(), crls=service.current_crls(db_session)
        )
    assert report.valid, report.problems
    return commitment, pdf


def test_the_complete_kotim_copy_names_the_deputy_in_the_paraf_row_and_the_bupati_in_his_block(
    app, db_session, desk: Desk, kotim: int
) -> None:
    paraf = desk.act(kotim, KD, ActKind.PARAF, "wakil-bupati-62.02")
    desk.act(kotim, SAKSI1, ActKind.WITNESS, "wakil-gubernur", attests_act_id=paraf.id)
    desk.act(kotim, SAKSI2, ActKind.WITNESS, "ketua-dprd-provinsi", attests_act_id=paraf.id)
    desk.act(kotim, KETUA, ActKind.SIGN, "ketua-dprd-62.02")
    desk.act(kotim, GUB, ActKind.SIGN, "gubernur")
    desk.act(kotim, KD, ActKind.SIGN, "bupati-62.02")
    commitment, pdf = _copy(app, db_session, desk, kotim)
    assert commitment.completed_at is not None
    bupati = user_named(db_session, "bupati-62.02").display_name
    wakil = user_named(db_session, "wakil-bupati-62.02").display_name
    assert wakil == "H.M. Taufik Mukri"

    slot = commitment.slot(KD)
    row = text_in_field(pdf, slot.paraf_field_name)
    assert "Taufik Mukri" in row and "Wakil Bupati" in row
    assert (
        "diparaf oleh H.M. Taufik Mukri, Wakil Bupati Kotawaringin Timur, mewakili Bupati "
        "(tanpa mandat)" in row
    )
    block = text_in_field(pdf, slot.field_name)
    assert block.endswith(
        f"Ditandatangani secara elektronik oleh BUPATI KOTAWARINGIN TIMUR, {bupati}"
    )
    assert f"Kode verifikasi {commitment.code}" in block
    witness = text_in_field(pdf, commitment.slot(SAKSI1).field_name)
    assert "Saksi atas paraf Wakil Bupati Kotawaringin Timur" in witness
    # Every mark of the complete copy: no text below 7 pt.
    for name, texts in widget_texts(pdf).items():
        for text, size in texts:
            assert size >= MIN_FONT_SIZE - 1e-6, (name, text, size)


def _specimen_jpeg() -> bytes:
    image = Image.new("RGB", (400, 160), (250, 250, 247))
    ImageDraw.Draw(image).line([(20, 120), (120, 30), (200, 130), (380, 40)], (10, 10, 60), 8)
    out = io.BytesIO()
    image.save(out, format="JPEG")
    return out.getvalue()


@pytest.mark.parametrize("with_specimen", [False, True])
def test_a_plt_named_after_sealing_is_printed_under_the_block(
    app, db_session, desk: Desk, kotim: int, with_specimen: bool
) -> None:
    with app.app_context():
        session = db.session
        commitment = desk.commitment(session, kotim)
        record_mandate(
            session,
            principal_office=commitment.slot(KD).office,
            deputy_user=user_named(session, "wakil-bupati-62.02"),
            kind=MandateKind.PLT,
            letter_number="100.3.3.2/123/2019",
            letter_date=dt.date(2019, 10, 1),
            valid_from=dt.date(2019, 10, 1),
            valid_until=None,
            actor=user_named(session, "sekretariat"),
        )
        if with_specimen:
            wakil = user_named(session, "wakil-bupati-62.02")
            store_specimen(session, wakil, SpecimenKind.SIGNATURE, _specimen_jpeg(), actor=wakil)
        session.commit()
    bupati = user_named(db_session, "bupati-62.02").display_name
    commitment, sealed = _copy(app, db_session, desk, kotim)
    slot = commitment.slot(KD)
    # Sealed before the mandate: the empty block expects the Bupati.
    assert text_in_field(sealed, slot.field_name) == bupati
    desk.act(kotim, KD, ActKind.SIGN, "wakil-bupati-62.02")
    _commitment, pdf = _copy(app, db_session, desk, kotim)
    block = text_in_field(pdf, slot.field_name)
    assert block.endswith(
        "Ditandatangani secara elektronik oleh Plt. BUPATI KOTAWARINGIN TIMUR, "
        "WAKIL BUPATI KOTAWARINGIN TIMUR, H.M. Taufik Mukri"
    )
    assert bupati not in block
    drawn = widget_texts(pdf)[slot.field_name]
    assert min(size for _text, size in drawn) >= MIN_FONT_SIZE
    assert (b"/Specimen" in pdf) is with_specimen


def test_an_a_n_signature_prints_the_signer_under_the_gubernur_block(
    app, db_session, desk: Desk, kotim: int
) -> None:
    """a.n. GUBERNUR KALIMANTAN TENGAH, / WAKIL GUBERNUR ..., / <the Wakil Gubernur's name>."""
    with app.app_context():
        session = db.session
        commitment = desk.commitment(session, kotim)
        record_mandate(
            session,
            principal_office=commitment.slot(GUB).office,
            deputy_user=user_named(session, "wakil-gubernur"),
            kind=MandateKind.AN,
            letter_number="100.3.3.2/45/2019",
            letter_date=dt.date(2019, 10, 1),
            valid_from=dt.date(2019, 10, 1),
            valid_until=None,
            actor=user_named(session, "sekretariat"),
        )
        session.commit()
    gubernur = user_named(db_session, "gubernur").display_name
    wakil = user_named(db_session, "wakil-gubernur").display_name
    desk.act(kotim, KD, ActKind.SIGN, "bupati-62.02")
    desk.act(kotim, KETUA, ActKind.SIGN, "ketua-dprd-62.02")
    signed = desk.act(kotim, GUB, ActKind.SIGN, "wakil-gubernur")
    assert signed.capacity.value == "an"
    commitment, pdf = _copy(app, db_session, desk, kotim)
    block = text_in_field(pdf, commitment.slot(GUB).field_name)
    assert block.endswith(
        "Ditandatangani secara elektronik oleh a.n. GUBERNUR KALIMANTAN TENGAH, "
        f"WAKIL GUBERNUR KALIMANTAN TENGAH, {wakil}"
    )
    assert gubernur not in block
