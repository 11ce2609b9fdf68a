"""A request body without Content-Length (chunked) is held to ``MAX_CONTENT_LENGTH`` too.

Werkzeug checks a declared Content-Length before reading (413), but a chunked body from a
server that de-chunks it (``wsgi.input_terminated``: gunicorn, Werkzeug's own server) is only
wrapped in a stream that *stops* at the limit: ``request.get_data()`` and the form parser
then see the first ``MAX_CONTENT_LENGTH`` bytes as if they were the whole body, and a 30 MB
upload is silently judged on its first 20 MB. This middleware reads such a body up to one
byte past the limit before the app sees it: within the limit, the app gets it with its length
declared, as if the client had sent Content-Length; past it, the request declares a length
over the limit, so the first read of the body is refused with 413 by Werkzeug, in the form
(page or JSON) of whoever reads it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.wsgi import get_content_length

_CHUNK = 1 << 16


class BoundedBody:
    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]], app: Flask) -> None:
        self.wsgi_app = wsgi_app
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        limit = self.app.config.get("MAX_CONTENT_LENGTH")
        # Werkzeug ignores Content-Length when the body is chunked (get_content_length).
        if limit and environ.get("wsgi.input_terminated") and get_content_length(environ) is None:
            _bound(environ, int(limit))
        return self.wsgi_app(environ, start_response)


def _bound(environ: dict[str, Any], limit: int) -> None:
    stream = environ["wsgi.input"]
    body = bytearray()
    while len(body) <= limit:
        chunk = stream.read(min(_CHUNK, limit + 1 - len(body)))
        if not chunk:
            break
        body += chunk
    if len(body) > limit:
        # Declared too long: nothing of it reaches a view (the rest stays unread).
        environ["CONTENT_LENGTH"] = str(len(body))
        environ["wsgi.input"] = io.BytesIO()
    else:
        environ["CONTENT_LENGTH"] = str(len(body))
        environ["wsgi.input"] = io.BytesIO(bytes(body))
    del environ["wsgi.input_terminated"]
    environ.pop("HTTP_TRANSFER_ENCODING", None)


def init_app(app: Flask) -> None:
    app.wsgi_app = BoundedBody(app.wsgi_app, app)  # type: ignore[method-assign]
