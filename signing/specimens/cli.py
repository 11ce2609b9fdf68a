"""``signing users specimen``: store or remove an official's specimens from files."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from signing import db
from signing.cli_support import account_to_change, fail, require_migrated, users_group
from signing.models import SpecimenKind

from .images import MAX_BYTES, SpecimenRejected
from .operations import remove_specimen, store_specimen

COMMANDS: list[click.Command] = []


def _read(path: Path) -> bytes:
    with path.open("rb") as handle:
        # One byte more than accepted is enough to refuse an oversized file.
        return handle.read(MAX_BYTES + 1)


@users_group.command("specimen")
@click.argument("username")
@click.option(
    "--signature",
    "signature",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Spesimen tanda tangan (PNG atau JPEG, paling besar 1 MB).",
)
@click.option(
    "--paraf",
    "paraf",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Spesimen paraf (PNG atau JPEG, paling besar 1 MB).",
)
@click.option(
    "--remove",
    type=click.Choice([k.value for k in SpecimenKind]),
    multiple=True,
    help="Hapus spesimen jenis ini (signature/paraf).",
)
@with_appcontext
def users_specimen(
    username: str, signature: Path | None, paraf: Path | None, remove: tuple[str, ...]
) -> None:
    """Simpan atau hapus spesimen tanda tangan/paraf pejabat.

    Berkas yang ditolak tidak mengubah apa pun (juga spesimen lain pada perintah yang sama).
    """
    require_migrated()
    files = {SpecimenKind.SIGNATURE: signature, SpecimenKind.PARAF: paraf}
    if not remove and not any(files.values()):
        fail("Berikan --signature BERKAS, --paraf BERKAS atau --remove JENIS.")
    user = account_to_change(username)
    done = []
    for kind, path in files.items():
        if path is None:
            continue
        try:
            specimen = store_specimen(db.session, user, kind, _read(path), actor="cli")
        except SpecimenRejected as error:
            db.session.rollback()
            fail(f"{path.name}: {error} Tidak ada yang diubah.")
        done.append(f"{kind.label} disimpan ({specimen.width}x{specimen.height} piksel).")
    for value in remove:
        kind = SpecimenKind(value)
        removed = remove_specimen(db.session, user, kind, actor="cli")
        done.append(f"{kind.label} {'dihapus' if removed else 'tidak ada'}.")
    db.session.commit()
    for line in done:
        click.echo(f"{user.display_name}: {line}")
