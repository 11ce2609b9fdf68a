"""``signing demo`` steps of the PKI: the CA, and a signing key for every demo official."""

from __future__ import annotations

import os
import time

import click
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from signing.demo import demo_password
from signing.models import OfficeHolder, User
from signing.pki import service

DEFAULT_DEMO_PASSPHRASE = "tanda-tangan-demo"


def demo_passphrase() -> str:
    return os.environ.get("SIGNING_DEMO_PASSPHRASE") or DEFAULT_DEMO_PASSPHRASE


def demo_officials(db_session: Session) -> list:  # type: ignore[type-arg]
    """Demo accounts that hold an office (the ones who sign, paraf or witness)."""

    return list(
        db_session.execute(
            sa.select(User)
            .join(OfficeHolder, OfficeHolder.user_id == User.id)
            .where(User.is_demo.is_(True), OfficeHolder.ended_on.is_(None))
            .distinct()
            .order_by(User.id)
        ).scalars()
    )


def ensure_demo_ca(app: Flask, db_session: Session, scenario: str | None = None) -> None:

    ca, created = service.ensure_ca(app)
    click.echo(("CA dibuat di " if created else "CA sudah ada di ") + str(ca.certs_dir))
    if created:
        # Demo: no administrator to take the root key away, so it is not kept at all.
        click.echo("Kunci akar demo tidak disimpan (CA demo tidak dapat dirotasi).")
    elif ca.legacy:
        click.echo(
            "Catatan: CA ini dibuat sebelum penyimpanan kunci baru (kunci terenkripsi dengan "
            "SECRET_KEY). Pindahkan: signing ca migrate-custody --root-key-out BERKAS"
        )


def enrol_demo_officials(app: Flask, db_session: Session, scenario: str | None = None) -> None:
    """Enrol every demo official without an active certificate (one KDF run per key)."""

    passphrase = demo_passphrase()
    if passphrase == demo_password():
        raise click.ClickException(
            "SIGNING_DEMO_PASSPHRASE harus berbeda dari kata sandi masuk demo."
        )
    started = time.perf_counter()
    enrolled = 0
    for user in demo_officials(db_session):
        if service.active_certificate(db_session, user) is not None:
            continue
        # The login-password comparison is done once above: all demo accounts share it.
        service.enrol(db_session, user, passphrase, actor="demo", check_password=False, app=app)
        enrolled += 1
    elapsed = time.perf_counter() - started
    if enrolled:
        click.echo(f"{enrolled} pejabat demo didaftarkan kuncinya ({elapsed:.1f} detik).")
    click.echo(f"Frasa sandi penandatanganan demo (semua pejabat): {passphrase}")


DEMO_STEPS = [ensure_demo_ca, enrol_demo_officials]
