"""``signing ca ...`` and the key subcommands of ``signing users``.

The key commands (``users enrol``, ``users revoke-key``, ``users change-passphrase``) hang under
the existing ``signing users`` group: an official's key is a property of their account, and one
group is easier to find than two. Exit codes: 0 done, 1 refused (message on stderr).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from cryptography.hazmat.primitives import hashes
from flask import current_app
from flask.cli import with_appcontext

from signing import db
from signing.cli_support import account_to_change, fail, require_migrated, users_group
from signing.commitments.archive import DEFAULT_BEFORE_DAYS, due_records, renew
from signing.db import begin_write
from signing.pades.errors import PadesError
from signing.pki import service
from signing.pki.ca import crl_from_bytes

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def _or_fail(operation: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``operation(*args, **kwargs)``; a PKI refusal ends the command (exit 1, its message)."""
    try:
        return operation(*args, **kwargs)
    except service.PkiError as error:
        fail(str(error))


@click.group("ca", help="CA aplikasi: sertifikat akar, penerbit, TSA, segel instansi dan CRL.")
def ca_group() -> None:
    pass


def _root_passphrase(*, new: bool) -> Callable[[F], F]:
    """``--root-passphrase``; for a root key file about to be written (``new``), asked twice."""
    return click.option(
        "--root-passphrase",
        envvar="SIGNING_ROOT_KEY_PASSPHRASE",
        prompt="Frasa sandi kunci akar",
        hide_input=True,
        confirmation_prompt="Ulangi frasa sandi kunci akar" if new else False,
        help="Frasa sandi berkas kunci akar"
        + (", minimal 12 karakter" if new else "")
        + " (atau SIGNING_ROOT_KEY_PASSPHRASE).",
    )


#: Where the ceremony (and a custody migration) writes the root key, to be taken away.
_ROOT_KEY_OUT = click.option(
    "--root-key-out",
    type=click.Path(dir_okay=False, writable=True),
    required=True,
    help="Berkas tujuan kunci akar (PKCS#8 terenkripsi), di media yang dibawa pergi.",
)


@ca_group.command("init")
@_ROOT_KEY_OUT
@_root_passphrase(new=True)
@with_appcontext
def ca_init(root_key_out: str, root_passphrase: str) -> None:
    """Upacara kunci: buat CA; kunci akar ditulis ke --root-key-out, tidak ke server."""
    ca, created = _or_fail(
        service.ensure_ca, root_key_out=Path(root_key_out), root_passphrase=root_passphrase
    )
    if created:
        click.echo(f"CA dibuat di {ca.certs_dir} (kunci daring: {ca.backend.kind}).")
        click.echo(
            f"Kunci akar ditulis ke {root_key_out}. Simpan di luar server (misalnya dua salinan "
            "di media terpisah) lalu hapus dari mesin ini; diperlukan lagi hanya untuk "
            "signing ca rotate."
        )
    else:
        click.echo(f"CA sudah ada di {ca.certs_dir}; tidak diubah.")
    click.echo(f"Akar: {ca.root_cert.subject.rfc4514_string()}")


@ca_group.command("rotate")
@click.option(
    "--root-key",
    type=click.Path(exists=True, dir_okay=False),
    required=True,
    help="Berkas kunci akar yang ditulis oleh signing ca init.",
)
@_root_passphrase(new=False)
@with_appcontext
def ca_rotate(root_key: str, root_passphrase: str) -> None:
    """Terbitkan ulang CA penerbit, TSA dan segel dengan kunci baru (dokumen lama tetap sah)."""
    ca = _or_fail(service.rotate_ca, None, Path(root_key), root_passphrase)
    click.echo(f"CA penerbit baru: {ca.issuing_cert.subject.rfc4514_string()}")
    click.echo(f"{len(ca.previous_issuing)} CA penerbit lama tetap disimpan untuk CRL-nya.")
    click.echo(f"Kunci daring: {ca.backend.kind}. Bawa kembali berkas kunci akar ke luar server.")


