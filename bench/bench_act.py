"""An act through the service, beside the best bare pyHanko recipe and pyHanko's stock signer.

"Through the service" is :func:`signing.workflow.operations.perform_act` plus the commit, on a
real database, exactly as a view calls it: the commitment's lock, the rules, the unlock of the
official's key, the PDF loaded and hash-checked, the PAdES act (B-LT: RFC 3161 time stamp and
CRLs in the DSS), the new revision, the act row, the audit entries, the notifications. The
act that completes a commitment also adds the document time stamp (B-LTA).

Right after each act, the same input PDF (the revision the act started from) is signed into the
same field with the same certificate by

* ``bare``: plain ``PdfSigner`` with the key parsed once and ``bytes_reserved`` (the best recipe
  of docs/design.md), same metadata, stamp, time stamper and validation context: what the act costs
  without any of the service around it;
* ``stock``: pyHanko's ``SimpleSigner.load`` from PEM files for every act, no
  ``bytes_reserved``, the stock ``DummyTimeStamper`` (a naive app).

The PAdES part is not the same code in all three: for its B-LT data the service puts the
certificates and CRLs that :mod:`signing.pki` has just checked (chain signature, current CRLs,
validity) straight into the DSS (``apply_act(signer_checked=True)``), whereas ``bare`` and
``stock`` let pyHanko validate the signer's path before signing, its documented way (~5 ms).
The resulting DSS holds the same certificates and CRLs.

The order of the three rotates from act to act so background load hits them alike. Wall-clock
medians are the figures; this process's CPU time is reported beside them (on SQLite it covers
the whole act, on PostgreSQL all but the server's side), because round trips to a database
server on a busy machine cost waiting time that no code of ours spends.

The passphrase unlock (Argon2id) is **not** in these figures: the app under test enrols with the
minimal KDF (``KDF_PARAMS``) so that the figure is the act; the production unlock is measured
on its own (see ``unlock_ms``) and added back in the report.
"""

from __future__ import annotations

import datetime as dt
import gc
import statistics
import time
from io import BytesIO
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

PASSWORD = "kata-sandi-bench-1"
PASSPHRASE = "frasa-sandi-bench-1"
#: Minimal Argon2id: the unlock costs ~0.1 ms, so the act figure is the act.
CHEAP_KDF = {"algorithm": "argon2id", "time_cost": 1, "memory_kib": 64, "parallelism": 1}
#: The order of one commitment's acts under the default routing (regional parties, then the
#: Gubernur; witnesses after the first act): (slot, kind, account pattern).
SEQUENCE = (
    ("kepala_daerah", "paraf", "wakil-{head}-{code}"),
    ("kepala_daerah", "sign", "{head}-{code}"),
    ("ketua_dprd", "sign", "ketua-dprd-{code}"),
    ("gubernur", "sign", "gubernur"),
    ("saksi_wakil_gubernur", "witness", "wakil-gubernur"),
    ("saksi_ketua_dprd_provinsi", "witness", "ketua-dprd-provinsi"),
)


def account(pattern: str, code: str) -> str:
    head = "walikota" if code.endswith(".71") or code.endswith(".72") else "bupati"
    return pattern.format(head=head, code=code)


def prepare_officials(app: Flask, codes: list[str]) -> None:
    """Demo accounts of Kalimantan Tengah, enrolled (with the app's KDF) for ``codes``."""
    from signing import db
    from signing.demo import prepare_demo
    from signing.models import User
    from signing.pki import service

    with app.app_context():
        session = db.session
        prepare_demo(session, PASSWORD)
        session.commit()
        names = {"gubernur", "wakil-gubernur", "ketua-dprd-provinsi"}
        for code in codes:
            names |= {account(pattern, code) for _slot, _kind, pattern in SEQUENCE}
        users = session.execute(sa.select(User).where(User.username.in_(names))).scalars().all()
        assert len(users) == len(names), sorted(names - {u.username for u in users})
        for user in users:
            if service.active_certificate(session, user) is None:
                service.enrol(session, user, PASSPHRASE, actor="bench", check_password=False)
        session.commit()


