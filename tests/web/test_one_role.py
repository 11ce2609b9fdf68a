"""One person, one role per commitment on the web pages and at the signing desk (issue 15,
item 5): the Wakil Gubernur initials for the Gubernur, then tries to witness his own paraf.
Both channels answer 409 with the workflow's message, and the refusal is in the audit log."""

from __future__ import annotations

import html

from signing.models import ActKind, Capacity, Commitment

from .conftest import acts_of, audit_since, last_audit_id, sign_form
from .test_desk import DeskDevice, _act, _grant
from .world import KOBAR

SELF_WITNESS = (
    "Anda tidak dapat menyaksikan tindakan Anda sendiri (paraf mewakili Gubernur Kalimantan "
    "Tengah, tanpa mandat): satu orang hanya berperan satu kali pada satu komitmen."
)


def _one_role_refusals(db_session, start: int) -> list:  # type: ignore[no-untyped-def]
    return [
        e
        for e in audit_since(db_session, start)
        if e.action == "act.refused" and e.details.get("code") == "one_role"
    ]


def test_web_self_witness_is_refused_with_409(world, make_browser, db_session) -> None:
    kobar = world[KOBAR]
    start = last_audit_id(db_session)
    wagub = make_browser("wakil-gubernur")
    url = f"/komitmen/{kobar}/tindakan"
    assert wagub.post(url, sign_form("gubernur:paraf:stand_in")).status_code == 303
    paraf = acts_of(db_session, kobar)[-1]
    assert paraf.kind is ActKind.PARAF and paraf.capacity is Capacity.STAND_IN
    # The page offers him no witness act on this commitment any more.
    page = wagub.get(f"/komitmen/{kobar}")
    assert 'value="saksi_wakil_gubernur:witness:holder"' not in page.text
    # ... and says why, in the rule's words.
    assert (
        "Anda sudah bertindak pada komitmen ini (paraf mewakili Gubernur Kalimantan Tengah, "
        "tanpa mandat)" in html.unescape(page.text)
    )
    refused = wagub.post(
        url, sign_form("saksi_wakil_gubernur:witness:holder", attests=str(paraf.id))
    )
    assert refused.status_code == 409
    assert SELF_WITNESS in html.unescape(refused.text)
    assert acts_of(db_session, kobar)[-1].id == paraf.id
    [entry] = _one_role_refusals(db_session, start)
    assert entry.details["message"] == SELF_WITNESS


def test_desk_self_witness_is_refused_with_409(world, make_browser, db_session) -> None:
    kobar = world[KOBAR]
    device = DeskDevice(make_browser("sekretariat"), db_session.get(Commitment, kobar).event_id)
    start = last_audit_id(db_session)
    first = _grant(device.login("wakil-gubernur"))
    done = _act(device, first, kobar, "gubernur:paraf:stand_in")
    assert done.status_code == 303
    paraf = acts_of(db_session, kobar)[-1]
    second = _grant(device.login("wakil-gubernur"))
    refused = _act(
        device, second, kobar, "saksi_wakil_gubernur:witness:holder", attests=str(paraf.id)
    )
    assert refused.status_code == 409
    assert SELF_WITNESS in html.unescape(refused.text)
    assert acts_of(db_session, kobar)[-1].id == paraf.id
    [entry] = _one_role_refusals(db_session, start)
    assert entry.details["message"] == SELF_WITNESS


def test_a_note_is_kept_with_the_act_and_shown_escaped(world, make_browser, db_session) -> None:
    """Issue 15, item 4, on the web page: the note field, stored and shown, never in the PDF."""
    kotim = world["62.02"]
    ketua = make_browser("ketua-dprd-62.02")
    note = "Setuju <b>dengan</b> catatan-web-55"
    response = ketua.post(
        f"/komitmen/{kotim}/tindakan", sign_form("ketua_dprd:sign:holder", note=note)
    )
    assert response.status_code == 303
    act = acts_of(db_session, kotim)[-1]
    assert act.reason == note
    page = ketua.get(f"/komitmen/{kotim}")
    assert "Catatan: Setuju &lt;b&gt;dengan&lt;/b&gt; catatan-web-55" in page.text


def test_a_decline_at_the_desk_needs_the_passphrase(world, make_browser, db_session) -> None:
    kotim = world["62.02"]
    device = DeskDevice(make_browser("sekretariat"), db_session.get(Commitment, kotim).event_id)
    grant = _grant(device.login("ketua-dprd-62.02"))
    refused = _act(
        device, grant, kotim, "ketua_dprd:decline:holder", passphrase="", reason="Belum siap"
    )
    assert refused.status_code == 422
    assert "Masukkan frasa sandi" in refused.text
    done = _act(device, grant, kotim, "ketua_dprd:decline:holder", reason="Belum siap")
    assert done.status_code == 303
    [act] = acts_of(db_session, kotim)
    assert act.kind is ActKind.DECLINE and act.certificate_id is not None
