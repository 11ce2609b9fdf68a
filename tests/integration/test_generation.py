"""Generating the commitments of an event: content from the registry, fields, seal, storage."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
import sqlalchemy as sa

from signing.commitments import generation
from signing.commitments.content import build_content
from signing.commitments.errors import (
    BlobCorrupted,
    EventTextLocked,
    GenerationRefused,
    MissingHolder,
    RevisionNotFound,
)
from signing.commitments.storage import current_pdf, revision_pdf, store_revision
from signing.models import (
    Act,
    ActKind,
    Blob,
    Capacity,
    Commitment,
    Mandate,
    MandateKind,
    Office,
    OfficeKind,
    Region,
    Revision,
    SlotRole,
)
from signing.pades import sign as pades
from signing.pades.fields import list_signature_fields, signature_widget_flags
from signing.pades.verify import verify_pdf
from signing.pki import service
from tests.pades.pdf_helpers import widget_texts

from .conftest import SIGNING_PASSPHRASE
from .helpers import audit_actions, pdf_text, user

EXPECTED_FIELDS = {
    "ttd_gubernur",
    "ttd_kepala_daerah",
    "ttd_ketua_dprd",
    "paraf_gubernur",
    "paraf_kepala_daerah",
    "paraf_ketua_dprd",
    "saksi_wakil_gubernur",
    "saksi_ketua_dprd_provinsi",
}


def region(db_session, code: str) -> Region:  # type: ignore[no-untyped-def]
    return db_session.execute(sa.select(Region).where(Region.kemendagri_code == code)).scalar_one()


def office(db_session, code: str, kind: OfficeKind) -> Office:  # type: ignore[no-untyped-def]
    return db_session.execute(
        sa.select(Office).join(Region).where(Region.kemendagri_code == code, Office.kind == kind)
    ).scalar_one()


def revisions(db_session, commitment: Commitment) -> list[Revision]:  # type: ignore[no-untyped-def]
    return list(
        db_session.execute(
            sa.select(Revision)
            .where(Revision.commitment_id == commitment.id)
            .order_by(Revision.sequence)
        ).scalars()
    )


def verify(db_session, pdf: bytes):  # type: ignore[no-untyped-def]
    return verify_pdf(pdf, trust_roots=service.trust_roots(), crls=service.current_crls(db_session))


def generate_one(db_session, event, code: str = "62.02") -> Commitment:  # type: ignore[no-untyped-def]
    commitment = generation.generate_commitment(
        db_session, event, region(db_session, code), actor="uji"
    )
    db_session.commit()
    return commitment


def test_an_event_generates_all_14_sealed_commitments(ctx, db_session, demo_event):
    report = generation.generate_event(db_session, demo_event, actor="uji")
    db_session.commit()
    assert report.ok and not report.skipped
    assert len(report.generated) == 14
    assert len({c.code for c in report.generated}) == 14
    for commitment in report.generated:
        reg = commitment.region
        assert commitment.number == f"DEMO/PTSP-PRIMA/{reg.kemendagri_code}/2019"
        assert commitment.version == 1 and commitment.generated_at is not None
        generated, sealed, stamped = revisions(db_session, commitment)
        assert (generated.label, sealed.label, stamped.label) == (
            "generated",
            "sealed",
            "timestamp",
        )
        assert generated.parent_sha256 is None and sealed.parent_sha256 == generated.sha256
        # The document time stamp over the seal (B-LTA from the first copy on).
        assert stamped.parent_sha256 == sealed.sha256
        assert commitment.current_sha256 == stamped.sha256
        fielded = revision_pdf(db_session, commitment, generated.sha256)
        pdf = current_pdf(db_session, commitment)
        assert pdf.startswith(fielded)  # the seal is an incremental update
        fields = list_signature_fields(fielded)
        assert {f.name for f in fields} == EXPECTED_FIELDS
        assert all(f.page >= 0 for f in fields)
        assert all(flags & 4 for flags in signature_widget_flags(fielded).values())
        names = {f.name for f in list_signature_fields(pdf)}
        stamps = {n for n in names if n.startswith(pades.TIMESTAMP_FIELD_PREFIX)}
        assert len(stamps) == 1 and names - stamps == EXPECTED_FIELDS | {"Segel"}
        slots = {slot.role: slot for slot in commitment.slots}
        assert set(slots) == set(SlotRole)
        assert {s.field_name for s in slots.values()} | {
            s.paraf_field_name for s in slots.values() if s.paraf_field_name
        } == EXPECTED_FIELDS
        head = reg.head_office_kind
        assert slots[SlotRole.KEPALA_DAERAH].office.kind == head
        assert slots[SlotRole.KEPALA_DAERAH].office.region_id == reg.id
        assert slots[SlotRole.KETUA_DPRD].office.kind == OfficeKind.KETUA_DPRD
        assert slots[SlotRole.KETUA_DPRD].office.region_id == reg.id
        assert slots[SlotRole.GUBERNUR].office.kind == OfficeKind.GUBERNUR
        assert slots[SlotRole.SAKSI_WAKIL_GUBERNUR].office.kind == OfficeKind.WAKIL_GUBERNUR
        assert (
            slots[SlotRole.SAKSI_KETUA_DPRD_PROVINSI].office.kind == OfficeKind.KETUA_DPRD_PROVINSI
        )
        seal_acts = [a for a in commitment.acts if a.kind == ActKind.SEAL]
        assert len(seal_acts) == 1 and seal_acts[0].slot_id is None
        assert seal_acts[0].sha256_after == sealed.sha256 and sealed.act_id == seal_acts[0].id

        result = verify(db_session, pdf)
        assert result.valid, result.problems
        seal, stamp = result.signatures
        assert stamp.is_document_timestamp and stamp.bottom_line and result.has_lta
        assert seal.field_name == "Segel" and seal.is_certification
        assert seal.trusted and seal.intact and not seal.revoked and seal.bottom_line
        assert seal.timestamp_time is not None

        text = pdf_text(pdf)
        # The name under each signature box is the empty field's appearance (until signed).
        shown = {name: " ".join(t for t, _ in texts) for name, texts in widget_texts(pdf).items()}
        for slot in commitment.slots:
            holder = slot.office.current_holder
            assert holder.name == shown[slot.field_name]
            assert slot.office.title.upper() in text
        assert reg.short_name.upper() in text.upper()
        assert f"http://signing.test/v/{commitment.code}" in text
    actions = audit_actions(db_session, "commitment.")
    assert actions.count("commitment.generate") == 14
    assert actions.count("commitment.seal") == 14
    assert audit_actions(db_session, "event.") == ["event.create", "event.generate"]


def test_kotawaringin_timur_names_the_people_of_the_article(ctx, db_session, demo_event):
    commitment = generate_one(db_session, demo_event)
    text = pdf_text(current_pdf(db_session, commitment))
    assert "Dra. Rinie" in text  # Ketua DPRD Kotawaringin Timur signs herself
    assert "BUPATI KOTAWARINGIN TIMUR" in text


def test_a_region_without_holder_is_named_and_the_others_still_generate(
    ctx, db_session, demo_event
):
    chair = office(db_session, "62.05", OfficeKind.KETUA_DPRD)
    chair.current_holder.ended_on = dt.date(2024, 8, 1)
    db_session.commit()
    seen = []
    report = generation.generate_event(
        db_session, demo_event, actor="uji", progress=lambda r, o: seen.append((r, o))
    )
    db_session.commit()
    assert len(report.generated) == 13
    ((failed, message),) = report.errors
    assert failed.kemendagri_code == "62.05"
    assert "Ketua DPRD Kabupaten Barito Utara" in message
    assert "Kabupaten Barito Utara" in message
    assert [o for r, o in seen if r.kemendagri_code == "62.05"] == ["error"]
    assert len(seen) == 14
    # Nothing half-made for the failed region.
    assert generation.current_commitment(db_session, demo_event, failed) is None
    assert audit_actions(db_session, "commitment.generate_failed") == ["commitment.generate_failed"]
    with pytest.raises(MissingHolder) as raised:
        generation.generate_commitment(db_session, demo_event, failed, actor="uji")
    assert raised.value.region_name == "Kabupaten Barito Utara"
    db_session.rollback()
    # Once the holder is recorded, the next run generates only what is missing.
    from signing.regions.importer import set_holder

    set_holder(db_session, "62.05", OfficeKind.KETUA_DPRD, "Ketua DPRD Baru (DEMO)")
    db_session.commit()
    again = generation.generate_event(db_session, demo_event, actor="uji")
    assert [c.region.kemendagri_code for c in again.generated] == ["62.05"]
    assert len(again.skipped) == 13


def test_a_plt_mandate_prints_the_deputy_with_the_plt_line(ctx, db_session, demo_event):
    deputy = user(db_session, "wakil-bupati-62.02")
    db_session.add(
        Mandate(
            kind=MandateKind.PLT,
            principal_office_id=office(db_session, "62.02", OfficeKind.BUPATI).id,
            deputy_user_id=deputy.id,
            deputy_office_id=office(db_session, "62.02", OfficeKind.WAKIL_BUPATI).id,
            letter_number="100.2.1.3/123/2019",
            letter_date=dt.date(2019, 10, 1),
            valid_from=dt.date(2019, 10, 1),
            event_id=demo_event.id,
        )
    )
    db_session.commit()
    commitment = generate_one(db_session, demo_event)
    party = build_content(db_session, commitment).kepala_daerah
    assert party.capacity_line == "Plt."
    assert party.holder_name == "H.M. Taufik Mukri"
    assert party.acting_office_title == "WAKIL BUPATI"
    text = pdf_text(current_pdf(db_session, commitment))
    assert "Plt. BUPATI KOTAWARINGIN TIMUR" in text
    assert "H.M. Taufik Mukri" in text


def test_two_generations_of_the_same_data_give_identical_bytes(ctx, db_session, demo_event):
    commitment = generate_one(db_session, demo_event)
    first = generation.render_fielded(db_session, commitment)
    second = generation.render_fielded(db_session, commitment)
    assert first == second
    generated_sha = revisions(db_session, commitment)[0].sha256
    assert hashlib.sha256(first).hexdigest() == generated_sha
    sealed_before = commitment.current_sha256
    generation.regenerate(db_session, commitment, actor="uji")
    db_session.commit()
    revs = revisions(db_session, commitment)
    assert [r.label for r in revs] == [
        "generated",
        "sealed",
        "timestamp",
        "generated",
        "sealed",
        "timestamp",
    ]
    assert revs[3].sha256 == generated_sha  # same rendering, byte for byte
    assert revs[4].sha256 != sealed_before  # a new seal (its time stamp differs)
    assert revs[1].act_id is None  # the replaced seal act is gone; its revision stays
    seals = [a for a in commitment.acts if a.kind == ActKind.SEAL]
    assert len(seals) == 1 and revs[4].act_id == seals[0].id
    assert verify(db_session, current_pdf(db_session, commitment)).valid


def test_regenerate_picks_up_a_new_office_holder(ctx, db_session, demo_event):
    from signing.regions.importer import set_holder

    commitment = generate_one(db_session, demo_event)
    set_holder(db_session, "62.02", OfficeKind.BUPATI, "Bupati Pengganti (DEMO)")
    generation.regenerate(db_session, commitment, actor="uji")
    db_session.commit()
    assert "Bupati Pengganti (DEMO)" in pdf_text(current_pdf(db_session, commitment))
    assert "commitment.regenerate" in audit_actions(db_session, "commitment.")


def sign_paraf(db_session, commitment: Commitment, username: str) -> Act:  # type: ignore[no-untyped-def]
    """A real paraf by ``username`` in the kepala daerah's paraf field, recorded as an act."""
    official = user(db_session, username)
    service.enrol(db_session, official, SIGNING_PASSPHRASE, actor="uji")
    slot = commitment.slot(SlotRole.KEPALA_DAERAH)
    before = current_pdf(db_session, commitment)
    with service.signer_for_act(db_session, official, SIGNING_PASSPHRASE) as signer:
        after = pades.apply_act(
            before,
            field_name=slot.paraf_field_name,
            kind=pades.ActKind.PARAF,
            signer=signer,
            appearance=pades.Appearance(official.display_name, "Wakil Bupati Kotawaringin Timur"),
            timestamper=service.timestamper(),
            validation_context=service.validation_context(db_session),
        )
        act = Act(
            commitment_id=commitment.id,
            slot_id=slot.id,
            kind=ActKind.PARAF,
            capacity=Capacity.STAND_IN,
            actor_user_id=official.id,
            actor_name=official.display_name,
            certificate_id=signer.certificate_id,
            field_name=slot.paraf_field_name,
            sha256_before=commitment.current_sha256,
        )
    db_session.add(act)
    db_session.flush()
    revision = store_revision(db_session, commitment, after, "paraf", act=act)
    act.sha256_after = revision.sha256
    db_session.commit()
    return act


