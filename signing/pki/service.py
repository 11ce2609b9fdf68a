"""The PKI as the application uses it: the CA of this app, officials' keys, CRLs from the database.

:mod:`signing.pki.ca`, :mod:`signing.pki.keystore` and :mod:`signing.pki.tsa` know nothing of the
database or Flask; the modules gathered here bind them to the current app and to the
``signing_certificates`` table. Operations change objects and write audit entries; they never
commit. One module a job:

- :mod:`signing.pki.authority`: the CA's online keys, the key ceremony and rotation, the time
  stamper and the office seal;
- :mod:`signing.pki.enrolment`: officials' key pairs and certificates, enrolled and revoked;
- :mod:`signing.pki.unlock`: unlocking a key for one act, and the wrong-passphrase throttle
  (a caller that catches its refusals must still commit: see that module);
- :mod:`signing.pki.revocation`: CRLs, OCSP, the validation context and the document time
  stamp.

This module is the one import path the rest of the app uses for all of them.
"""

from __future__ import annotations

from signing.pki.authority import (
    ensure_ca,
    get_ca,
    kdf_params,
    key_backend,
    legacy_ca_passphrase,
    migrate_custody,
    rotate_ca,
    seal_signer,
    timestamper,
    trust_roots,
)
from signing.pki.enrolment import (
    MIN_PASSPHRASE_LENGTH,
    active_certificate,
    enrol,
    institution_of,
    latest_certificate,
    revoke,
)
from signing.pki.errors import (
    CaMissing,
    CertificateNotUsable,
    NotAnOfficial,
    NotEnrolled,
    PassphraseLocked,
    PassphraseRejected,
    PkiError,
    WrongPassphrase,
)
from signing.pki.revocation import (
    REVOCATION_REASONS,
    answer_ocsp,
    certificate_der,
    certificate_of,
    crl,
    current_crls,
    document_timestamp,
    ocsp_responses,
    publish_crls,
    revoked_entries,
    validation_context,
)
from signing.pki.unlock import (
    EnrolledSigner,
    LockState,
    change_passphrase,
    lock_state,
    signer_for_act,
)

__all__ = [
    "MIN_PASSPHRASE_LENGTH",
    "REVOCATION_REASONS",
    "CaMissing",
    "CertificateNotUsable",
    "EnrolledSigner",
    "LockState",
    "NotAnOfficial",
    "NotEnrolled",
    "PassphraseLocked",
    "PassphraseRejected",
    "PkiError",
    "WrongPassphrase",
    "active_certificate",
    "answer_ocsp",
    "certificate_der",
    "certificate_of",
    "change_passphrase",
    "crl",
    "current_crls",
    "document_timestamp",
    "enrol",
    "ensure_ca",
    "get_ca",
    "institution_of",
    "kdf_params",
    "key_backend",
    "latest_certificate",
    "legacy_ca_passphrase",
    "lock_state",
    "migrate_custody",
    "ocsp_responses",
    "publish_crls",
    "revoke",
    "revoked_entries",
    "rotate_ca",
    "seal_signer",
    "signer_for_act",
    "timestamper",
    "trust_roots",
    "validation_context",
]