def bench_event(app: Flask, codes: list[str], name: str, prefix: str) -> list[int]:
    """A new event of province 62 with generated commitments for ``codes``; their ids."""
    from signing import db
    from signing.commitments.generation import generate_event
    from signing.documents.content import (
        DEFAULT_CONSIDERATIONS,
        DEFAULT_LEGAL_BASES,
        DEFAULT_POINTS,
    )
    from signing.models import Event

    with app.app_context():
        session = db.session
        event = Event(
            name=name,
            date=dt.date(2019, 10, 24),
            place="Palangka Raya",
            province_code="62",
            legal_bases=list(DEFAULT_LEGAL_BASES),
            considerations=list(DEFAULT_CONSIDERATIONS),
            points=list(DEFAULT_POINTS),
            number_prefix=prefix,
            is_demo=True,
        )
        session.add(event)
        session.flush()
        report = generate_event(session, event, actor="bench", regions=codes)
        assert report.ok, report.errors
        session.commit()
        return [c.id for c in report.generated]


class _Recipes:
    """The bare and the stock way of making the same act, for one official."""

    def __init__(self, app: Flask, username: str, workdir: Path) -> None:
        from asn1crypto import keys as asn1_keys
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization
        from pyhanko.sign.timestamps import DummyTimeStamper

        from signing import db
        from signing.models import User
        from signing.pades.signers import InternalKeySigner
        from signing.pki import service
        from signing.pki.keystore import decrypt_private_key
        from signing.pki.tsa import to_asn1

        with app.app_context():
            session = db.session
            user = session.execute(sa.select(User).where(User.username == username)).scalar_one()
            record = service.active_certificate(session, user)
            self.cert = x509.load_pem_x509_certificate(record.certificate_pem.encode())
            self.key = decrypt_private_key(record.encrypted_key, PASSPHRASE)
            ca = service.get_ca(app)
            self.chain = list(ca.chain)
            self.timestamper = service.timestamper(app)
            self.crls = service.current_crls(session, app)
            self.roots = list(ca.trust_roots)
            self.issuing = ca.issuing_cert
            self.name = user.display_name
        self.signer = InternalKeySigner(self.cert, self.key, self.chain)
        # Stock material: PEM files on disk, loaded for every act like a naive app would.
        safe = username.replace(".", "_")
        self.key_file = workdir / f"{safe}.key.pem"  # bench-only temp file, deleted with workdir
        self.key_file.write_bytes(
            self.key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        self.cert_file = workdir / f"{safe}.crt"
        self.cert_file.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))
        self.chain_files = []
        for index, cert in enumerate(self.chain):
            path = workdir / f"{safe}.chain{index}.crt"
            path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
            self.chain_files.append(str(path))
        tsa_key = asn1_keys.PrivateKeyInfo.load(
            ca.tsa_key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        self.stock_tsa = DummyTimeStamper(
            tsa_cert=to_asn1(ca.tsa_cert),
            tsa_key=tsa_key,
            certs_to_embed=[to_asn1(c) for c in self.chain],
        )

    def _meta(self, field: str, kind: str, validation_context: Any):  # type: ignore[no-untyped-def]
        from pyhanko.sign import fields as sig_fields
        from pyhanko.sign.signers import PdfSignatureMetadata

        from signing.pades import sign as pades_sign

        return PdfSignatureMetadata(
            field_name=field,
            md_algorithm="sha256",
            reason=pades_sign.default_reason(pades_sign.ActKind(kind)),
            location="Palangka Raya",
            name=self.name,
            subfilter=sig_fields.SigSeedSubFilter.PADES,
            embed_validation_info=True,
            validation_context=validation_context,
            signer_key_usage={"non_repudiation", "digital_signature"},
            dss_settings=pades_sign._dss_settings(),
            docmdp_permissions=sig_fields.MDPPerm.FILL_FORMS,
        )

    def _vc(self):  # type: ignore[no-untyped-def]
        from signing.pades.sign import make_validation_context

        return make_validation_context(self.roots, self.crls, other_certs=[self.issuing])

    def _text(self, kind: str) -> tuple[Any, str]:
        from signing.pades import sign as pades_sign

        appearance = pades_sign.Appearance(self.name, "Pejabat", None, dt.datetime.now(dt.UTC))
        act_kind = pades_sign.ActKind(kind)
        # The same mark as apply_act draws (its style ignores the text parameters).
        return appearance.style(act_kind), appearance.text(act_kind)

    def bare(self, pdf: bytes, field: str, kind: str) -> bytes:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign.signers import PdfSigner

        from signing.pades import sign as pades_sign

        style, text = self._text(kind)
        signer = PdfSigner(
            self._meta(field, kind, self._vc()),
            self.signer.pyhanko_signer,
            timestamper=self.timestamper,
            stamp_style=style,
        )
        signed = signer.sign_pdf(
            IncrementalPdfFileWriter(BytesIO(pdf)),
            existing_fields_only=True,
            bytes_reserved=pades_sign._reserve(self.signer, self.timestamper),
            appearance_text_params={"body": text},
        ).getvalue()
        return self._document_timestamp(signed, self.timestamper, bare=True)

    def _document_timestamp(self, pdf: bytes, timestamper: Any, *, bare: bool) -> bytes:
        """What every act now ends with (B-LTA): a document time stamp with the CRLs in its
        revision; bare: the DSS supplied directly, space reserved; stock: pyHanko validates
        the TSA to collect it."""
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign.signers import PdfTimeStamper
        from pyhanko.sign.signers.pdf_signer import TimestampDSSContentSettings
        from pyhanko.sign.validation.dss import DocumentSecurityStore

        from signing.pades.timestamps import timestamp_reserve
        from signing.pades.validation import to_asn1_crl

        writer = IncrementalPdfFileWriter(BytesIO(pdf))
        settings = TimestampDSSContentSettings(include_vri=False, update_before_ts=True)
        stamper = PdfTimeStamper(timestamper, field_name="CapWaktuDokumen-bench")
        if bare:
            crls = [to_asn1_crl(c) for c in self.crls]
            DocumentSecurityStore.supply_dss_in_writer(writer, None, crls=crls)
            return stamper.timestamp_pdf(
                writer,
                "sha256",
                bytes_reserved=timestamp_reserve(timestamper),
                dss_settings=settings,
            ).getvalue()
        return stamper.timestamp_pdf(
            writer, "sha256", validation_context=self._vc(), dss_settings=settings
        ).getvalue()

    def stock(self, pdf: bytes, field: str, kind: str) -> bytes:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign.signers import PdfSigner, SimpleSigner

        style, text = self._text(kind)
        simple = SimpleSigner.load(
            str(self.key_file), str(self.cert_file), ca_chain_files=self.chain_files
        )
        signer = PdfSigner(
            self._meta(field, kind, self._vc()),
            simple,
            timestamper=self.stock_tsa,
            stamp_style=style,
        )
        signed = signer.sign_pdf(
            IncrementalPdfFileWriter(BytesIO(pdf)),
            existing_fields_only=True,
            appearance_text_params={"body": text},
        ).getvalue()
        return self._document_timestamp(signed, self.stock_tsa, bare=False)


class _GcClock:
    """Seconds spent in garbage collections since it was made (through ``gc.callbacks``)."""

    def __init__(self) -> None:
        self.total = 0.0
        self._started = 0.0
        gc.callbacks.append(self._tick)

    def _tick(self, phase: str, _info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.total += time.perf_counter() - self._started

    def close(self) -> None:
        gc.callbacks.remove(self._tick)


def _service_act(app: Flask, commitment_id: int, slot: str, kind: str, username: str) -> None:
    from signing import db
    from signing.models import User
    from signing.workflow.operations import perform_act

    with app.app_context():
        session = db.session
        user = session.execute(sa.select(User).where(User.username == username)).scalar_one()
        try:
            perform_act(
                session,
                commitment_id=commitment_id,
                role=slot,
                kind=kind,
                user=user,
                passphrase=PASSPHRASE,
                capacity="stand_in" if username.startswith("wakil-") and kind == "paraf" else None,
            )
        except Exception:
            session.rollback()
            raise
        session.commit()


def _current_pdf(app: Flask, commitment_id: int) -> tuple[bytes, str]:
    from signing import db
    from signing.commitments.storage import current_pdf
    from signing.models import Commitment

    with app.app_context():
        session = db.session
        commitment = session.get(Commitment, commitment_id)
        return current_pdf(session, commitment), commitment.current_sha256


def _field(slot: str, kind: str) -> str:
    from signing.documents.content import paraf_field_name, signature_field_name

    return paraf_field_name(slot) if kind == "paraf" else signature_field_name(slot)


def run(app: Flask, *, commitments: int = 4, workdir: Path) -> dict[str, Any]:
    """Make every act of ``commitments`` Kalimantan Tengah commitments through the service,
    each followed by the bare and stock recipes on the same input. Medians in ms."""
    from signing import db
    from signing.models import Act

    codes = [f"62.{n:02d}" for n in range(1, commitments + 1)]
    prepare_officials(app, codes)
    ids = bench_event(app, codes, "Rakor PTSP Prima (uji kecepatan tindakan)", "ACT/PTSP")
    usernames = {account(p, c) for c in codes for _s, _k, p in SEQUENCE}
    recipes = {name: _Recipes(app, name, workdir) for name in sorted(usernames)}

    samples: dict[str, list[float]] = {"ours": [], "bare": [], "stock": []}
    gc_time = {"ours": 0.0, "bare": 0.0, "stock": 0.0}
    # ours / bare of each act, the two made one right after the other on the same input: a
    # machine that slows down and speeds up again affects both sides of each ratio alike.
    paired: list[float] = []
    pair: dict[str, float] = {}
    cpu: dict[str, list[float]] = {"ours": [], "bare": [], "stock": []}
    completing: list[float] = []
    clock = time.perf_counter
    cpu_clock = time.process_time
    # Warm up each recipe once (pyHanko's dummy-token cache in the time stampers, imports).
    warm_pdf, _ = _current_pdf(app, ids[0])
    any_recipe = recipes[account(SEQUENCE[1][2], codes[0])]
    any_recipe.bare(warm_pdf, _field("kepala_daerah", "sign"), "sign")
    any_recipe.stock(warm_pdf, _field("kepala_daerah", "sign"), "sign")
    # As a gunicorn worker does after its warm-up (signing.serving): the start-up objects leave
    # the garbage collector's generations, so a full collection does not walk them all again
    # in the middle of whichever variant happens to trigger it.
    gc.collect()
    gc.freeze()
    gc_paused = _GcClock()
    try:
        turn = 0
        for commitment_id, code in zip(ids, codes, strict=True):
            for step, (slot, kind, pattern) in enumerate(SEQUENCE):
                username = account(pattern, code)
                pdf, _sha = _current_pdf(app, commitment_id)
                field = _field(slot, kind)
                recipe = recipes[username]
                variants = {
                    "ours": lambda c=commitment_id, s=slot, k=kind, u=username: _service_act(
                        app, c, s, k, u
                    ),
                    "bare": lambda p=pdf, f=field, k=kind, r=recipe: r.bare(p, f, k),
                    "stock": lambda p=pdf, f=field, k=kind, r=recipe: r.stock(p, f, k),
                }
                order = list(variants)
                order = order[turn % 3 :] + order[: turn % 3]
                turn += 1
                for name in order:
                    gc_started = gc_paused.total
                    started, cpu_started = clock(), cpu_clock()
                    variants[name]()
                    elapsed, cpu_used = clock() - started, cpu_clock() - cpu_started
                    gc_time[name] += gc_paused.total - gc_started
                    if name == "ours" and step == len(SEQUENCE) - 1:
                        completing.append(elapsed)
                    else:
                        samples[name].append(elapsed)
                        cpu[name].append(cpu_used)
                        pair[name] = elapsed
                if step != len(SEQUENCE) - 1:
                    paired.append(pair["ours"] / pair["bare"])
    finally:
        gc_paused.close()
        gc.unfreeze()
    with app.app_context():
        acts = db.session.execute(
            sa.select(sa.func.count(Act.id)).where(Act.commitment_id.in_(ids), Act.kind != "seal")
        ).scalar_one()

    # Every act, ours and the recipes', ends with a document time stamp (issue 16); the completing
    # act is still reported on its own, and the ratio compares the other acts.
    def med(values: list[float]) -> float:
        return round(1000 * statistics.median(values), 2)

    ours = med(samples["ours"])
    bare = med(samples["bare"])
    stock = med(samples["stock"])
    return {
        "acts": acts,
        "commitments": len(ids),
        "ours_ms": ours,
        "bare_ms": bare,
        "stock_ms": stock,
        "ours_mean_ms": round(1000 * statistics.fmean(samples["ours"]), 2),
        "completing_act_ms": med(completing) if completing else None,
        "ours_vs_bare": round(ours / bare, 3),
        "ours_vs_bare_paired": round(statistics.median(paired), 3),
        "stock_vs_ours": round(stock / ours, 3),
        # CPU time of this process (the database server's is not in it): less sensitive to
        # whatever else the machine is running than the wall-clock medians above.
        "ours_cpu_ms": med(cpu["ours"]),
        "bare_cpu_ms": med(cpu["bare"]),
        "stock_cpu_ms": med(cpu["stock"]),
        "ours_vs_bare_cpu": round(med(cpu["ours"]) / med(cpu["bare"]), 3),
        # Time in garbage collections during each variant, all acts together.
        "gc_ms": {name: round(1000 * seconds, 1) for name, seconds in gc_time.items()},
        "database": app.extensions["signing.engine"].dialect.name,
        "commitment_ids": ids,
    }
