"""Run one act in a separate process so that a test can SIGKILL it mid-way.

``python -m tests.workflow.crash_actor CONFIG_JSON COMMITMENT_ID ROLE KIND USERNAME PAUSE``

Prints ``START`` right before perform_act, ``FLUSHED`` once the act (PDF revision, act row,
audit entry) is flushed but not committed, then sleeps ``PAUSE`` seconds and commits, printing
``COMMITTED``. The pause is the caller's business (this script is the caller): production code
has no test hook.
"""

from __future__ import annotations

import json
import sys
import time

from signing import create_app, db
from signing.models import User
from signing.workflow.operations import perform_act


def main() -> None:
    config, commitment_id, role, kind, username, pause = sys.argv[1:7]
    app = create_app(json.loads(config))
    with app.app_context():
        session = db.session
        user = session.query(User).filter_by(username=username).one()
        session.commit()
        print("START", flush=True)
        perform_act(
            session,
            commitment_id=int(commitment_id),
            role=role,
            kind=kind,
            user=user,
            passphrase=app.config["CRASH_PASSPHRASE"],
        )
        print("FLUSHED", flush=True)
        time.sleep(float(pause))
        session.commit()
        print("COMMITTED", flush=True)


if __name__ == "__main__":
    main()
