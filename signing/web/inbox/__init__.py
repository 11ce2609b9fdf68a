"""Officials' pages: the inbox, the signing page, bulk signing and the signing key.

- ``GET /kotak-masuk``: "Perlu tindakan Anda": the commitments with a slot the official holds,
  may stand in for (a Wakil: paraf only) or holds a recorded mandate for, and witness slots;
  grouped by event; waiting and done ones below (:mod:`.pages`).
- ``GET /komitmen/<id>`` (the path notifications link to): the signing page. The document as
  page images with the field where the mark lands highlighted, one sentence that says what is
  being signed, only the choices the rules allow, capacity, passphrase, confirmation
  (:mod:`.pages`; its model, :func:`build_item`, in :mod:`.items`).
- ``POST /komitmen/<id>/tindakan``: the act. A refusal re-renders the page with the rules'
  message and HTTP status (a repeated submit: 409 "sudah dilakukan").
- ``POST /kotak-masuk/tanda-tangan``: several signatures with one passphrase entry, each still
  its own act, audit entry and commit (:mod:`.bulk`).
- ``GET|POST /kunci-tanda-tangan``: enrolment (issue the certificate) and passphrase change;
  ``POST /kunci-tanda-tangan/spesimen``, ``GET .../spesimen/<kind>.png``: the official's
  specimens of handwritten signature and paraf (:mod:`.keys`).

Every act goes through :func:`signing.workflow.submit.submit_act` (it owns the transaction and
the recorded refusal); the other views load, check, call one operation and commit once. The
model of a signing page and the form's :func:`form_act_request` are shared with the signing
desk (:mod:`signing.web.desk`).
"""

from __future__ import annotations

from signing.web.inbox import bulk, keys, pages  # noqa: F401  (they register the routes)
from signing.web.inbox.common import bp, client_agent, client_ip, form_act_request
from signing.web.inbox.items import (
    DONE_WORDS,
    Choice,
    Item,
    Task,
    build_item,
    document_title,
    group_by_event,
    official_items,
)
from signing.web.inbox.keys import subject_parts
from signing.web.inbox.pages import signing_context

__all__ = [
    "DONE_WORDS",
    "Choice",
    "Item",
    "Task",
    "bp",
    "build_item",
    "client_agent",
    "client_ip",
    "document_title",
    "form_act_request",
    "group_by_event",
    "official_items",
    "signing_context",
    "subject_parts",
]
