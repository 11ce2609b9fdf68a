"""Signing and verification speed: our service against pyHanko stock and the bare recipe.

Run ``python -m bench.bench_signing`` (or ``python bench/bench_signing.py``). Prints
medians in ms beside the references and the ratios; it asserts nothing (targets from
issue 4: our act within 1.3x of the bare recipe and at least 4x faster than stock;
verification within 1.2x of a bare pyHanko loop).

All variants sign the same field of the same document (sealed, three acts already
in it), interleaved round-robin so background load hits them alike:

* ``ours``   - :func:`signing.pades.sign.apply_act` with :class:`InternalKeySigner`
  (key already unlocked; the unlock is measured on its own).
* ``bare``   - plain ``PdfSigner`` with the key parsed once and ``bytes_reserved``
  set (the best recipe of docs/design.md), same metadata and stamp as ours.
* ``stock``  - a naive app: ``SimpleSigner.load`` from PEM files for every act, no
  ``bytes_reserved``; pyHanko's stock ``DummyTimeStamper`` when time-stamped.

Two tiers: ``plain`` (no time stamp, no revocation data) and ``blt`` (RFC 3161
signature time stamp + CRLs in the DSS, as the application signs).
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

if __package__ in (None, ""):  # python bench/bench_signing.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from asn1crypto import keys as asn1_keys
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields as sig_fields
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, SimpleSigner
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko.sign.validation import validate_pdf_signature

from signing.pades import _speedups
from signing.pades import sign as pades_sign
from signing.pades.sign import ActKind, Appearance, apply_act, make_validation_context
from signing.pades.signers import InternalKeySigner
from signing.pades.verify import verify_pdf
from signing.pki.ca import init_ca, issue_certificate
from signing.pki.keystore import (
    DEFAULT_KDF,
    KdfParams,
    decrypt_private_key,
    encrypt_private_key,
    generate_private_key,
)
from signing.pki.tsa import make_timestamper, to_asn1
from tests.pades.pdf_helpers import commitment_pdf

ROUNDS = 15
VERIFY_ROUNDS = 10
FIELD = "ttd_ketua_dprd"
SIGNED_AT = dt.datetime(2026, 11, 29, 3, 15, tzinfo=dt.UTC)
PREVIOUS_ACTS = [
    ("paraf_bupati", ActKind.PARAF),
    ("ttd_gubernur", ActKind.SIGN),
    ("ttd_bupati", ActKind.SIGN),
]


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


def _interleaved(variants: dict[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    for fn in variants.values():  # warm caches (timestamper dummy token, imports)
        fn()
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, fn in variants.items():
            started = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - started)
    return {name: _median_ms(values) for name, values in samples.items()}


def _setup(workdir: Path):
    ca = init_ca(
        workdir / "certs",
        b"bench",
        organisation="DPMPTSP Bench",
        base_url="http://signing.test",
        kdf=KdfParams(time_cost=1, memory_kib=1024),
    )
    timestamper = make_timestamper(ca)

    def vc():
        return make_validation_context(ca.trust_roots, ca.read_crls(), other_certs=ca.chain)

    def official(name):
        key = generate_private_key("rsa2048")
        cert = issue_certificate(
            ca, key.public_key(), common_name=name, office="Pejabat", institution="Bench"
        )
        return key, cert

    pdf = pades_sign.seal_document(
        commitment_pdf(),
        InternalKeySigner(ca.seal_cert, ca.seal_key, ca.chain),
        timestamper,
        validation_context=vc(),
    )
    for field, kind in PREVIOUS_ACTS:
        key, cert = official(field)
        pdf = apply_act(
            pdf,
            field_name=field,
            kind=kind,
            signer=InternalKeySigner(cert, key, ca.chain),
            appearance=Appearance(field, "Pejabat", None, SIGNED_AT),
            timestamper=timestamper,
            validation_context=vc(),
        )
    return ca, timestamper, vc, pdf, official


def _write_pem(workdir: Path, key, cert, ca) -> tuple[str, str, list[str]]:
    key_path = workdir / "stock.key.pem"  # bench-only temp file, deleted with workdir
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_path = workdir / "stock.crt"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    chain = []
    for i, c in enumerate(ca.chain):
        p = workdir / f"chain{i}.crt"
        p.write_bytes(c.public_bytes(serialization.Encoding.PEM))
        chain.append(str(p))
    return str(key_path), str(cert_path), chain


def run() -> dict:
    """Measure everything once; returns the figures (ms) and ratios."""
    with tempfile.TemporaryDirectory(prefix="bench-signing-") as tmp:
        workdir = Path(tmp)
        ca, timestamper, vc, pdf, official = _setup(workdir)
        key, cert = official("Ketua DPRD Bench")
        appearance = Appearance("Ketua DPRD Bench", "Ketua DPRD", None, SIGNED_AT)
        text = appearance.text(ActKind.SIGN)
        style = appearance.style(ActKind.SIGN)

        # -- unlock with the production KDF (Argon2id 64 MiB)
        blob = encrypt_private_key(key, "frasa-sandi-bench", kdf=DEFAULT_KDF)
        unlock = _interleaved({"unlock": lambda: decrypt_private_key(blob, "frasa-sandi-bench")}, 5)

        # -- stock material: files on disk, loaded on every act like a naive app
        key_file, cert_file, chain_files = _write_pem(workdir, key, cert, ca)
        tsa_key_info = asn1_keys.PrivateKeyInfo.load(
            ca.tsa_key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        stock_tsa = DummyTimeStamper(
            tsa_cert=to_asn1(ca.tsa_cert),
            tsa_key=tsa_key_info,
            certs_to_embed=[to_asn1(c) for c in ca.chain],
        )

        def meta(blt: bool) -> PdfSignatureMetadata:
            return PdfSignatureMetadata(
                field_name=FIELD,
                md_algorithm="sha256",
                reason="Menandatangani komitmen",
                subfilter=sig_fields.SigSeedSubFilter.PADES,
                embed_validation_info=blt,
                validation_context=vc() if blt else None,
                signer_key_usage={"non_repudiation", "digital_signature"},
                dss_settings=pades_sign._dss_settings(),
            )

        def ours(blt: bool):
            return apply_act(
                pdf,
                field_name=FIELD,
                kind=ActKind.SIGN,
                signer=InternalKeySigner(cert, key, ca.chain),
                appearance=appearance,
                timestamper=timestamper if blt else None,
                validation_context=vc() if blt else None,
                embed_revocation=blt,
            )

        def bare(blt: bool):
            signer = InternalKeySigner(cert, key, ca.chain)
            reserved = pades_sign._reserve(signer, timestamper if blt else None)
            pdf_signer = PdfSigner(
                meta(blt),
                signer.pyhanko_signer,
                timestamper=timestamper if blt else None,
                stamp_style=style,
            )
            return pdf_signer.sign_pdf(
                IncrementalPdfFileWriter(BytesIO(pdf)),
                existing_fields_only=True,
                bytes_reserved=reserved,
                appearance_text_params={"body": text},
            ).getvalue()

        def stock(blt: bool):
            signer = SimpleSigner.load(key_file, cert_file, ca_chain_files=chain_files)
            pdf_signer = PdfSigner(
                meta(blt),
                signer,
                timestamper=stock_tsa if blt else None,
                stamp_style=style,
            )
            return pdf_signer.sign_pdf(
                IncrementalPdfFileWriter(BytesIO(pdf)),
                existing_fields_only=True,
                appearance_text_params={"body": text},
            ).getvalue()

        signing = {}
        for tier, blt in (("plain", False), ("blt", True)):
            figures = _interleaved(
                {
                    "ours": lambda b=blt: ours(b),
                    "bare": lambda b=blt: bare(b),
                    "stock": lambda b=blt: stock(b),
                },
                ROUNDS,
            )
            figures["ours_vs_bare"] = round(figures["ours"] / figures["bare"], 2)
            figures["stock_vs_ours"] = round(figures["stock"] / figures["ours"], 2)
            signing[tier] = figures

        # -- verification of a 5-signature B-LT document (seal + 4 acts)
        doc = ours(True)
        crls = ca.read_crls()

        def verify_ours():
            report = verify_pdf(doc, trust_roots=ca.trust_roots, crls=crls)
            assert report.valid, report.problems
            return report

        def verify_bare():
            reader = PdfFileReader(BytesIO(doc))
            context = make_validation_context(ca.trust_roots, crls)
            results = [
                validate_pdf_signature(emb, context, context) for emb in reader.embedded_signatures
            ]
            assert all(r.bottom_line for r in results)
            return results

        signatures = len(verify_ours().signatures)
        verification = _interleaved({"ours": verify_ours, "bare": verify_bare}, VERIFY_ROUNDS)
        verification["ours_vs_bare"] = round(verification["ours"] / verification["bare"], 2)
        verification["signatures"] = signatures

        # -- the same with pyHanko's byte-by-byte hex reader (signing.pades._speedups off)
        _speedups.uninstall()
        try:
            slow = _interleaved(
                {"act_blt": lambda: ours(True), "verify": verify_ours}, max(5, ROUNDS // 3)
            )
        finally:
            _speedups.install()
        without_fast_hex = {
            "act_blt": slow["act_blt"],
            "verify": slow["verify"],
        }

        return {
            "unlock_ms": unlock["unlock"],
            "kdf": (
                f"{DEFAULT_KDF.algorithm} t={DEFAULT_KDF.time_cost} m={DEFAULT_KDF.memory_kib}KiB"
            ),
            "signing_ms": signing,
            "verification_ms": verification,
            "without_fast_hex_ms": without_fast_hex,
            "document_bytes": len(doc),
            "targets": {"ours_vs_bare": 1.3, "stock_vs_ours": 4.0, "verify_ours_vs_bare": 1.2},
        }


def main() -> None:
    r = run()
    print(f"Passphrase unlock ({r['kdf']}): {r['unlock_ms']} ms (reference: 100-250 ms)")
    for tier, f in r["signing_ms"].items():
        print(
            f"Act [{tier:5}]  ours {f['ours']:7.2f} ms | bare recipe {f['bare']:7.2f} ms | "
            f"stock SimpleSigner {f['stock']:7.2f} ms | ours/bare {f['ours_vs_bare']:.2f} "
            f"(target <= 1.3) | stock/ours {f['stock_vs_ours']:.2f} (target >= 4)"
        )
    v = r["verification_ms"]
    print(
        f"Verify {v['signatures']}-signature B-LT document: ours {v['ours']:.2f} ms | "
        f"bare pyHanko loop {v['bare']:.2f} ms | ours/bare {v['ours_vs_bare']:.2f} (target <= 1.2)"
    )
    w = r["without_fast_hex_ms"]
    print(
        f"Without the fast hex reader: B-LT act {w['act_blt']:.2f} ms, "
        f"verification {w['verify']:.2f} ms (pyHanko's byte-by-byte loop)"
    )
    print(f"Signed document: {r['document_bytes']} bytes")
    print("References (docs/design.md): stock 93 ms, bare 11.4 ms (no TS/B-LT, fresh document);")
    print("  5-signature verification ~76 ms, ~250 ms with DSS LTV data.")


if __name__ == "__main__":
    main()
