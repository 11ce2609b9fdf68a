"""English as the second locale: the feature pages are translated, not only the frame."""

from __future__ import annotations

from tests.conftest import csrf_token


def switch_to_english(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/bahasa/en", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302


def assert_english(page: str, english: list[str], indonesian: list[str]) -> None:
    for text in english:
        assert text in page, f"missing English text {text!r}"
    for text in indonesian:
        assert text not in page, f"Indonesian text {text!r} still shown"


def test_official_pages_in_english(client, auth, kalteng) -> None:  # type: ignore[no-untyped-def]
    assert auth.login("bupati-62.01").status_code == 302
    inbox = client.get("/kotak-masuk").text
    assert "<h1>Perlu tindakan Anda</h1>" in inbox
    switch_to_english(client)

    inbox = client.get("/kotak-masuk")
    assert inbox.status_code == 200
    assert_english(
        inbox.text,
        ["<h1>Awaiting your action</h1>", "You do not have a signing key yet."],
        ["<h1>Perlu tindakan Anda</h1>", "Anda belum memiliki kunci tanda tangan."],
    )
    enrol = client.get("/kunci-tanda-tangan")
    assert enrol.status_code == 200
    assert_english(
        enrol.text,
        ["<h1>Signing key</h1>", "Set your signing passphrase", "Passphrase rules"],
        ["<h1>Kunci tanda tangan</h1>", "Aturan frasa sandi", "Ulangi frasa sandi"],
    )


def test_verification_page_in_english_for_visitors(client) -> None:  # type: ignore[no-untyped-def]
    assert "<h1>Verifikasi dokumen</h1>" in client.get("/verifikasi").text
    switch_to_english(client)
    page = client.get("/verifikasi")
    assert page.status_code == 200
    assert_english(
        page.text,
        ["<h1>Verify a document</h1>", "Check a PDF file", "Have a paper copy?"],
        ["<h1>Verifikasi dokumen</h1>", "Periksa berkas PDF", "Punya salinan kertas?"],
    )


def test_secretariat_pages_in_english(client, auth, kalteng) -> None:  # type: ignore[no-untyped-def]
    assert auth.login("sekretariat").status_code == 302
    switch_to_english(client)
    pages = {
        "/sekretariat/": (
            ["<h1>Signing events</h1>", "Create a new event"],
            ["<h1>Acara penandatanganan</h1>", "Buat acara baru"],
        ),
        "/sekretariat/mcp": (
            ["KPK Korsupgah / MCP: PTSP and delegation of authority", "Import CSV"],
            ["Korsupgah KPK / MCP: PTSP dan pendelegasian kewenangan", "Impor CSV"],
        ),
        "/sekretariat/mandat": (
            ["<h1>Plt./Plh./a.n. mandates</h1>", "Record a mandate", "List of mandates"],
            ["<h1>Mandat Plt./Plh./a.n.</h1>", "Catat mandat", "Daftar mandat"],
        ),
    }
    for url, (english, indonesian) in pages.items():
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200, url
        assert_english(response.text, english, indonesian)


def test_printing_and_admin_pages_in_english(client, auth, kalteng, make_user) -> None:  # type: ignore[no-untyped-def]
    from signing.models import Role

    event_id = kalteng["event"].id
    assert auth.login("sekretariat").status_code == 302
    dashboard = client.get(f"/sekretariat/acara/{event_id}").text
    assert f'href="/cetak/acara/{event_id}"' in dashboard  # the event's menu leads to printing
    switch_to_english(client)
    printing = client.get(f"/cetak/acara/{event_id}")
    assert printing.status_code == 200
    assert_english(
        printing.text,
        ['<h2 class="page-sub">Print documents</h2>', "Bundle of all commitments (PDF)"],
        ["Cetak dokumen", "Bundel semua komitmen (PDF)"],
    )
    auth.logout()
    make_user("admin-uji", Role.ADMIN)
    assert auth.login("admin-uji").status_code == 302
    switch_to_english(client)
    users = client.get("/admin/pengguna").text
    assert_english(users, ["<h1>Users</h1>", "<th>Username</th>"], ["<h1>Pengguna</h1>"])


# ----------------------------------------------------------------------------- texts built in code


def js_texts(page: str) -> dict[str, str]:
    """The texts a page hands its script (templates/_js_texts.html)."""
    import json
    import re

    match = re.search(r'<script type="application/json" id="js-texts">(.*?)</script>', page, re.S)
    assert match, "no #js-texts block on the page"
    return json.loads(match.group(1))


def test_flash_messages_after_an_action_in_english(client, auth, kalteng) -> None:  # type: ignore[no-untyped-def]
    switch_to_english(client)
    token = csrf_token(client)
    wrong = client.post(
        "/masuk",
        data={"username": "sekretariat", "password": "bukan-ini", "csrf_token": token},
        follow_redirects=True,
    )
    assert_english(wrong.text, ["Wrong username or password."], ["kata sandi salah"])
    assert auth.login("sekretariat").status_code == 302
    switch_to_english(client)
    page = client.post(
        "/sekretariat/mandat", data={"csrf_token": csrf_token(client)}, follow_redirects=True
    )
    assert page.status_code == 422  # answered again, the refused fields marked
    assert_english(
        page.text,
        [
            "Choose the kind of mandate (Plt., Plh. or a.n.).",
            "Choose the office stood in for.",
            "The mandate letter number is required.",
            "Letter date is required.",
        ],
        ["Pilih jenis mandat", "Pilih jabatan yang diwakili.", "wajib diisi."],
    )
    out = client.post("/keluar", data={"csrf_token": csrf_token(client)}, follow_redirects=True)
    assert_english(out.text, ["You have logged out.", "<h1>Log in</h1>"], ["Anda telah keluar."])


def test_flash_messages_stay_indonesian_in_indonesian(client, auth, kalteng) -> None:  # type: ignore[no-untyped-def]
    assert auth.login("sekretariat").status_code == 302
    page = client.post(
        "/sekretariat/mandat", data={"csrf_token": csrf_token(client)}, follow_redirects=True
    )
    assert "Pilih jenis mandat (Plt., Plh. atau a.n.)." in page.text
    assert "Nomor surat mandat wajib diisi." in page.text
    assert "Tanggal surat wajib diisi." in page.text


def test_dashboard_script_texts_in_english(client, auth, kalteng) -> None:  # type: ignore[no-untyped-def]
    event_id = kalteng["event"].id
    assert auth.login("sekretariat").status_code == 302
    dashboard = client.get(f"/sekretariat/acara/{event_id}").text
    texts = js_texts(dashboard)
    assert texts["refreshed"] == "Diperbarui {time} WIB · otomatis tiap {seconds} detik"
    assert texts["locale"] == "id-ID"
    switch_to_english(client)
    dashboard = client.get(f"/sekretariat/acara/{event_id}").text
    texts = js_texts(dashboard)
    assert texts["refreshed"] == "Updated {time} WIB · automatically every {seconds} seconds"
    assert texts["batch_stopped"] == "Stopped: {error} Press the button again to continue."
    assert texts["locale"] == "en-GB"
    # Every text the scripts fall back to has its English translation on the page.
    assert not [key for key, text in texts.items() if key != "locale" and "Diperbarui" in text]


def test_scripts_read_every_text_the_template_hands_them() -> None:
    """Each ``t("key", ...)`` in the scripts has its key in the template, and the reverse."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    template = (root / "templates" / "_js_texts.html").read_text(encoding="utf-8")
    offered = set(re.findall(r'^\s*"(\w+)":', template, re.M))
    used: set[str] = set()
    for script in ("signing.js", "secretariat.js"):
        used |= set(re.findall(r'\bt\("(\w+)"', (root / "signing" / "static" / script).read_text()))
    assert used == offered


def test_api_docs_page_in_english(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert '<h2 id="kode-galat">Kode galat</h2>' in page.text
    switch_to_english(client)
    page = client.get("/api/v1/docs")
    assert_english(
        page.text,
        ['<h2 id="kode-galat">Error codes</h2>', "Every error has the form", "Request body"],
        ['<h2 id="kode-galat">Kode galat</h2>', "Setiap galat berbentuk", "Isi permintaan"],
    )


def test_error_pages_in_english(client) -> None:  # type: ignore[no-untyped-def]
    assert "Halaman tidak ditemukan" in client.get("/tidak-ada").text
    switch_to_english(client)
    page = client.get("/tidak-ada")
    assert page.status_code == 404
    assert_english(page.text, ["Page not found"], ["Halaman tidak ditemukan"])


# ----------------------------------------------------------------------------- the catalogue


def _catalogue():  # type: ignore[no-untyped-def]
    from babel.messages.pofile import read_po

    from signing.i18n import SOURCE_DIR

    with (SOURCE_DIR / "en" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        # abort_invalid: a syntax error fails here, loudly, instead of dropping entries.
        return read_po(handle, abort_invalid=True)


def test_the_english_catalogue_is_valid_and_complete() -> None:
    import re

    placeholder = re.compile(r"%\(\w+\)s")
    catalogue = _catalogue()
    messages = [m for m in catalogue if m.id]
    assert messages
    assert not [m.id for m in messages if not m.string], "untranslated entries"
    assert not [m.id for m in messages if m.fuzzy], "fuzzy entries"
    mismatched = [
        m.id
        for m in messages
        if set(placeholder.findall(m.id)) != set(placeholder.findall(m.string))
    ]
    assert not mismatched, "placeholders differ between msgid and msgstr"


def test_the_english_catalogue_defines_each_message_once() -> None:
    """Babel keeps the last of two definitions silently; msgfmt refuses the file. Branches that
    add the same word (e.g. "Subjek") meet here."""
    from collections import Counter

    from signing import PACKAGE_DIR

    text = (PACKAGE_DIR / "translations/en/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
    ids = Counter(
        line for line in text.splitlines() if line.startswith("msgid ") and line != 'msgid ""'
    )
    assert [msgid for msgid, count in ids.items() if count > 1] == []


def test_every_refusal_of_the_catalogue_is_in_the_english_catalogue() -> None:
    from signing.workflow.refusals import CATALOGUE

    ids = {m.id for m in _catalogue() if m.id}
    wanted = {entry.message for entry in CATALOGUE.values()}
    assert sorted(wanted - ids) == []


def test_refusals_are_translated_only_in_english(app) -> None:  # type: ignore[no-untyped-def]

    from flask_babel import force_locale

    from signing.workflow.refusals import joined, refuse

    cases = {
        refuse("already_signed"): ("Sudah ditandatangani sebelumnya.", "Already signed."),
        refuse(
            "not_your_turn", names=joined(["Bupati Kapuas", "Ketua DPRD Kabupaten Kapuas"], "dan")
        ): (
            "Belum giliran Anda: menunggu Bupati Kapuas dan Ketua DPRD Kabupaten Kapuas.",
            "It is not your turn yet: waiting for Bupati Kapuas and Ketua DPRD Kabupaten Kapuas.",
        ),
        refuse("locked", minutes=15, time="10:45"): (
            "Terlalu banyak percobaan frasa sandi yang salah. Coba lagi dalam 15 menit "
            "(pukul 10:45 WIB).",
            "Too many wrong passphrases. Try again in 15 minutes (at 10:45 WIB).",
        ),
        # Free text from a lower layer: shown as the engine wrote it.
        refuse("signing_failed", detail="PDF rusak: xref hilang"): (
            "PDF rusak: xref hilang",
            "PDF rusak: xref hilang",
        ),
    }
    with app.test_request_context("/"):
        for refused, (indonesian, english) in cases.items():
            assert refused.message == indonesian
            assert refused.text() == indonesian  # Indonesian: untouched
            with force_locale("en"):
                assert refused.text() == english
            assert refused.english() == english


def test_problems_found_below_the_views_are_flashed_in_english(client, auth, kalteng) -> None:  # type: ignore[no-untyped-def]
    assert auth.login("sekretariat").status_code == 302
    switch_to_english(client)
    page = client.post(
        "/sekretariat/acara/baru",
        data={"csrf_token": csrf_token(client), "name": "", "place": ""},
        follow_redirects=True,
    )
    assert_english(
        page.text,
        ["The event name is required.", "The place is required."],
        ["Nama acara wajib diisi.", "Tempat wajib diisi."],
    )
