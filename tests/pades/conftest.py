"""Fixtures of the PAdES tests: a throwaway CA, officials, and a fully signed commitment."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from dataclasses import dataclass

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from signing.pades.sign import (
    ActKind,
    Appearance,
    add_document_timestamp,
    apply_act,
    make_validation_context,
    seal_document,
)
from signing.pades.signers import InternalKeySigner
from signing.pki.ca import CertificateAuthority, issue_certificate
from signing.pki.keystore import PrivateKey, generate_private_key
from signing.pki.tsa import make_timestamper

from ..pki.ca_fixtures import make_test_ca
from .pdf_helpers import commitment_pdf

SIGNED_AT = dt.datetime(2026, 11, 29, 3, 15, tzinfo=dt.UTC)  # 10:15 WIB


@dataclass(frozen=True)
class Official:
    name: str
    office: str
    key: PrivateKey
    cert: x509.Certificate

    def signer(self, ca: CertificateAuthority) -> InternalKeySigner:
        return InternalKeySigner(self.cert, self.key, ca.chain)


#: field -> (kind, name, office, capacity line, key kind); the order of the acts.
ACTS = [
    (
        "paraf_bupati",
        ActKind.PARAF,
        "H.M. Taufik Mukri",
        "Wakil Bupati Kotawaringin Timur",
        None,
        "rsa2048",
    ),
    (
        "ttd_gubernur",
        ActKind.SIGN,
        "Gubernur Demo, S.H.",
        "Gubernur Kalimantan Tengah",
        None,
        "p256",
    ),
    (
        "ttd_bupati",
        ActKind.SIGN,
        "Bupati Demo",
        "Wakil Bupati",
        "Plt. BUPATI KOTAWARINGIN TIMUR",
        "rsa2048",
    ),
    (
        "ttd_ketua_dprd",
        ActKind.SIGN,
        "Dra. Rinie",
        "Ketua DPRD Kotawaringin Timur",
        None,
        "rsa2048",
    ),
    (
        "saksi_wakil_gubernur",
        ActKind.WITNESS,
        "Wakil Gubernur Demo",
        "Wakil Gubernur",
        None,
        "p256",
    ),
    (
        "saksi_ketua_dprd_provinsi",
        ActKind.WITNESS,
        "Ketua DPRD Demo",
        "Ketua DPRD Provinsi",
        None,
        "rsa2048",
    ),
]


def make_official(ca: CertificateAuthority, name: str, office: str, kind="rsa2048") -> Official:
    key = generate_private_key(kind)
    cert = issue_certificate(
        ca, key.public_key(), common_name=name, office=office, institution="Pemerintah Demo"
    )
    return Official(name, office, key, cert)


@pytest.fixture(scope="session")
def ca(tmp_path_factory: pytest.TempPathFactory) -> CertificateAuthority:
    return make_test_ca(tmp_path_factory.mktemp("pades") / "certs")


@pytest.fixture(scope="session")
def timestamper(ca):
    return make_timestamper(ca)


@pytest.fixture(scope="session")
def make_vc(ca):
    """A fresh offline validation context with the CA's published CRLs (or others)."""

    def make(crls=None):
        return make_validation_context(
            ca.trust_roots, ca.read_crls() if crls is None else crls, other_certs=ca.chain
        )

    return make


@pytest.fixture(scope="session")
def officials(ca) -> dict[str, Official]:
    return {
        field: make_official(ca, name, office, key_kind)
        for field, _kind, name, office, _cap, key_kind in ACTS
    }


@pytest.fixture(scope="session")
def sealed_pdf(ca, timestamper, make_vc) -> bytes:
    signer = InternalKeySigner(ca.seal_cert, ca.seal_key, ca.chain)
    return seal_document(
        commitment_pdf(),
        signer,
        timestamper,
        validation_context=make_vc(),
        location="Palangka Raya",
    )


def sign_all(pdf: bytes, ca, officials, timestamper, make_vc) -> bytes:
    for field, kind, name, office, capacity, _key_kind in ACTS:
        pdf = apply_act(
            pdf,
            field_name=field,
            kind=kind,
            signer=officials[field].signer(ca),
            appearance=Appearance(name, office, capacity, SIGNED_AT),
            timestamper=timestamper,
            validation_context=make_vc(),
            location="Palangka Raya",
        )
    return pdf


@pytest.fixture(scope="session")
def signed_pdf(sealed_pdf, ca, officials, timestamper, make_vc) -> bytes:
    """Seal, paraf, three signatures, two witnesses: complete but without B-LTA."""
    return sign_all(sealed_pdf, ca, officials, timestamper, make_vc)


@pytest.fixture(scope="session")
def completed_pdf(signed_pdf, timestamper, make_vc) -> bytes:
    """The signed commitment with its closing document time stamp (B-LTA)."""
    return add_document_timestamp(signed_pdf, timestamper, make_vc())


@pytest.fixture(scope="session")
def nss_db(ca, tmp_path_factory) -> str:
    """A temporary NSS database trusting only the test CA's root (skips without poppler/NSS)."""
    if shutil.which("certutil") is None or shutil.which("pdfsig") is None:
        pytest.skip("pdfsig (poppler-utils) or certutil (libnss3-tools) is not installed")
    directory = tmp_path_factory.mktemp("nss")
    root = directory / "root.pem"
    root.write_bytes(ca.root_cert.public_bytes(serialization.Encoding.PEM))
    db = f"sql:{directory}"
    subprocess.run(["certutil", "-N", "-d", db, "--empty-password"], check=True)
    subprocess.run(
        ["certutil", "-A", "-d", db, "-n", "signing-test-root", "-t", "CT,C,C", "-i", str(root)],
        check=True,
    )
    return db
