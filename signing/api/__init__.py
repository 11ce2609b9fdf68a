"""The JSON API for regional e-office systems, under ``/api/v1``.

Authentication: ``Authorization: Bearer <token>``; tokens are per user, made and revoked with
``signing users token``. Cookies and CSRF play no part here (the blueprint is CSRF-exempt
because a browser never sends the bearer token on its own). Every request counts against a
per-token rate limit (``API_LIMIT_PER_TOKEN``).

The contract is the OpenAPI 3.1 document at ``/api/v1/openapi.json`` (built in
:mod:`signing.api.openapi`, shown as a page at ``/api/v1/docs``). Views are thin: they load,
check read permission (:mod:`signing.api.access`), call the same operations as the web pages
and commit once.
"""

from __future__ import annotations

from signing.api.views import bp

__all__ = ["bp"]
