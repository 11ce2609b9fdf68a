"""Signed statements outside the PDF: a decline, signed with the official's own key.

A decline changes no document, yet it ends the document's version: it is an act like the
others, so the official signs it. The statement (plain UTF-8 text naming the document, its
current hash, the slot, the capacity, the reason, the time and the audit chain head) is signed
as a detached CMS (pyHanko, the same key and certificate as the official's PDF signatures) and
kept in the audit log's entry for the act. Anyone holding the entry can check it with
:func:`verify_statement`, or ``openssl cms -verify -binary -content statement.txt``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from asn1crypto import cms
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms

from .errors import PadesError
from .signers import ActSigner
from .timestamps import DIGEST
from .validation import make_validation_context

__all__ = ["StatementCheck", "sign_statement", "verify_statement"]


def sign_statement(signer: ActSigner, statement: bytes) -> bytes:
    """A detached CMS signature (DER) of ``statement`` by ``signer``'s key.

    :raises PadesError: the signer could not sign.
    """
    try:
        signed = asyncio.run(
            signer.pyhanko_signer.async_sign_general_data(statement, DIGEST, detached=True)
        )
    except Exception as exc:  # noqa: BLE001 - any signer failure refuses the act
        raise PadesError(f"Pernyataan tidak dapat ditandatangani: {exc}") from exc
    return signed.dump()


@dataclass(frozen=True)
class StatementCheck:
    """What :func:`verify_statement` found."""

    intact: bool
    trusted: bool
    signer_name: str | None
    serial: int | None

    @property
    def valid(self) -> bool:
        return self.intact and self.trusted


def verify_statement(
    statement: bytes,
    signature: bytes,
    *,
    trust_roots: Iterable,
    crls: Iterable = (),
    other_certs: Iterable = (),
    moment: dt.datetime | None = None,
) -> StatementCheck:
    """Check a detached CMS ``signature`` over ``statement`` against the app's trust roots."""
    try:
        content = cms.ContentInfo.load(signature)
        signed_data = content["content"]
        context = make_validation_context(trust_roots, crls, other_certs=other_certs, moment=moment)
        status = asyncio.run(
            async_validate_detached_cms(statement, signed_data, signer_validation_context=context)
        )
    except Exception:  # noqa: BLE001 - an unreadable signature is simply not valid
        return StatementCheck(False, False, None, None)
    cert = status.signing_cert
    return StatementCheck(
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        signer_name=cert.subject.native.get("common_name") if cert is not None else None,
        serial=cert.serial_number if cert is not None else None,
    )
