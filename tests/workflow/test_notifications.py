"""Notifications: inbox entries and the mail outbox, delivered through a real SMTP server on
loopback (aiosmtpd) by the worker, never by a request."""

from __future__ import annotations

import datetime as dt
import logging
import select
import signal
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

from signing import PROJECT_DIR, db
from signing.db import utcnow
from signing.models import (
    ActKind,
    AuditEntry,
    Commitment,
    MailStatus,
    Notification,
    OutboxMail,
    Role,
    SlotRole,
)
from signing.notifications import MAIL_TEMPLATES, MailSettings, notify, pending_mail
from signing.notifications.beside import WorkerProcess
from signing.notifications.delivery import (
    DeliveryReport,
    Outcome,
    RetryPolicy,
    deliver,
    follow,
    start_in_background,
)
from signing.workflow.operations import perform_act, send_reminder
from signing.workflow.rules import WorkflowRefused
from tests.conftest import csrf_token

from .conftest import Desk, user_named


class Inbox:
    """aiosmtpd handler keeping every message it receives; refuses ``*@ditolak.test``."""

    def __init__(self) -> None:
        self.messages: list = []
        self.arrived = threading.Condition()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]  # noqa: N802
        if address.endswith("@ditolak.test"):
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        with self.arrived:
            self.messages.append(
                (envelope.rcpt_tos, message_from_bytes(envelope.content, policy=default_policy))
            )
            self.arrived.notify_all()
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpServer:
    """A loopback SMTP server on a fixed port that a test can stop and start again."""

    def __init__(self) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture()