def test_after_an_act_regeneration_and_text_changes_are_refused(ctx, db_session, demo_event):
    commitment = generate_one(db_session, demo_event)
    other = generate_one(db_session, demo_event, "62.01")
    sign_paraf(db_session, commitment, "wakil-bupati-62.02")
    result = verify(db_session, current_pdf(db_session, commitment))
    assert result.valid, result.problems
    acts = [s.field_name for s in result.signatures if not s.is_document_timestamp]
    assert acts == ["Segel", "paraf_kepala_daerah"]
    with pytest.raises(GenerationRefused, match="sudah ada tindakan; batalkan \\(void\\)"):
        generation.regenerate(db_session, commitment, actor="uji")
    generation.regenerate(db_session, other, actor="uji")  # no act there: still allowed
    with pytest.raises(EventTextLocked, match=commitment.number):
        generation.update_event_text(
            db_session, demo_event, ["Dasar baru"], [], ["Butir baru"], actor="uji"
        )
    db_session.rollback()
    assert demo_event.points != ["Butir baru"]


def test_event_text_changes_before_any_act_and_regeneration_applies_them(
    ctx, db_session, demo_event
):
    commitment = generate_one(db_session, demo_event)
    stale = generation.update_event_text(
        db_session,
        demo_event,
        ["Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah"],
        ["bahwa   pelayanan perizinan perlu dipercepat"],
        ["menerbitkan izin dalam tiga hari kerja", "  "],
        actor="uji",
    )
    db_session.commit()
    assert stale == [commitment]
    assert demo_event.points == ["menerbitkan izin dalam tiga hari kerja"]
    assert demo_event.considerations == ["bahwa pelayanan perizinan perlu dipercepat"]
    generation.regenerate(db_session, commitment, actor="uji")
    db_session.commit()
    assert "menerbitkan izin dalam tiga hari kerja" in pdf_text(current_pdf(db_session, commitment))
    assert audit_actions(db_session, "event.text_update") == ["event.text_update"]
    with pytest.raises(GenerationRefused, match="Butir komitmen tidak boleh kosong"):
        generation.update_event_text(db_session, demo_event, ["Dasar"], [], [" "], actor="uji")


