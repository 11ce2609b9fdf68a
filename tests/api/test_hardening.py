"""The API against an attacker: random tokens, oversized chunked bodies (issue 17, finding 11)."""

from __future__ import annotations

import io

from .contract import error_code

VERIFY = "/api/v1/verify"


def _chunked(client, token: str, body: bytes, content_type: str):  # type: ignore[no-untyped-def]
    """A body without Content-Length, as a server that de-chunks it (gunicorn, Werkzeug's own)
    hands it to the app: ``wsgi.input_terminated`` set."""
    return client.post(
        VERIFY,
        input_stream=io.BytesIO(body),
        headers={
            "Authorization": f"Bearer {token}",
            "Transfer-Encoding": "chunked",
            "Content-Type": content_type,
        },
        environ_overrides={"wsgi.input_terminated": True},
    )


def test_a_chunked_body_over_the_limit_is_413_not_cut(app, token_for, kotim) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 4096
    token = token_for("sekretariat")
    client = app.test_client()
    body = b"%PDF-1.7\n" + b"0" * 8000
    raw = _chunked(client, token, body, "application/pdf")
    assert (raw.status_code, error_code(raw)) == (413, "too_large")
    boundary = "batas"
    multipart = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
            f"Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + body
        + f"\r\n--{boundary}--\r\n".encode()
    )
    form = _chunked(client, token, multipart, f"multipart/form-data; boundary={boundary}")
    assert (form.status_code, error_code(form)) == (413, "too_large")
    small = _chunked(client, token, b"%PDF-1.7\n" + b"0" * 100, "application/pdf")
    assert small.status_code == 200
    assert small.json["size"] == 109


def test_random_tokens_are_limited_per_address(app, token_for, kotim) -> None:
    app.config["API_LIMIT_BAD_TOKEN_PER_IP"] = "5 per minute"
    good = token_for("sekretariat")
    client = app.test_client()

    def get(token: str, address: str = "192.0.2.7"):  # type: ignore[no-untyped-def]
        return client.get(
            "/api/v1/events",
            headers={"Authorization": f"Bearer {token}"},
            environ_base={"REMOTE_ADDR": address},
        )

    answers = [get(f"acak-{k:04d}").status_code for k in range(8)]
    assert answers == [401] * 5 + [429] * 3
    refused = get("acak-lagi")
    assert (refused.status_code, error_code(refused)) == (429, "rate_limited")
    assert int(refused.headers["Retry-After"]) > 0
    # Another address, and requests with a valid token, are not held back by the flood.
    assert get("acak-dari-tempat-lain", "192.0.2.8").status_code == 401
    assert get(good, "192.0.2.9").status_code == 200
    assert [get(good, "192.0.2.10").status_code for _ in range(10)] == [200] * 10
