"""``signing users token create|list|revoke``: API tokens from the command line.

The ``token`` group hangs under the existing ``users`` group (added when this module is
imported by :func:`signing.cli._feature_commands`), so ``COMMANDS`` stays empty.

Exit codes: 0 done; 1 refused (unknown user or token, token already revoked, empty name).
"""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from signing import db
from signing.cli import fail, require_migrated, users_group


@click.group("token", help="Token API untuk integrasi sistem e-office.")
def token_group() -> None:
    pass


def _user(username: str):  # type: ignore[no-untyped-def]
    from signing.models import User

    user = db.session.execute(sa.select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        fail(f"Akun '{username}' tidak ditemukan.")
    return user


@token_group.command("create")
@click.argument("username")
@click.option("--name", required=True, help="Nama token, misalnya nama sistem yang memakainya.")
@with_appcontext
def token_create(username: str, name: str) -> None:
    """Buat token untuk USERNAME; token ditampilkan SEKALI dan hanya hash-nya yang disimpan."""
    from signing.api.tokens import TokenError, create_token

    require_migrated()
    user = _user(username)
    try:
        token, plain = create_token(db.session, user, name, actor="cli")
    except TokenError as error:
        fail(str(error))
    db.session.commit()
    click.echo(f"Token #{token.id} '{token.name}' untuk {user.username} ({user.role.value}).")
    click.echo("Simpan sekarang; token ini tidak akan ditampilkan lagi:", err=True)
    click.echo(plain)


@token_group.command("list")
@click.argument("username")
@with_appcontext
def token_list(username: str) -> None:
    """Daftar token USERNAME (id, nama, dibuat, terakhir dipakai, status); tanpa token-nya."""
    from signing.api.tokens import tokens_of
    from signing.verification.service import format_wib

    require_migrated()
    user = _user(username)
    found = tokens_of(db.session, user)
    if not found:
        click.echo(f"{user.username} belum memiliki token.")
        return
    for token in found:
        state = f"dicabut {format_wib(token.revoked_at)}" if token.revoked_at else "aktif"
        used = format_wib(token.last_used_at) or "belum dipakai"
        click.echo(
            f"{token.id}\t{token.name}\tdibuat {format_wib(token.created_at)}\t{used}\t{state}"
        )


@token_group.command("revoke")
@click.argument("token_id", type=int)
@with_appcontext
def token_revoke(token_id: int) -> None:
    """Cabut token nomor TOKEN_ID; permintaan dengan token itu langsung ditolak (401)."""
    from signing.api.tokens import TokenError, revoke_token
    from signing.models import ApiToken

    require_migrated()
    token = db.session.get(ApiToken, token_id)
    if token is None:
        fail(f"Token #{token_id} tidak ditemukan.")
    try:
        revoke_token(db.session, token, actor="cli")
    except TokenError as error:
        fail(str(error))
    db.session.commit()
    click.echo(f"Token #{token.id} '{token.name}' ({token.user.username}) dicabut.")


users_group.add_command(token_group)

#: Nothing at the top level: ``token`` lives under ``users``.
COMMANDS: list[click.Command] = []
