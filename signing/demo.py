"""``signing demo``: a fresh, idempotent demo instance mirroring the meeting in the source article.

Officials in demo data are obviously fictitious placeholders ("(DEMO)"), except the two people the
article names for Kotawaringin Timur. Refused in production mode.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from signing import audit, db
from signing import config as default_config
from signing.auth.operations import create_user
from signing.auth.passwords import hash_password
from signing.cli_support import optional_modules
from signing.models import Event, Office, OfficeHolder, OfficeKind, Province, Region, Role, User
from signing.regions.importer import import_registry, parse, set_holder

# ``demo serve`` imports the server, mail worker and migrations when it runs: this module is loaded
# with every CLI start.

DEFAULT_DEMO_PASSWORD = "demo-ptsp-2026"
DEMO_PROVINCE = "62"
#: The two people the source article names; everybody else in the demo is a placeholder.
ARTICLE_PEOPLE = {
    ("62.02", OfficeKind.WAKIL_BUPATI): "H.M. Taufik Mukri",
    ("62.02", OfficeKind.KETUA_DPRD): "Dra. Rinie",
}
DEMO_EVENT_NAME = (
    "Rapat Koordinasi Pimpinan Daerah dalam rangka Penyelenggaraan PTSP Prima "
    "Provinsi Kalimantan Tengah"
)
#: The article was published in late October 2019; the exact day is a placeholder. The
#: event's text may cite only regulations in force on this day.
DEMO_EVENT_DATE = dt.date(2019, 10, 24)
#: Offices that get a demo login, and the account name pattern (by office and region code).
ACCOUNT_OFFICES = {
    OfficeKind.GUBERNUR: "gubernur",
    OfficeKind.WAKIL_GUBERNUR: "wakil-gubernur",
    OfficeKind.KETUA_DPRD_PROVINSI: "ketua-dprd-provinsi",
    OfficeKind.BUPATI: "bupati-{code}",
    OfficeKind.WALIKOTA: "walikota-{code}",
    OfficeKind.WAKIL_BUPATI: "wakil-bupati-{code}",
    OfficeKind.WAKIL_WALIKOTA: "wakil-walikota-{code}",
    OfficeKind.KETUA_DPRD: "ketua-dprd-{code}",
}


def demo_password() -> str:
    return os.environ.get("SIGNING_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


def account_name(office: Office) -> str | None:
    pattern = ACCOUNT_OFFICES.get(office.kind)
    if pattern is None:
        return None
    return pattern.format(code=office.region.kemendagri_code if office.region else "")


def placeholder_name(office: Office) -> str:
    return f"Pejabat Contoh {office.title} (DEMO)"


def fill_placeholder_holders(db_session: Session) -> int:
    """Give every office without a holder an obviously fictitious one; returns how many."""
    created = 0
    offices = db_session.execute(sa.select(Office).order_by(Office.id)).scalars().all()
    for office in offices:
        if office.current_holder is None:
            db_session.add(OfficeHolder(office=office, name=placeholder_name(office), is_demo=True))
            created += 1
    db_session.flush()
    return created


def prepare_demo(db_session: Session, password: str) -> dict[str, object]:
    """Registry, holders, accounts and the demo event; safe to run again (nothing duplicated)."""
    if db_session.get(Province, DEMO_PROVINCE) is None:
        from importlib.resources import files

        raw = files("signing").joinpath("data/kalimantan-tengah.csv").read_bytes()
        region_rows, holder_rows = parse(raw, ".csv")
        import_registry(db_session, region_rows, holder_rows, actor="demo", source="demo")
    for (code, kind), name in ARTICLE_PEOPLE.items():
        set_holder(db_session, code, kind, name)
    fill_placeholder_holders(db_session)
    accounts = _ensure_accounts(db_session, password)
    event = _ensure_event(db_session)
    return {"accounts": accounts, "event": event}


def _ensure_accounts(db_session: Session, password: str) -> list[str]:
    password_hash = None  # hashed once: Argon2 is deliberately slow and the password is shared
    names: list[str] = []

    def ensure(username: str, display_name: str, role: Role) -> User:
        nonlocal password_hash
        user = db_session.execute(
            sa.select(User).where(User.username == username)
        ).scalar_one_or_none()
        if user is None:
            password_hash = password_hash or hash_password(password)
            user = create_user(
                db_session,
                username=username,
                display_name=display_name,
                role=role,
                password_hash=password_hash,
                is_demo=True,
                actor="demo",
            )
        names.append(username)
        return user

    ensure("admin", "Administrator (DEMO)", Role.ADMIN)
    ensure("sekretariat", "Staf Sekretariat DPMPTSP (DEMO)", Role.SECRETARIAT)
    offices = (
        db_session.execute(
            sa.select(Office).where(Office.province_code == DEMO_PROVINCE).order_by(Office.id)
        )
        .scalars()
        .all()
    )
    for office in offices:
        username = account_name(office)
        holder = office.current_holder
        if username is None or holder is None:
            continue
        user = ensure(username, holder.name, Role.OFFICIAL)
        if holder.user_id is None:
            holder.user_id = user.id
    db_session.flush()
    return names


def _ensure_event(db_session: Session) -> Event:
    from signing.documents.content import (
        DEFAULT_CONSIDERATIONS,
        DEFAULT_LEGAL_BASES,
        DEFAULT_POINTS,
    )

    event = db_session.execute(
        sa.select(Event).where(Event.is_demo.is_(True), Event.province_code == DEMO_PROVINCE)
    ).scalar_one_or_none()
    if event is None:
        event = Event(
            name=DEMO_EVENT_NAME,
            date=DEMO_EVENT_DATE,
            place="Palangka Raya",
            province_code=DEMO_PROVINCE,
            legal_bases=list(DEFAULT_LEGAL_BASES),
            considerations=list(DEFAULT_CONSIDERATIONS),
            points=list(DEFAULT_POINTS),
            number_prefix="DEMO/PTSP-PRIMA",
            is_demo=True,
        )
        db_session.add(event)
        db_session.flush()
        audit.record_about(db_session, "event.create", event, actor="demo")
    return event


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Siapkan data saja, tanpa menjalankan server.")
@click.option(
    "--scenario",
    type=click.Choice(["rakor"]),
    default=None,
    help="rakor: putar ulang hari rapat dari artikel sumber.",
)
@with_appcontext
def demo_command(host: str, port: int, no_serve: bool, scenario: str | None) -> None:
    """Siapkan instance demo (SQLite) lalu jalankan aplikasinya."""
    from signing.migrations import upgrade

    app = current_app._get_current_object()
    if app.config["ENV_MODE"] == "production":
        click.secho("Mode produksi: akun demo tidak dibuat.", fg="red", err=True)
        raise SystemExit(1)
    public_url = use_served_address(app, host, port)
    upgrade(db.engine())
    password = demo_password()
    prepared = prepare_demo(db.session, password)
    db.session.commit()
    for step in _demo_steps():
        step(app, db.session, scenario=scenario)
        db.session.commit()
    click.echo(f"Instance demo siap. Akun (kata sandi untuk semuanya: {password}):")
    click.echo(
        "  " + ", ".join(prepared["accounts"][:8]) + f", ... ({len(prepared['accounts'])} akun)"
    )
    if no_serve:
        return
    # The CA's online keys are opened now (an Argon2id derivation each), not by the first
    # official who logs in or signs (as gunicorn's workers do, see signing/serving.py).
    from signing.serving import prepare_worker

    prepare_worker(app)
    # The mail outbox's worker runs beside the demo server (requests only write the rows);
    # without MAIL_HOST it writes each mail to the log.
    from signing.notifications.delivery import start_in_background

    start_in_background(app)
    click.echo(f"Membuka {public_url}/  (Ctrl+C untuk berhenti)")
    # app.run() refuses to start inside a Flask CLI command; werkzeug's server is what it uses.
    from werkzeug.serving import run_simple

    run_simple(host, port, app, use_reloader=False, use_debugger=False, threaded=True)


def use_served_address(app: Flask, host: str, port: int) -> str:
    """Make the demo's public URL (QR codes, PDF footers, verification sheets, CRL URLs) the
    address it is served at, and return it.

    Production takes ``BASE_URL`` from its configuration; the demo would otherwise print QR codes
    pointing at port 5000 while it serves on ``--port``. A ``BASE_URL`` set on purpose (instance
    file or ``SIGNING_BASE_URL``, e.g. behind a tunnel) still wins.
    """
    if app.config["BASE_URL"] != default_config.BASE_URL:
        return str(app.config["BASE_URL"]).rstrip("/")
    app.config["BASE_URL"] = served_url(host, port)
    return app.config["BASE_URL"]


def served_url(host: str, port: int) -> str:
    """``http://host:port``; for a wildcard address, the address other machines reach it at."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:  # a host name
        return f"http://{host}:{port}"
    if address.is_unspecified:
        address = ipaddress.ip_address(_outward_address(address.version))
    shown = f"[{address}]" if address.version == 6 else str(address)
    return f"http://{shown}:{port}"


def _outward_address(version: int) -> str:
    """The address of the interface that leads outward (a phone on the same network scans QR
    codes pointing there). Connecting a UDP socket sends nothing; loopback if there is no route.
    """
    family, probe, loopback = (
        (socket.AF_INET, "192.0.2.1", "127.0.0.1")
        if version == 4
        else (socket.AF_INET6, "2001:db8::1", "::1")
    )
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as probe_socket:
            probe_socket.connect((probe, 9))
            return str(probe_socket.getsockname()[0])
    except OSError:
        return loopback


def _demo_steps():  # type: ignore[no-untyped-def]
    """Further demo preparation that features provide (CA, enrolment, documents, scenario)."""
    names = ("signing.pki.demo", "signing.workflow.demo", "signing.secretariat.demo")
    return [step for module in optional_modules(names) for step in module.DEMO_STEPS]


def demo_regions(db_session: Session) -> list[Region]:
    return list(
        db_session.execute(
            sa.select(Region)
            .where(Region.province_code == DEMO_PROVINCE)
            .order_by(Region.kemendagri_code)
        ).scalars()
    )
