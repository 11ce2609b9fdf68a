"""A complete commitment accepts nothing more (issue 15, item 3).

Every party's signature field locks that party's paraf field (FieldMDP), so on a complete copy,
where every signature and witness field is filled, each empty field is locked. Each test takes
the complete copy, signs one of its still-empty fields outside the app, with another
institution's certificate or with a valid certificate of our own CA, and checks what pyHanko
and ``signing verify`` say about it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from signing import db
from signing.models import User
from signing.pades.fields import list_signature_fields
from signing.pades.sign import (
    TIMESTAMP_FIELD_PREFIX,
    ActKind,
    Appearance,
    apply_act,
    make_validation_context,
)
from signing.pades.signers import InternalKeySigner
from signing.pades.verify import signed_field_names, verify_pdf
from signing.pki import service
from signing.pki.ca import issue_certificate
from signing.pki.keystore import generate_private_key
from signing.pki.tsa import make_timestamper
from tests.pki.ca_fixtures import make_test_ca

from .scenario import PASSPHRASE, Scenario


@pytest.fixture(scope="module")
def foreign_ca(tmp_path_factory):  # type: ignore[no-untyped-def]
    return make_test_ca(tmp_path_factory.mktemp("asing") / "certs", organisation="Instansi Lain")


def _empty_fields(pdf: bytes) -> list[str]:
    # Document time stamps (one after every act) are filled fields but not acts.
    signed = signed_field_names(pdf)
    return [
        f.name
        for f in list_signature_fields(pdf)
        if f.name not in signed and not f.name.startswith(TIMESTAMP_FIELD_PREFIX)
    ]


def _sign_foreign(pdf: bytes, field: str, ca) -> bytes:  # type: ignore[no-untyped-def]
    key = generate_private_key("p256")
    cert = issue_certificate(
        ca, key.public_key(), common_name="Gubernur Palsu", office="Gubernur", institution="X"
    )
    return apply_act(
        pdf,
        field_name=field,
        kind=ActKind.SIGN,
        signer=InternalKeySigner(cert, key, ca.chain),
        appearance=Appearance("Gubernur Palsu", "Gubernur", None, dt.datetime.now(dt.UTC)),
        timestamper=make_timestamper(ca),
        validation_context=make_validation_context(
            ca.trust_roots, ca.read_crls(), other_certs=ca.chain
        ),
    )


def _sign_ours(app, pdf: bytes, field: str) -> bytes:  # type: ignore[no-untyped-def]
    """An official of ours, with a valid certificate of our CA, signs outside the app."""
    with app.app_context():
        session = db.session
        user = session.query(User).filter_by(username="wakil-bupati-62.02").one()
        with service.signer_for_act(session, user, PASSPHRASE) as signer:
            out = apply_act(
                pdf,
                field_name=field,
                kind=ActKind.PARAF,
                signer=signer,
                appearance=Appearance(user.display_name, "Wakil Bupati", None),
                timestamper=service.timestamper(),
                validation_context=service.validation_context(session),
                signer_checked=True,
            )
        session.rollback()
    return out


def _pyhanko(app, pdf: bytes):  # type: ignore[no-untyped-def]
    with app.app_context():
        try:
            return verify_pdf(
                pdf, trust_roots=service.trust_roots(), crls=service.current_crls(db.session)
            )
        finally:
            db.session.rollback()


def test_the_complete_copy_is_valid_and_each_empty_field_is_locked(
    app, current_pdf_of, scenario: Scenario
) -> None:
    pdf = current_pdf_of(scenario.complete)
    report = _pyhanko(app, pdf)
    assert report.valid, report.problems
    assert report.has_lta
    # Three paraf fields stay empty: the holders signed directly.
    assert sorted(_empty_fields(pdf)) == [
        "paraf_gubernur",
        "paraf_kepala_daerah",
        "paraf_ketua_dprd",
    ]
    assert b"/SigFieldLock" in pdf and b"/FieldMDP" in pdf
    # The document time stamps after the locks (one after every act) are allowed (LTA) updates.
    stamps = [s for s in report.signatures if s.field_name.startswith(TIMESTAMP_FIELD_PREFIX)]
    assert stamps and all(stamp.bottom_line for stamp in stamps)


@pytest.mark.parametrize("whose", ["foreign", "ours"])
def test_a_signature_added_to_any_empty_field_of_a_complete_copy_is_reported(
    app, runner, tmp_path: Path, current_pdf_of, scenario: Scenario, foreign_ca, whose: str
) -> None:
    complete = current_pdf_of(scenario.complete)
    fields = _empty_fields(complete)
    assert fields
    for field in fields:
        if whose == "foreign":
            added = _sign_foreign(complete, field, foreign_ca)
        else:
            added = _sign_ours(app, complete, field)
        report = _pyhanko(app, added)
        assert not report.valid, field
        broken = {s.field_name: s for s in report.signatures if not s.bottom_line}
        # The party's signature whose lock the new signature violates.
        locking = broken.get(field.replace("paraf_", "ttd_"))
        assert locking is not None, (field, report.problems)
        assert locking.intact and locking.modification_level == "OTHER"
        path = tmp_path / f"{field}-{whose}.pdf"
        path.write_bytes(added)
        result = runner.invoke(args=["verify", str(path)])
        assert result.exit_code == 1, (field, result.output)


def test_a_signature_in_a_new_field_of_a_complete_copy_is_reported(
    app, runner, tmp_path: Path, current_pdf_of, scenario: Scenario, foreign_ca
) -> None:
    """Not an empty field but a new one: the seal's certification (form filling) refuses it."""
    from io import BytesIO

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    key = generate_private_key("p256")
    cert = issue_certificate(
        foreign_ca, key.public_key(), common_name="Gubernur Palsu", office="Gubernur",
        institution="X",
    )  # fmt: skip
    writer = IncrementalPdfFileWriter(BytesIO(current_pdf_of(scenario.complete)))
    added = (
        signers.PdfSigner(
            signers.PdfSignatureMetadata(field_name="TambahanBaru"),
            InternalKeySigner(cert, key, foreign_ca.chain).pyhanko_signer,
            new_field_spec=fields.SigFieldSpec("TambahanBaru", on_page=0, box=(40, 40, 200, 90)),
        )
        .sign_pdf(writer)
        .getvalue()
    )
    report = _pyhanko(app, added)
    assert not report.valid
    seal = next(s for s in report.signatures if s.is_certification)
    assert not seal.bottom_line and seal.modification_level == "OTHER"
    path = tmp_path / "baru.pdf"
    path.write_bytes(added)
    assert runner.invoke(args=["verify", str(path)]).exit_code == 1
