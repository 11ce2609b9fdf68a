"""Workflow operations, by the names the rest of the code imports them with.

Every operation checks, changes objects, writes its audit entry and flushes; none commits. The
view or command that calls it commits once; an act goes through
:func:`signing.workflow.submit.submit_act`, which owns its transaction. The operations live in:

- :mod:`signing.workflow.acts`: :func:`perform_act` and :func:`record_refusal`;
- :mod:`signing.workflow.locking`: the commitment's lock every writer starts with;
- :mod:`signing.workflow.marks`: what an act puts into the PDF (presentation, /Reason, the
  PAdES signature or the decline's signed statement, the document time stamp);
- :mod:`signing.workflow.mandates`: recording and revoking Plt./Plh./a.n. mandates;
- :mod:`signing.workflow.turns`: notifications of whose turn it is, reminders;
- :mod:`signing.workflow.voiding`: voiding a commitment and issuing its next version.
"""

from __future__ import annotations

from signing.workflow.acts import perform_act, record_refusal
from signing.workflow.locking import lock_commitment
from signing.workflow.mandates import (
    active_mandates,
    mandate_warning,
    record_mandate,
    revoke_mandate,
)
from signing.workflow.marks import decline_statement, pdf_reason
from signing.workflow.rules import WorkflowRefused
from signing.workflow.turns import (
    COMMITMENT_PATH,
    commitment_url,
    send_event_reminders,
    send_reminder,
    slot_recipients,
)
from signing.workflow.voiding import void_commitment

__all__ = [
    "COMMITMENT_PATH",
    "WorkflowRefused",
    "active_mandates",
    "commitment_url",
    "decline_statement",
    "lock_commitment",
    "mandate_warning",
    "pdf_reason",
    "perform_act",
    "record_mandate",
    "record_refusal",
    "revoke_mandate",
    "send_event_reminders",
    "send_reminder",
    "slot_recipients",
    "void_commitment",
]
