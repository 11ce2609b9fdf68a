"""The secretariat's pages: events, the status dashboard, chasing, documents, mandates, MCP.

Every route is for the secretariat (and administrators); officials get 403, anonymous users the
login page. Views load, check and call one operation inside a :class:`signing.web.unit.UnitOfWork`,
which commits once, or rolls back and says why. The secretariat never acts on a slot: no page here
offers signing. One blueprint, ``secretariat``, with a module per part:

- :mod:`.events`: the event list, a new event, preparation (text, routing), generating documents;
- :mod:`.board`: the status dashboard and its refresh, the follow-up lists, reminders, exports;
- :mod:`.commitments`: one commitment's page, PDF and page images, voiding it;
- :mod:`.mandates`: Plt./Plh./a.n. mandates;
- :mod:`.mcp`: Korsupgah MCP scores and zone schemes.
"""

from __future__ import annotations

# Importing the modules registers their routes on the blueprint.
from signing.web.secretariat import board, commitments, events, mandates, mcp  # noqa: F401
from signing.web.secretariat.blueprint import STAFF, bp

__all__ = ["STAFF", "bp"]