def server(app) -> Iterator[SmtpServer]:  # type: ignore[no-untyped-def]
    server = SmtpServer()
    app.config.update(
        MAIL_HOST="127.0.0.1", MAIL_PORT=server.port, MAIL_FROM="ptsp@kalteng.test", MAIL_TIMEOUT=5
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture()
def smtp(server: SmtpServer) -> Inbox:
    return server.inbox


def run_deliverer(app, **kwargs) -> DeliveryReport:  # type: ignore[no-untyped-def]
    """One pass of ``signing notifications deliver``, as the command runs it."""
    with app.app_context():
        return deliver(
            db.engine(),
            MailSettings.from_config(app.config),
            RetryPolicy.from_config(app.config),
            **kwargs,
        )


def give_emails(app, *usernames: str) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        for username in usernames:
            user_named(db.session, username).email = f"{username}@pemda.test"
        db.session.commit()


def subjects(inbox: Inbox) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for recipients, message in inbox.messages:
        for to in recipients:
            found.setdefault(to.split("@")[0], []).append(str(message["Subject"]).strip())
    return found


def outbox(db_session) -> list[OutboxMail]:  # type: ignore[no-untyped-def]
    db_session.rollback()  # end the read snapshot: see what other sessions committed
    return list(db_session.scalars(sa.select(OutboxMail).order_by(OutboxMail.id)))


TURN = {
    "region": "Kabupaten Kotawaringin Timur",
    "number": "001/PTSP/2026",
    "office": "Gubernur Kalimantan Tengah",
    "witness": False,
    "reminder": False,
}


def test_mail_is_written_with_the_act_and_sent_by_the_worker(  # type: ignore[no-untyped-def]
    app, kalteng, db_session, smtp: Inbox
) -> None:
    give_emails(app, "gubernur")
    with app.app_context():
        session = db.session
        user = user_named(session, "gubernur")
        notify(session, user, "turn", url="/komitmen/1", **TURN)
        session.flush()
        session.rollback()
        notification = notify(session, user, "turn", url="/komitmen/1", **TURN)
        assert [mail.recipient for mail in pending_mail(session)] == ["gubernur@pemda.test"]
        session.commit()
        notification_id = notification.id
    # Committed, not sent: a request never talks to the SMTP server.
    assert smtp.messages == []
    [mail] = outbox(db_session)
    assert (mail.status, mail.attempts, mail.notification_id) == (
        MailStatus.PENDING,
        0,
        notification_id,
    )

    report = run_deliverer(app)
    assert (report[Outcome.SENT], report.handled) == (1, 1)
    assert len(smtp.messages) == 1
    recipients, message = smtp.messages[0]
    assert recipients == ["gubernur@pemda.test"]
    subject = "Giliran Anda menandatangani Komitmen PTSP Prima Kabupaten Kotawaringin Timur"
    assert str(message["Subject"]).strip() == subject
    assert message["From"] == "ptsp@kalteng.test"
    assert message["Message-ID"] == mail.message_id
    assert message.get_content().startswith(
        "Dokumen 001/PTSP/2026 (Kabupaten Kotawaringin Timur) menunggu Anda menandatangani "
        "sebagai Gubernur Kalimantan Tengah."
    )
    assert "http://signing.test/komitmen/1" in message.get_content()
    [mail] = outbox(db_session)
    assert (mail.status, mail.attempts, mail.last_error) == (MailStatus.SENT, 1, None)
    stored = db_session.get(Notification, notification_id)
    assert stored.emailed_at == mail.sent_at is not None
    assert stored.subject == subject
    assert stored.url == "http://signing.test/komitmen/1"
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 1
    assert run_deliverer(app).handled == 0  # nothing is sent twice
    assert len(smtp.messages) == 1


def test_without_mail_host_the_worker_writes_the_mail_to_the_log(  # type: ignore[no-untyped-def]
    app, kalteng, db_session, caplog
) -> None:
    give_emails(app, "gubernur")
    caplog.set_level(logging.INFO, logger="signing.notifications")
    with app.app_context():
        session = db.session
        notify(session, user_named(session, "gubernur"), "turn", **TURN)
        session.commit()
    assert "gubernur@pemda.test" not in caplog.text
    assert run_deliverer(app)[Outcome.LOGGED] == 1
    assert "Giliran Anda menandatangani" in caplog.text
    assert "gubernur@pemda.test" in caplog.text
    assert outbox(db_session)[0].status is MailStatus.SENT


def test_a_user_without_email_gets_the_inbox_only(app, kalteng, db_session, smtp: Inbox) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        session = db.session
        notify(session, user_named(session, "gubernur"), "turn", **TURN)
        session.commit()
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 1
    assert outbox(db_session) == []
    assert run_deliverer(app).handled == 0
    assert smtp.messages == []


def test_mail_is_written_in_the_recipients_language(  # type: ignore[no-untyped-def]
    app, kalteng, db_session, smtp: Inbox
) -> None:
    give_emails(app, "gubernur", "wakil-gubernur")
    with app.app_context():
        session = db.session
        user_named(session, "wakil-gubernur").locale = "en"
        for username in ("gubernur", "wakil-gubernur"):
            notify(session, user_named(session, username), "turn", **{**TURN, "witness": True})
        session.commit()
    run_deliverer(app)
    got = subjects(smtp)
    assert got["gubernur"] == [
        "Giliran Anda menyaksikan Komitmen PTSP Prima Kabupaten Kotawaringin Timur"
    ]
    assert got["wakil-gubernur"] == [
        "Your turn to witness the PTSP Prima Commitment of Kabupaten Kotawaringin Timur"
    ]


def test_every_mail_text_has_an_english_translation() -> None:
    with (PROJECT_DIR / "signing/translations/en/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle)
    options = {"trim_blocks": "true", "lstrip_blocks": "true", "newstyle_gettext": "true"}
    found = []
    for path in sorted(Path(MAIL_TEMPLATES).glob("*.txt")):
        with path.open("rb") as handle:
            for _line, _function, message, _comments in babel_extract(
                handle, ("gettext", "ngettext"), [], options
            ):
                msgid = message if isinstance(message, str) else message[0]
                found.append(msgid)
                entry = catalog.get(msgid)
                assert entry is not None and entry.string, f"{path.name}: {msgid!r}"
    assert len(found) >= 8


def test_acts_notify_whoever_it_now_is_and_a_rolled_back_act_mails_nobody(  # type: ignore[no-untyped-def]
    app, db_session, desk: Desk, kotim: int, smtp: Inbox
) -> None:
    give_emails(app, "gubernur", "wakil-gubernur", "ketua-dprd-provinsi", "bupati-62.02")
    desk.act(kotim, SlotRole.KETUA_DPRD, ActKind.SIGN, "ketua-dprd-62.02")
    assert smtp.messages == []
    run_deliverer(app)
    # The witnesses may attest from the first act on; the Bupati's turn had already come.
    assert sorted(subjects(smtp)) == ["ketua-dprd-provinsi", "wakil-gubernur"]
    assert subjects(smtp)["wakil-gubernur"] == [
        "Giliran Anda menyaksikan Komitmen PTSP Prima Kabupaten Kotawaringin Timur"
    ]
    smtp.messages.clear()
    desk.act(kotim, SlotRole.KEPALA_DAERAH, ActKind.PARAF, "wakil-bupati-62.02")
    run_deliverer(app)
    # The Gubernur may now sign; the Bupati hears that a paraf was made in their name.
    got = subjects(smtp)
    assert got["gubernur"] == [
        "Giliran Anda menandatangani Komitmen PTSP Prima Kabupaten Kotawaringin Timur"
    ]
    assert got["bupati-62.02"] == [
        "Paraf atas nama Anda: Komitmen PTSP Prima Kabupaten Kotawaringin Timur"
    ]
    [(_to, paraf)] = [m for m in smtp.messages if m[0] == ["bupati-62.02@pemda.test"]]
    assert "mewakili Bupati Kotawaringin Timur" in paraf.get_content()
    smtp.messages.clear()
    rows_before = len(outbox(db_session))
    # An act that is rolled back (the caller fails after perform_act) writes no mail.
    with app.app_context():
        session = db.session
        perform_act(
            session,
            commitment_id=kotim,
            role=SlotRole.GUBERNUR,
            kind=ActKind.SIGN,
            user=user_named(session, "gubernur"),
            passphrase="frasa-sandi-uji-1",
        )
        session.rollback()
    assert len(outbox(db_session)) == rows_before
    run_deliverer(app)
    assert smtp.messages == []
    inbox = (
        db_session.execute(
            sa.select(Notification).join(Notification.user).order_by(Notification.id)
        )
        .scalars()
        .all()
    )
    assert all(n.commitment_id == kotim for n in inbox)
    assert not any(n.user.username == "gubernur" and "Pengingat" in n.subject for n in inbox)


def test_the_secretariat_reminds_whoever_owes_a_signature(
    app, db_session, desk, kotim, smtp
) -> None:  # type: ignore[no-untyped-def]
    give_emails(app, "bupati-62.02")
    desk.act(kotim, SlotRole.KEPALA_DAERAH, ActKind.PARAF, "wakil-bupati-62.02")
    run_deliverer(app)
    smtp.messages.clear()
    with app.app_context():
        session = db.session
        commitment = session.get(Commitment, kotim)
        sekretariat = user_named(session, "sekretariat")
        sent = send_reminder(session, commitment, SlotRole.KEPALA_DAERAH, actor=sekretariat)
        session.commit()
        assert [n.user.username for n in sent] == ["bupati-62.02"]
        with pytest.raises(WorkflowRefused) as caught:
            send_reminder(session, commitment, SlotRole.GUBERNUR, actor=sekretariat)
        assert caught.value.code == "not_your_turn"
        assert "belum giliran" in caught.value.message
        with pytest.raises(WorkflowRefused) as caught:
            send_reminder(
                session, commitment, SlotRole.KETUA_DPRD, actor=user_named(session, "bupati-62.02")
            )
        assert caught.value.code == "forbidden"
        session.rollback()
    run_deliverer(app)
    assert subjects(smtp)["bupati-62.02"] == [
        "Pengingat: Giliran Anda menandatangani Komitmen PTSP Prima Kabupaten Kotawaringin Timur"
    ]


# ------------------------------------------------------------------------------ the outbox


def test_mail_written_while_the_server_is_down_arrives_exactly_once_when_it_is_back(  # type: ignore[no-untyped-def]
    app, db_session, desk: Desk, kotim: int, server: SmtpServer
) -> None:
    give_emails(
        app, "gubernur", "wakil-gubernur", "ketua-dprd-provinsi", "bupati-62.02", "sekretariat"
    )
    server.stop()
    desk.act(kotim, SlotRole.KETUA_DPRD, ActKind.SIGN, "ketua-dprd-62.02")
    desk.act(kotim, SlotRole.KEPALA_DAERAH, ActKind.PARAF, "wakil-bupati-62.02")
    with app.app_context():
        session = db.session
        commitment = session.get(Commitment, kotim)
        send_reminder(
            session, commitment, SlotRole.GUBERNUR, actor=user_named(session, "sekretariat")
        )
        session.commit()
    rows = outbox(db_session)
    assert len(rows) == 5
    assert {row.status for row in rows} == {MailStatus.PENDING}

    # The worker finds the server down: the first mail's attempt is counted, the rest wait.
    report = run_deliverer(app)
    assert report.unreachable and report[Outcome.RETRY] == 1 and report.handled == 1
    first = outbox(db_session)[0]
    assert first.attempts == 1 and "ConnectionRefusedError" in (first.last_error or "")
    assert first.next_attempt_at > utcnow()

    server.start()
    later = utcnow() + dt.timedelta(minutes=2)  # past the first mail's back-off
    assert run_deliverer(app, clock=lambda: later)[Outcome.SENT] == 5
    assert run_deliverer(app, clock=lambda: later).handled == 0
    assert run_deliverer(app, clock=lambda: later + dt.timedelta(days=1)).handled == 0
    rows = outbox(db_session)
    assert {row.status for row in rows} == {MailStatus.SENT}
    received = Counter(
        (to, str(message["Subject"]).strip(), message["Message-ID"])
        for recipients, message in server.inbox.messages
        for to in recipients
    )
    expected = Counter((row.recipient, row.subject, row.message_id) for row in rows)
    assert received == expected
    assert set(received.values()) == {1}
    assert len({row.message_id for row in rows}) == 5


class SilentPort:
    """A listening socket that never answers: an SMTP client connecting to it would hang until
    its timeout. Whether anyone connected is seen in the accept queue."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(8)
        self.port = self.socket.getsockname()[1]

    def connected(self) -> bool:
        readable, _w, _x = select.select([self.socket], [], [], 0)
        return bool(readable)

    def close(self) -> None:
        self.socket.close()


def test_no_smtp_connection_happens_inside_a_request(  # type: ignore[no-untyped-def]
    app, client, auth, db_session, desk: Desk, kotim: int
) -> None:
    give_emails(app, "bupati-62.02", "gubernur", "wakil-gubernur", "ketua-dprd-provinsi")
    silent = SilentPort()
    app.config.update(MAIL_HOST="127.0.0.1", MAIL_PORT=silent.port, MAIL_TIMEOUT=30)
    try:
        assert auth.login("sekretariat").status_code == 302
        started = time.monotonic()
        response = client.post(
            f"/sekretariat/komitmen/{kotim}/pengingat",
            data={"role": "kepala_daerah", "csrf_token": csrf_token(client)},
        )
        assert response.status_code == 302
        desk.act(kotim, SlotRole.KETUA_DPRD, ActKind.SIGN, "ketua-dprd-62.02")
        # Far below the 30 s an SMTP client would have waited for the silent server.
        assert time.monotonic() - started < 20
        assert not silent.connected()
    finally:
        silent.close()
    rows = outbox(db_session)
    assert sorted(row.recipient.split("@")[0] for row in rows) == [
        "bupati-62.02",
        "ketua-dprd-provinsi",
        "wakil-gubernur",
    ]
    assert {(row.status, row.attempts) for row in rows} == {(MailStatus.PENDING, 0)}


class FakeClock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


def test_retries_back_off_exponentially_and_give_up_into_the_audit_log(  # type: ignore[no-untyped-def]
    app, kalteng, db_session, runner
) -> None:
    give_emails(app, "gubernur")
    app.config.update(
        MAIL_HOST="127.0.0.1",
        MAIL_MAX_ATTEMPTS=4,
        MAIL_RETRY_SECONDS=60,
        MAIL_RETRY_MAX_SECONDS=150,
    )
    with app.app_context():
        session = db.session
        notify(session, user_named(session, "gubernur"), "turn", **TURN)
        session.commit()
    attempts: list[dt.datetime] = []
    clock = FakeClock(utcnow() + dt.timedelta(seconds=1))

    def refuse(settings):  # type: ignore[no-untyped-def]
        attempts.append(clock.now)
        raise ConnectionRefusedError(111, "Connection refused")

    def deliver_at(seconds: float) -> DeliveryReport:
        clock.advance(seconds)
        return run_deliverer(app, clock=clock, connect=refuse)

    assert deliver_at(0)[Outcome.RETRY] == 1
    # 60 s, then doubled to 120 s, then capped at 150 s; a pass before the time does nothing.
    for delay in (60, 120, 150):
        assert deliver_at(delay - 1).handled == 0
        report = deliver_at(1)
        assert report.handled == 1
    assert report[Outcome.FAILED] == 1
    gaps = [(b - a).total_seconds() for a, b in zip(attempts, attempts[1:], strict=False)]
    assert gaps == [60, 120, 150]
    [mail] = outbox(db_session)
    assert (mail.status, mail.attempts) == (MailStatus.FAILED, 4)
    assert "Connection refused" in mail.last_error
    assert deliver_at(10_000).handled == 0  # given up: no fifth attempt
    entry = db_session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "mail.failed")
    ).one()
    assert entry.object_id == str(mail.id)
    assert entry.details["recipient"] == "gubernur@pemda.test"
    assert entry.details["attempts"] == 4

    listed = runner.invoke(args=["notifications", "list", "--status", "failed"])
    assert listed.exit_code == 0 and "gubernur@pemda.test" in listed.output
    result = runner.invoke(args=["notifications", "retry", "--all-failed"])
    assert result.exit_code == 0 and "1 e-mail diantrekan lagi" in result.output
    [mail] = outbox(db_session)
    assert (mail.status, mail.attempts) == (MailStatus.PENDING, 0)


def test_a_recipient_refused_for_good_is_not_retried(  # type: ignore[no-untyped-def]
    app, kalteng, db_session, smtp: Inbox
) -> None:
    with app.app_context():
        session = db.session
        user_named(session, "gubernur").email = "gubernur@ditolak.test"
        user_named(session, "wakil-gubernur").email = "wagub@pemda.test"
        for username in ("gubernur", "wakil-gubernur"):
            notify(session, user_named(session, username), "turn", **TURN)
        session.commit()
    report = run_deliverer(app)
    assert (report[Outcome.FAILED], report[Outcome.SENT]) == (1, 1)
    refused, sent = outbox(db_session)
    assert refused.status is MailStatus.FAILED and refused.attempts == 1
    assert "550" in refused.last_error
    assert sent.status is MailStatus.SENT
    assert [recipients for recipients, _m in smtp.messages] == [["wagub@pemda.test"]]


def test_the_deliver_command(app, kalteng, db_session, runner, smtp: Inbox) -> None:  # type: ignore[no-untyped-def]
    give_emails(app, "gubernur")
    with app.app_context():
        session = db.session
        notify(session, user_named(session, "gubernur"), "turn", **TURN)
        session.commit()
    result = runner.invoke(args=["notifications", "deliver"])
    assert result.exit_code == 0, result.output
    assert "Terkirim 1" in result.output
    assert len(smtp.messages) == 1
    listed = runner.invoke(args=["notifications", "list"])
    assert "Terkirim" in listed.output and "gubernur@pemda.test" in listed.output


def test_a_down_server_makes_the_deliver_command_fail(app, kalteng, runner) -> None:  # type: ignore[no-untyped-def]
    give_emails(app, "gubernur")
    app.config.update(MAIL_HOST="127.0.0.1", MAIL_PORT=free_port())
    with app.app_context():
        session = db.session
        notify(session, user_named(session, "gubernur"), "turn", **TURN)
        session.commit()
    result = runner.invoke(args=["notifications", "deliver"])
    assert result.exit_code == 1
    assert "tidak dapat dihubungi" in result.output


def test_several_workers_on_postgresql_send_each_mail_once(  # type: ignore[no-untyped-def]
    app, kalteng, db_session, smtp: Inbox
) -> None:
    if db_session.get_bind().dialect.name != "postgresql":
        pytest.skip("row locks (SKIP LOCKED) are PostgreSQL's; SQLite runs one worker")
    with app.app_context():
        session = db.session
        officials = [
            user_named(session, name)
            for name in ("gubernur", "wakil-gubernur", "ketua-dprd-provinsi", "bupati-62.02")
        ]
        for user in officials:
            user.email = f"{user.username}@pemda.test"
        for _round in range(5):
            for user in officials:
                notify(session, user, "turn", **TURN)
        session.commit()
    reports: list[DeliveryReport] = []

    def worker() -> None:
        reports.append(run_deliverer(app))

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(report[Outcome.SENT] for report in reports) == 20
    assert len(smtp.messages) == 20
    assert len({message["Message-ID"] for _r, message in smtp.messages}) == 20
    assert {row.status for row in outbox(db_session)} == {MailStatus.SENT}


def test_follow_delivers_what_is_written_while_it_waits(  # type: ignore[no-untyped-def]
    app, kalteng, smtp: Inbox
) -> None:
    give_emails(app, "gubernur")
    waits: list[float] = []

    def wait(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 1:  # an act commits while the worker waits
            with app.app_context():
                notify(db.session, user_named(db.session, "gubernur"), "turn", **TURN)
                db.session.commit()

    with app.app_context():
        follow(
            db.engine(),
            MailSettings.from_config(app.config),
            RetryPolicy.from_config(app.config),
            interval=7,
            wait=wait,
            stopped=lambda: len(waits) >= 2,
        )
    assert waits == [7, 7]
    assert subjects(smtp) == {
        "gubernur": ["Giliran Anda menandatangani Komitmen PTSP Prima Kabupaten Kotawaringin Timur"]
    }


def test_the_demo_worker_thread_delivers_in_the_background(  # type: ignore[no-untyped-def]
    app, kalteng, smtp: Inbox
) -> None:
    give_emails(app, "gubernur")
    stop = start_in_background(app, interval=0.05)
    try:
        with app.app_context():
            notify(db.session, user_named(db.session, "gubernur"), "turn", **TURN)
            db.session.commit()
        with smtp.arrived:
            assert smtp.arrived.wait_for(lambda: smtp.messages, timeout=20)
    finally:
        stop.set()
    assert len(smtp.messages) == 1


def test_the_worker_beside_gunicorn_is_restarted_and_stopped() -> None:
    # A child that exits at once is started again (after the delay) until stopped.
    quitter = WorkerProcess([sys.executable, "-c", "pass"], restart_delay=0.05)
    quitter.start()
    deadline = time.monotonic() + 30
    while quitter.starts < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    quitter.stop()
    assert quitter.starts >= 3
    # A child that runs on is asked to stop with SIGTERM and is not started again.
    sleeper = WorkerProcess([sys.executable, "-c", "import time; time.sleep(60)"])
    sleeper.start()
    while sleeper.starts < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    started = time.monotonic()
    assert sleeper.stop(timeout=20) == -signal.SIGTERM
    assert time.monotonic() - started < 20
    assert sleeper.starts == 1


def test_the_administrator_sees_failed_mail_and_queues_it_again(  # type: ignore[no-untyped-def]
    app, kalteng, db_session, client, auth, make_user, smtp: Inbox
) -> None:
    with app.app_context():
        session = db.session
        user_named(session, "gubernur").email = "gubernur@ditolak.test"
        notify(session, user_named(session, "gubernur"), "turn", **TURN)
        session.commit()
    assert run_deliverer(app)[Outcome.FAILED] == 1
    assert auth.login("sekretariat").status_code == 302
    assert client.get("/admin/surel").status_code == 403
    auth.logout()
    make_user("admin-uji", Role.ADMIN)
    assert auth.login("admin-uji").status_code == 302
    page = client.get("/admin/surel").text
    assert "Terkirim 0, menunggu 0, gagal 1." in page
    assert "gubernur@ditolak.test" in page and "550 5.1.1 Mailbox unavailable" in page
    assert 'href="/admin/surel"' in page
    response = client.post(
        "/admin/surel/ulang", data={"csrf_token": csrf_token(client)}, follow_redirects=True
    )
    assert "1 e-mail diantrekan lagi." in response.text
    assert "Terkirim 0, menunggu 1, gagal 0." in response.text
    [mail] = outbox(db_session)
    assert (mail.status, mail.attempts) == (MailStatus.PENDING, 0)
    entry = db_session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "mail.requeue")
    ).one()
    assert entry.details == {"ids": [mail.id]}
    client.post("/bahasa/en", data={"csrf_token": csrf_token(client)})
    english = client.get("/admin/surel").text
    assert "<h1>Outgoing mail</h1>" in english and "Sent 0, waiting 1, failed 0." in english


def test_a_mail_that_cannot_be_built_is_given_up_and_does_not_block_the_others(  # type: ignore[no-untyped-def]
    app, kalteng, db_session, smtp: Inbox
) -> None:
    with app.app_context():
        session = db.session
        # A line break in an address would be a header injection: the e-mail package refuses it.
        user_named(session, "gubernur").email = "gubernur@pemda.test\nBcc: x@y.test"
        user_named(session, "wakil-gubernur").email = "wagub@pemda.test"
        for username in ("gubernur", "wakil-gubernur"):
            notify(session, user_named(session, username), "turn", **TURN)
        session.commit()
    report = run_deliverer(app)
    assert (report[Outcome.FAILED], report[Outcome.SENT]) == (1, 1)
    bad, good = outbox(db_session)
    assert (bad.status, good.status) == (MailStatus.FAILED, MailStatus.SENT)
    assert [recipients for recipients, _m in smtp.messages] == [["wagub@pemda.test"]]


def test_a_mail_given_up_shows_in_the_commitments_timeline(  # type: ignore[no-untyped-def]
    app, db_session, desk: Desk, kotim: int, client, auth, smtp: Inbox
) -> None:
    with app.app_context():
        user_named(db.session, "wakil-gubernur").email = "wagub@ditolak.test"
        db.session.commit()
    desk.act(kotim, SlotRole.KETUA_DPRD, ActKind.SIGN, "ketua-dprd-62.02")
    assert run_deliverer(app)[Outcome.FAILED] == 1
    entry = db_session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "mail.failed")
    ).one()
    assert entry.commitment_id == kotim
    assert auth.login("sekretariat").status_code == 302
    page = client.get(f"/sekretariat/komitmen/{kotim}").text
    assert "E-mail pemberitahuan tidak terkirim" in page


class CountingSmtp:
    """Stands in for smtplib.SMTP: counts connections, and can run something during a send."""

    def __init__(self, during_send=None) -> None:  # type: ignore[no-untyped-def]
        self.connections = 0
        self.sent: list[str] = []
        self.during_send = during_send

    def connect(self, settings):  # type: ignore[no-untyped-def]
        self.connections += 1
        return self

    def send_message(self, message, to_addrs):  # type: ignore[no-untyped-def]
        if self.during_send is not None:
            self.during_send(message)
        self.sent.extend(to_addrs)

    def quit(self) -> None:
        pass


def test_one_pass_uses_one_smtp_connection(app, kalteng, db_session) -> None:  # type: ignore[no-untyped-def]
    give_emails(app, "gubernur", "wakil-gubernur", "ketua-dprd-provinsi")
    app.config.update(MAIL_HOST="127.0.0.1")
    with app.app_context():
        for username in ("gubernur", "wakil-gubernur", "ketua-dprd-provinsi"):
            notify(db.session, user_named(db.session, username), "turn", **TURN)
        db.session.commit()
    smtp = CountingSmtp()
    assert run_deliverer(app, connect=smtp.connect)[Outcome.SENT] == 3
    assert smtp.connections == 1 and len(smtp.sent) == 3


def test_on_sqlite_a_row_another_worker_sent_meanwhile_is_left_alone(  # type: ignore[no-untyped-def]
    app, kalteng, db_session, caplog
) -> None:
    if db_session.get_bind().dialect.name != "sqlite":
        pytest.skip("on PostgreSQL the row is locked while the mail is sent")
    give_emails(app, "gubernur")
    app.config.update(MAIL_HOST="127.0.0.1")
    with app.app_context():
        notify(db.session, user_named(db.session, "gubernur"), "turn", **TURN)
        db.session.commit()
    marked_at = utcnow() - dt.timedelta(seconds=5)

    def other_worker_marks_it(_message) -> None:  # type: ignore[no-untyped-def]
        # SQLite: the worker holds no transaction while it sends, so this write goes through.
        with db.engine().begin() as connection:
            connection.execute(
                sa.update(OutboxMail).values(status=MailStatus.SENT, attempts=1, sent_at=marked_at)
            )

    smtp = CountingSmtp(during_send=other_worker_marks_it)
    report = run_deliverer(app, connect=smtp.connect)
    assert report[Outcome.SKIPPED] == 1
    assert "handled by another worker" in caplog.text
    [mail] = outbox(db_session)
    assert (mail.status, mail.attempts, mail.sent_at) == (MailStatus.SENT, 1, marked_at)