@ca_group.command("migrate-custody")
@_ROOT_KEY_OUT
@_root_passphrase(new=True)
@with_appcontext
def ca_migrate_custody(root_key_out: str, root_passphrase: str) -> None:
    """Pindahkan CA lama (kunci terenkripsi dengan SECRET_KEY) ke penyimpanan kunci baru."""
    ca = _or_fail(service.migrate_custody, None, Path(root_key_out), root_passphrase)
    click.echo(f"Kunci akar ditulis ke {root_key_out}; simpan di luar server.")
    click.echo(f"Kunci daring baru ({ca.backend.kind}); CA penerbit lama tetap sah.")


@ca_group.command("show")
@with_appcontext
def ca_show() -> None:
    """Tampilkan sertifikat CA, masa berlaku dan URL CRL."""
    ca = _or_fail(service.get_ca)
    click.echo(f"Direktori: {ca.certs_dir}")
    click.echo(f"Organisasi: {ca.organisation}")
    if ca.legacy:
        click.echo(
            "PERINGATAN: kunci CA masih terenkripsi dengan SECRET_KEY dan kunci akar ada di "
            "server. Jalankan: signing ca migrate-custody --root-key-out BERKAS"
        )
    else:
        click.echo(f"Kunci daring: {ca.backend.kind}; kunci akar tidak di server.")
    for label, cert in (
        ("akar", ca.root_cert),
        ("penerbit", ca.issuing_cert),
        ("TSA", ca.tsa_cert),
        ("segel", ca.seal_cert),
    ):
        fingerprint = cert.fingerprint(hashes.SHA256()).hex(":").upper()
        click.echo(f"[{label}] {cert.subject.rfc4514_string()}")
        click.echo(
            f"    berlaku {cert.not_valid_before_utc:%Y-%m-%d} s.d. "
            f"{cert.not_valid_after_utc:%Y-%m-%d}; serial {cert.serial_number:x}"
        )
        click.echo(f"    SHA-256 {fingerprint}")
    click.echo(f"CRL: {ca.url('root.crl')}  {ca.url('issuing.crl')}")
    if ca.crl_path("root").exists():
        until = crl_from_bytes(ca.crl_path("root").read_bytes()).next_update_utc
        if until is not None:
            click.echo(
                f"CRL akar berlaku s.d. {until:%Y-%m-%d} (perbarui dengan signing ca rotate)."
            )
    if ca.tsa_cert.issuer != ca.root_cert.subject:
        click.echo(
            "Catatan: TSA diterbitkan oleh CA penerbit (CRL 7 hari); signing ca rotate "
            "menerbitkannya dari akar agar salinan tetap dapat diperiksa luring."
        )
    tsa = current_app.config.get("TSA_URL")
    click.echo(f"TSA: {tsa or 'internal'}")


@ca_group.command("crl")
@with_appcontext
def ca_crl() -> None:
    """Tulis CRL terkini (dari basis data) ke CERTS_DIR."""
    require_migrated()
    paths = _or_fail(service.publish_crls, db.session)
    revoked = len(service.revoked_entries(db.session))
    for path in paths:
        click.echo(f"Ditulis: {path}")
    click.echo(f"{revoked} sertifikat tercantum sebagai dicabut.")


@users_group.command("enrol")
@click.argument("username")
@click.password_option(
    "--passphrase",
    prompt="Frasa sandi penandatanganan",
    confirmation_prompt="Ulangi frasa sandi",
    help="Frasa sandi penandatanganan (berbeda dari kata sandi masuk).",
)
@with_appcontext
def users_enrol(username: str, passphrase: str) -> None:
    """Buat kunci dan sertifikat tanda tangan untuk pejabat (pendaftaran ulang mengganti kunci)."""
    require_migrated()
    user = account_to_change(username)
    try:
        record = service.enrol(db.session, user, passphrase, actor="cli")
    except service.PkiError as error:
        db.session.rollback()
        fail(str(error))
    db.session.commit()
    click.echo(f"Sertifikat {record.serial} diterbitkan untuk {user.display_name}.")
    click.echo(f"Subjek: {record.subject}")
    click.echo(f"Berlaku s.d. {record.not_after:%Y-%m-%d}.")


