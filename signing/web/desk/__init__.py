"""The signing desk ("Meja Tanda Tangan"): one shared device in the meeting room.

The package: :mod:`.grants` (turns and one-act grants), :mod:`.board` (the secretariat's
pages and the confinement of its session), :mod:`.official` (the official's steps, the act
through :func:`signing.workflow.submit.submit_act`).

The secretariat opens the desk for one event; officials then come to the device one after the
other, authenticate on it, act once and are logged out by the act itself.

How the sessions are kept apart
-------------------------------
- **The desk** lives in the secretariat's own login session (cookie), as
  ``session["signing_desk"]``: a random desk id, the event, a fingerprint of the secretariat's
  server-side login session (the desk dies with that login) and the token naming the current
  *turn*. The turn itself is a row on the server (:class:`~signing.models.DeskTurn`); the
  cookie only names it, so replaying an old cookie names a closed turn. While a desk is
  open the secretariat's session is confined to the desk (a ``before_app_request`` hook sends
  every other page back to the board), so an official at the device cannot use the
  secretariat's rights. Closing the desk asks for the secretariat's password again.
- **An official** never gets a login session. Username and password are checked on the desk
  (``POST /meja/masuk``), and the answer is a page carrying a *grant*: a signed, short-lived
  token naming the desk, the desk's current turn, the official and a random nonce, in a hidden
  form field only. The turn row records the official and a deadline (``DESK_GRANT_SECONDS``,
  default 300 s), checked by the server on every request; the page counts down, warns
  ``DESK_WARN_SECONDS`` before the end and "Tambah waktu" moves the deadline on the server, at
  most ``DESK_MAX_EXTENSIONS`` times. Nothing is written to the cookie
  session during the official's steps (no ``login_user``, no ``flash``), and every official page
  is ``Cache-Control: no-store``.
- **The turn is consumed by the act**: the act's own transaction closes the turn row with a
  conditional update (``closed_at IS NULL``); if it was already closed the whole act is rolled
  back (so one turn can never make two acts, even concurrently). The ``desk.grant_used`` audit
  entry (object = the nonce) is written there too. Cancelling closes the turn the same way.
- **A new turn is opened whenever the board (the desk's home) is shown**, and every earlier
  open turn of the desk is closed: a grant, or a replayed login form or cookie, from before the
  board was last shown is refused. So "Back" + "resubmit" after an official left cannot bring
  their step back, and the step pages return to the board when the deadline passes.

Every step is in the audit trail: ``desk.open``, ``desk.official_login`` /
``auth.login_failed`` and ``desk.login_refused``, ``desk.step`` (the document an official
opened), the act itself (``act.*`` / ``act.refused`` as everywhere), ``desk.grant_used``
(outcome ``act`` or ``cancel``: the automatic logout), ``desk.refused`` (a spent, stale or
expired grant or login form tried), ``desk.extend`` ("Tambah waktu"), ``desk.close`` /
``desk.close_refused``.
"""

from __future__ import annotations

from signing.web.desk import official  # noqa: F401  (registers the official's steps)
from signing.web.desk.board import bp
from signing.web.desk.grants import SESSION_KEY, DeskRefused, current_desk

__all__ = ["SESSION_KEY", "DeskRefused", "bp", "current_desk"]