def test_a_live_commitment_is_not_generated_twice(ctx, db_session, demo_event):
    commitment = generate_one(db_session, demo_event)
    with pytest.raises(GenerationRefused, match=re.escape(commitment.number)):
        generation.generate_commitment(db_session, demo_event, commitment.region, actor="uji")


def test_a_voided_commitment_gets_a_new_version_with_a_new_number(ctx, db_session, demo_event):
    commitment = generate_one(db_session, demo_event)
    with pytest.raises(GenerationRefused, match="belum dibatalkan"):
        generation.new_version_after_void(db_session, commitment, actor="uji")
    # Voiding itself is the workflow's operation; here the record is marked directly.
    commitment.voided_at = dt.datetime.now(dt.UTC)
    commitment.void_reason = "uji"
    db_session.commit()
    with pytest.raises(GenerationRefused, match="dibatalkan"):
        generation.regenerate(db_session, commitment, actor="uji")
    successor = generation.new_version_after_void(db_session, commitment, actor="uji")
    db_session.commit()
    assert successor.version == 2 and successor.replaces_id == commitment.id
    assert successor.number == commitment.number + "/V2"
    assert successor.code != commitment.code
    assert commitment.current_sha256 is not None  # the old one is kept
    assert verify(db_session, current_pdf(db_session, successor)).valid
    with pytest.raises(GenerationRefused, match="sudah diganti"):
        generation.new_version_after_void(db_session, commitment, actor="uji")
    assert generation.current_commitment(db_session, demo_event, commitment.region) == successor


def test_storage_refuses_unknown_revisions_and_detects_altered_blobs(ctx, db_session, demo_event):
    commitment = generate_one(db_session, demo_event)
    other = generate_one(db_session, demo_event, "62.01")
    with pytest.raises(RevisionNotFound):
        revision_pdf(db_session, commitment, other.current_sha256)
    pdf = current_pdf(db_session, commitment)
    db_session.execute(
        sa.update(Blob).where(Blob.sha256 == commitment.current_sha256).values(data=pdf[:-1] + b"X")
    )
    db_session.commit()
    with pytest.raises(BlobCorrupted):
        current_pdf(db_session, commitment)
