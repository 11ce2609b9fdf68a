"""The official's signing key page (``/kunci-tanda-tangan``): enrolment, passphrase change, and the
specimens of handwritten signature and paraf.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Response,
    abort,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext

from signing import db
from signing.models import (
    Role,
    Specimen,
    SpecimenKind,
    User,
)
from signing.web.access import role_required
from signing.web.inbox.common import (
    bp,
    client_agent,
    client_ip,
    official,
    passphrase_throttle,
)
from signing.web.unit import UnitOfWork, carried_text, committed

# ----------------------------------------------------------------------------- enrolment


@bp.route("/kunci-tanda-tangan", methods=["GET", "POST"])
@role_required(Role.OFFICIAL)
@passphrase_throttle(methods=["POST"])
def enrol():  # type: ignore[no-untyped-def]
    """Show the signing certificate; issue one (POST ``action=enrol``) or change the passphrase
    (POST ``action=change``)."""

    user = official()
    error = None
    status = 200
    if request.method == "POST":
        action = request.form.get("action")
        if action == "change":
            error, status = _change_passphrase(user)
        else:
            error, status = _enrol(user)
        if error is None:
            return redirect(url_for(".enrol", ok=action or "enrol"), code=303)
    return _key_page(user, error, status)


def _key_page(user: User, error: str | None, status: int):  # type: ignore[no-untyped-def]
    from signing.pki import service

    certificate = service.active_certificate(db.session, user)
    latest = certificate or service.latest_certificate(db.session, user)
    state = service.lock_state(db.session, user)
    specimens = {
        s.kind.value: s
        for s in db.session.execute(sa.select(Specimen).where(Specimen.user_id == user.id))
        .scalars()
        .all()
    }
    return (
        render_template(
            "inbox/enrol.html",
            certificate=certificate,
            latest=latest,
            lock=state,
            error=error,
            action=request.form.get("action") if request.method == "POST" else None,
            ok=request.args.get("ok"),
            min_length=service.MIN_PASSPHRASE_LENGTH,
            subject=subject_parts(certificate.subject) if certificate is not None else [],
            specimens=specimens,
            specimen_kinds=list(SpecimenKind),
        ),
        status,
        {"Cache-Control": "no-store"},
    )


# ----------------------------------------------------------------------------- specimens


@bp.route("/kunci-tanda-tangan/spesimen", methods=["POST"])
@role_required(Role.OFFICIAL)
def specimen_upload():  # type: ignore[no-untyped-def]
    """Store the official's specimen (POST ``kind``, ``file``), or remove it (``remove=1``).

    A refused file changes nothing and the key page says why, in the official's language.
    """
    from signing.specimens import SpecimenRejected, remove_specimen, store_specimen

    user = official()
    try:
        kind = SpecimenKind(request.form.get("kind", ""))
    except ValueError:
        return _key_page(user, gettext("Jenis spesimen tidak dikenal."), 422)
    if request.form.get("remove"):
        with committed():
            remove_specimen(db.session, user, kind, actor=user, ip=client_ip())
        return redirect(url_for(".enrol", ok="specimen_removed"), code=303)
    upload = request.files.get("file")
    data = upload.read() if upload is not None else b""
    with UnitOfWork(SpecimenRejected, explain=carried_text, flash_as=None) as work:
        store_specimen(
            db.session, user, kind, data, actor=user, ip=client_ip(), user_agent=client_agent()
        )
    if work.refused:
        return _key_page(user, work.message, 422)
    return redirect(url_for(".enrol", ok="specimen"), code=303)


@bp.route("/kunci-tanda-tangan/spesimen/<kind>.png")
@role_required(Role.OFFICIAL)
def specimen_image(kind: str):  # type: ignore[no-untyped-def]
    """The official's own specimen (nobody else's: the user comes from the session)."""
    try:
        wanted = SpecimenKind(kind)
    except ValueError:
        abort(404)
    specimen = db.session.execute(
        sa.select(Specimen).where(Specimen.user_id == official().id, Specimen.kind == wanted)
    ).scalar_one_or_none()
    if specimen is None:
        abort(404)
    return Response(
        specimen.png,
        mimetype="image/png",
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )


#: Attribute names of a certificate subject, as officials read them.
SUBJECT_LABELS = {
    "CN": "Nama",
    "2.5.4.12": "Jabatan",
    "T": "Jabatan",
    "TITLE": "Jabatan",
    "O": "Instansi",
    "OU": "Unit",
    "C": "Negara",
    "E": "Surel",
    "1.2.840.113549.1.9.1": "Surel",
    "EMAILADDRESS": "Surel",
}


def subject_parts(subject: str) -> list[tuple[str, str]]:
    """``CN=A,2.5.4.12=B,O=C`` (RFC 4514, as stored) as ``[("Nama", "A"), ("Jabatan", "B"),
    ...]``, most specific first, escapes undone."""
    parts: list[str] = []
    current = []
    escaped = False
    for char in subject:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ",":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    out = []
    for part in parts:
        name, _, value = part.partition("=")
        if value:
            out.append((SUBJECT_LABELS.get(name.strip().upper(), name.strip()), value.strip()))
    return out


def _enrol(user: User) -> tuple[str | None, int]:
    from signing.pki import service

    new = request.form.get("passphrase") or ""
    again = request.form.get("passphrase_again") or ""
    if service.active_certificate(db.session, user) is not None:
        return (
            gettext(
                "Anda sudah memiliki sertifikat aktif. Untuk mengganti frasa sandi gunakan "
                "formulir ganti frasa sandi."
            ),
            409,
        )
    if new != again:
        return gettext("Kedua isian frasa sandi tidak sama."), 422
    refusals = (service.PassphraseRejected, service.NotAnOfficial, service.CaMissing)
    with UnitOfWork(*refusals, explain=carried_text, flash_as=None) as work:
        service.enrol(db.session, user, new, actor=user)
    if work.refused:
        return work.message, 503 if isinstance(work.refusal, service.CaMissing) else 422
    return None, 303


def _change_passphrase(user: User) -> tuple[str | None, int]:
    from signing.pki import service

    old = request.form.get("old_passphrase") or ""
    new = request.form.get("passphrase") or ""
    again = request.form.get("passphrase_again") or ""
    if new != again:
        return gettext("Kedua isian frasa sandi baru tidak sama."), 422
    if new == old:
        return gettext("Frasa sandi baru harus berbeda dari yang lama."), 422
    # A refused unlock wrote only why (its audit entry; a wrong passphrase counts toward the
    # throttle): that is kept.
    unlock_refusals = (
        service.PassphraseLocked,
        service.WrongPassphrase,
        service.NotEnrolled,
        service.CertificateNotUsable,
    )
    with UnitOfWork(
        service.PassphraseRejected, explain=carried_text, flash_as=None, keep=unlock_refusals
    ) as work:
        service.change_passphrase(db.session, user, old, new, actor=user)
    if work.refused:
        return work.message, 429 if isinstance(work.refusal, service.PassphraseLocked) else 422
    return None, 303
