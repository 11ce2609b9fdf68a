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
        ["<h1>Print documents</h1>", "Bundle of all commitments (PDF)"],
        ["<h1>Cetak dokumen</h1>", "Bundel semua komitmen (PDF)"],
    )
    auth.logout()
    make_user("admin-uji", Role.ADMIN)
    assert auth.login("admin-uji").status_code == 302
    switch_to_english(client)
    users = client.get("/admin/pengguna").text
    assert_english(users, ["<h1>Users</h1>", "<th>Username</th>"], ["<h1>Pengguna</h1>"])
