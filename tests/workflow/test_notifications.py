"""Notifications: inbox entries, and e-mail through a real SMTP server on loopback, after commit."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from signing import db
from signing.models import ActKind, Commitment, Notification, SlotRole
from signing.notifications import notify
from signing.workflow.operations import send_reminder
from signing.workflow.rules import WorkflowRefused

from .conftest import Desk, user_named


class Inbox:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list = []
        self.arrived = threading.Condition()

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


@pytest.fixture()
def smtp(app) -> Iterator[Inbox]:  # type: ignore[no-untyped-def]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(
        MAIL_HOST="127.0.0.1", MAIL_PORT=controller.port, MAIL_FROM="ptsp@kalteng.test"
    )
    yield inbox
    controller.stop()


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


def test_mail_is_sent_only_after_commit(app, kalteng, smtp: Inbox) -> None:  # type: ignore[no-untyped-def]
    give_emails(app, "gubernur")
    with app.app_context():
        session = db.session
        user = user_named(session, "gubernur")
        notify(session, user, "Batal", "tidak terkirim", "/komitmen/1")
        session.flush()
        session.rollback()
        assert smtp.messages == []
        notification = notify(
            session, user, "Giliran Anda", "Silakan menandatangani", "/komitmen/1"
        )
        session.flush()
        assert smtp.messages == []  # not before the commit
        session.commit()
        notification_id = notification.id
    assert len(smtp.messages) == 1
    recipients, message = smtp.messages[0]
    assert recipients == ["gubernur@pemda.test"]
    assert str(message["Subject"]).strip() == "Giliran Anda"
    assert message["From"] == "ptsp@kalteng.test"
    assert "http://signing.test/komitmen/1" in message.get_content()
    with app.app_context():
        stored = db.session.get(Notification, notification_id)
        assert stored.emailed_at is not None
        assert stored.url == "http://signing.test/komitmen/1"
        rolled_back = db.session.execute(
            sa.select(sa.func.count()).where(Notification.subject == "Batal")
        ).scalar_one()
        assert rolled_back == 0


def test_without_mail_host_the_mail_goes_to_the_log(app, kalteng, caplog) -> None:  # type: ignore[no-untyped-def]
    give_emails(app, "gubernur")
    caplog.set_level(logging.INFO, logger="signing.notifications")
    with app.app_context():
        session = db.session
        notify(session, user_named(session, "gubernur"), "Giliran Anda (log)", "isi pesan")
        session.commit()
    assert "Giliran Anda (log)" in caplog.text
    assert "gubernur@pemda.test" in caplog.text


def test_a_user_without_email_gets_the_inbox_only(app, kalteng, smtp: Inbox) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        session = db.session
        notify(session, user_named(session, "gubernur"), "Hanya kotak masuk", "isi")
        session.commit()
        count = session.execute(
            sa.select(sa.func.count()).where(Notification.subject == "Hanya kotak masuk")
        ).scalar_one()
    assert count == 1
    assert smtp.messages == []


def test_a_dead_smtp_server_does_not_undo_the_commit(app, kalteng, caplog) -> None:  # type: ignore[no-untyped-def]
    give_emails(app, "gubernur")
    app.config.update(MAIL_HOST="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2)
    with app.app_context():
        session = db.session
        notification = notify(session, user_named(session, "gubernur"), "Server mati", "isi")
        session.commit()
        session.refresh(notification)
        assert notification.emailed_at is None
    assert "gagal dikirim" in caplog.text


def test_acts_notify_whoever_it_now_is_and_a_rolled_back_act_mails_nobody(  # type: ignore[no-untyped-def]
    app, db_session, desk: Desk, kotim: int, smtp: Inbox
) -> None:
    give_emails(app, "gubernur", "wakil-gubernur", "ketua-dprd-provinsi", "bupati-62.02")
    smtp.messages.clear()
    desk.act(kotim, SlotRole.KETUA_DPRD, ActKind.SIGN, "ketua-dprd-62.02")
    # The witnesses may attest from the first act on; the Bupati's turn had already come.
    assert sorted(subjects(smtp)) == ["ketua-dprd-provinsi", "wakil-gubernur"]
    assert subjects(smtp)["wakil-gubernur"] == [
        "Giliran Anda menyaksikan Komitmen PTSP Prima Kabupaten Kotawaringin Timur"
    ]
    smtp.messages.clear()
    desk.act(kotim, SlotRole.KEPALA_DAERAH, ActKind.PARAF, "wakil-bupati-62.02")
    # The Gubernur may now sign; the Bupati hears that a paraf was made in their name.
    got = subjects(smtp)
    assert got["gubernur"] == [
        "Giliran Anda menandatangani Komitmen PTSP Prima Kabupaten Kotawaringin Timur"
    ]
    assert got["bupati-62.02"] == [
        "Paraf atas nama Anda: Komitmen PTSP Prima Kabupaten Kotawaringin Timur"
    ]
    smtp.messages.clear()
    # An act that is rolled back (the caller fails after perform_act) sends nothing.
    from signing.workflow.operations import perform_act

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
    assert subjects(smtp)["bupati-62.02"] == [
        "Pengingat: Giliran Anda menandatangani Komitmen PTSP Prima Kabupaten Kotawaringin Timur"
    ]
