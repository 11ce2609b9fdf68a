"""Form errors in our own words: the invalid field is marked and linked to the message, and
the form keeps what was entered except the passphrase."""

from __future__ import annotations

import re

from signing.models import Commitment

from .conftest import sign_form
from .world import KOTIM


def _tag(html: str, pattern: str) -> str:
    match = re.search(r"<(?:input|textarea|fieldset)[^>]*" + pattern + r"[^>]*>", html)
    assert match, pattern
    return match.group(0)


def test_a_wrong_passphrase_marks_the_field_and_keeps_the_box_ticked(world, make_browser) -> None:
    bupati = make_browser("bupati-62.02")
    url = f"/komitmen/{world[KOTIM]}/tindakan"
    page = bupati.post(url, sign_form("kepala_daerah:sign:holder", passphrase="salah-salah"))
    assert page.status_code == 422
    passphrase = _tag(page.text, 'id="passphrase"')
    assert 'aria-invalid="true"' in passphrase
    assert 'aria-describedby="galat passphrase-help"' in passphrase
    assert 'value="salah' not in page.text  # the passphrase is never sent back
    assert 'id="galat"' in page.text and 'role="alert"' in page.text
    confirm = _tag(page.text, 'id="confirm"')
    assert "checked" in confirm and "aria-invalid" not in confirm
    assert "novalidate" in _tag(page.text.replace("<form", "<input"), "data-sign-form")


def test_an_unticked_box_and_a_missing_reason_name_their_fields(world, make_browser) -> None:
    bupati = make_browser("bupati-62.02")
    url = f"/komitmen/{world[KOTIM]}/tindakan"
    unticked = bupati.post(url, {"choice": "kepala_daerah:sign:holder", "passphrase": "x"})
    assert unticked.status_code == 422
    confirm = _tag(unticked.text, 'id="confirm"')
    assert 'aria-invalid="true"' in confirm and 'aria-describedby="galat"' in confirm
    assert "data-required-message=" in confirm
    declined = bupati.post(
        url, {"choice": "kepala_daerah:decline:holder", "confirm": "1", "reason": ""}
    )
    reason = _tag(declined.text, 'id="reason"')
    assert 'aria-invalid="true"' in reason
    assert "checked" in _tag(declined.text, 'id="confirm"')


def test_the_secretariats_forms_use_our_messages(world, make_browser, db_session) -> None:
    staff = make_browser("sekretariat")
    event_id = db_session.get(Commitment, world[KOTIM]).event_id
    for url in (
        "/sekretariat/acara/baru",
        "/sekretariat/mandat",
        "/sekretariat/mcp",
        f"/sekretariat/komitmen/{world[KOTIM]}",
        f"/sekretariat/acara/{event_id}/persiapan",
    ):
        page = staff.get(url)
        assert page.status_code == 200, url
        for form in re.findall(r"<form[^>]*>", page.text):
            if 'method="get"' in form:
                continue
            body = page.text.split(form, 1)[1].split("</form>", 1)[0]
            if re.search(r"\srequired[\s>]", body):
                assert "novalidate" in form, (url, form)
        assert "forms.js" in page.text and 'id="form-texts"' in page.text


def test_forms_js_reads_every_text_the_template_hands_it() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    template = (root / "templates" / "_form_texts.html").read_text(encoding="utf-8")
    offered = set(re.findall(r'^\s*"(\w+)":', template, re.M))
    script = (root / "signing" / "static" / "forms.js").read_text(encoding="utf-8")
    assert set(re.findall(r'\bt\("(\w+)"', script)) == offered


def test_a_refused_new_event_marks_its_fields_and_keeps_the_values(world, make_browser) -> None:
    staff = make_browser("sekretariat")
    page = staff.post(
        "/sekretariat/acara/baru",
        {"name": "", "date": "kemarin", "place": "Sampit", "province_code": "62"},
    )
    assert page.status_code == 422
    name = _tag(page.text, 'id="name"')
    assert 'aria-invalid="true"' in name and 'aria-describedby="name-galat"' in name
    assert '<p class="field-error" id="name-galat">Nama acara wajib diisi.</p>' in page.text
    assert 'aria-describedby="date-galat"' in _tag(page.text, 'id="date"')
    place = _tag(page.text, 'id="place"')
    assert 'value="Sampit"' in place and "aria-invalid" not in place


def test_a_refused_mandate_keeps_what_was_entered(world, make_browser) -> None:
    staff = make_browser("sekretariat")
    page = staff.post(
        "/sekretariat/mandat",
        {"kind": "plt", "letter_number": "800/12/BKD", "letter_date": "bukan-tanggal"},
    )
    assert page.status_code == 422
    assert 'value="800/12/BKD"' in _tag(page.text, 'id="letter_number"')
    letter_date = _tag(page.text, 'id="letter_date"')
    assert 'aria-invalid="true"' in letter_date
    assert 'aria-describedby="letter_date-galat"' in letter_date
    assert 'id="principal_office_id-galat">Pilih jabatan yang diwakili.</p>' in page.text
    assert re.search(r'<option value="plt" selected>', page.text)