@users_group.command("revoke-key")
@click.argument("username")
@click.option(
    "--reason",
    type=click.Choice(sorted(("affiliation_changed", "key_compromise", "cessation_of_operation"))),
    required=True,
    help="affiliation_changed: tidak lagi menjabat; key_compromise: kunci/frasa sandi bocor.",
)
@with_appcontext
def users_revoke_key(username: str, reason: str) -> None:
    """Cabut sertifikat aktif pejabat; CRL di CERTS_DIR diperbarui."""
    require_migrated()
    user = account_to_change(username)
    record = service.active_certificate(db.session, user)
    if record is None:
        fail(f"Akun '{username}' tidak memiliki sertifikat aktif.")
    try:
        service.revoke(db.session, record, reason, actor="cli")
    except service.PkiError as error:
        db.session.rollback()
        fail(str(error))
    db.session.commit()
    # Only after the commit: a CRL must never list a revocation that was rolled back.
    service.publish_crls(db.session)
    click.echo(f"Sertifikat {record.serial} milik {user.display_name} dicabut ({reason}).")


@users_group.command("change-passphrase")
@click.argument("username")
@click.option("--old", prompt="Frasa sandi lama", hide_input=True)
@click.password_option(
    "--new", prompt="Frasa sandi baru", confirmation_prompt="Ulangi frasa sandi baru"
)
@with_appcontext
def users_change_passphrase(username: str, old: str, new: str) -> None:
    """Ganti frasa sandi penandatanganan (kunci dan sertifikat tetap)."""
    require_migrated()
    user = account_to_change(username)
    try:
        service.change_passphrase(db.session, user, old, new, actor="cli")
    except service.PkiError as error:
        # The failed attempt is kept: it counts toward the passphrase throttle.
        db.session.commit()
        fail(str(error))
    db.session.commit()
    click.echo("Frasa sandi penandatanganan diganti.")


@click.group("archive", help="Arsip jangka panjang: cap waktu dokumen yang diperbarui.")
def archive_group() -> None:
    pass


@archive_group.command("renew")
@click.option(
    "--before",
    "before_days",
    type=click.IntRange(min=0),
    default=None,
    help="Perbarui bila cap waktu terakhir tidak dapat diperiksa lagi dalam sekian hari "
    "(bawaan 60).",
)
@click.option("--all", "everything", is_flag=True, help="Perbarui semua dokumen lengkap.")
@with_appcontext
def archive_renew(before_days: int | None, everything: bool) -> None:
    """Tambahkan cap waktu dokumen baru (dengan data pencabutan baru) ke dokumen lengkap yang
    cap waktu terakhirnya hampir kedaluwarsa. Jalankan setiap hari (cron atau systemd timer)."""

    require_migrated()
    days = DEFAULT_BEFORE_DAYS if before_days is None else before_days
    begin_write(db.session)
    checked = renewed = 0
    try:
        for check in list(due_records(db.session, before_days=days, everything=everything)):
            checked += 1
            if not check.due:
                continue
            renew(db.session, check.commitment, actor="cli")
            renewed += 1
            click.echo(f"Diperbarui: {check.commitment.number}")
    except (PadesError, service.PkiError) as error:
        db.session.rollback()
        fail(f"Pembaruan arsip gagal, tidak ada yang disimpan: {error}")
    db.session.commit()
    click.echo(f"{renewed} dari {checked} dokumen lengkap diperbarui.")
    root_crl = crl_from_bytes(service.get_ca().root_crl())
    until = root_crl.next_update_utc
    if until is not None and until - dt.datetime.now(dt.UTC) < dt.timedelta(days=days):
        click.echo(
            f"PERINGATAN: CRL akar berlaku hanya s.d. {until:%Y-%m-%d}. Bawa kunci akar dan "
            "jalankan signing ca rotate (menandatangani CRL akar baru), lalu archive renew.",
            err=True,
        )


COMMANDS = [ca_group, archive_group]
