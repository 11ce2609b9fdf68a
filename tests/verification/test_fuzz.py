"""Hundreds of mutated PDFs through the public upload: never a 500, always an answer in time.

Mutations (seeded, so a failure reproduces): byte flips, truncations, splices of two documents,
duplicated and deleted ranges, and garbage inserted into the signed range or the trailer. The
sources are real documents of the signed event (the seal-only draft, the Kotawaringin Timur
document with seven signatures).
"""

from __future__ import annotations

import collections
import random
import time

import pytest

from .test_web import upload

SEED = 20191024
CASES = 300
#: Per response: the worker's deadline (VERIFY_TIMEOUT_SECONDS) plus generous slack.
TIMEOUT_SECONDS = 8.0
BOUND_SECONDS = TIMEOUT_SECONDS + 7.0


def _revision_blobs(app, commitment_ids: list[int]) -> list[bytes]:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    from signing import db
    from signing.commitments.storage import revision_pdf
    from signing.models import Commitment, Revision

    blobs = []
    with app.app_context():
        for commitment_id in commitment_ids:
            commitment = db.session.get(Commitment, commitment_id)
            rows = db.session.execute(
                sa.select(Revision.sha256).where(
                    Revision.commitment_id == commitment_id, Revision.label != "generated"
                )
            ).scalars()
            blobs += [revision_pdf(db.session, commitment, sha256) for sha256 in rows]
    return blobs


def _mutate(rng: random.Random, data: bytes, other: bytes) -> tuple[str, bytes]:
    kind = rng.choice(["flip", "flips", "truncate", "splice", "duplicate", "delete", "insert",
                       "trailer"])  # fmt: skip
    b = bytearray(data)
    n = len(b)
    if kind == "flip":
        b[rng.randrange(n)] ^= 1 << rng.randrange(8)
    elif kind == "flips":
        for _ in range(rng.randint(2, 40)):
            b[rng.randrange(n)] = rng.randrange(256)
    elif kind == "truncate":
        b = b[: rng.randrange(1, n)]
    elif kind == "splice":
        cut = rng.randrange(n)
        b = b[:cut] + other[rng.randrange(len(other)) :]
    elif kind == "duplicate":
        start = rng.randrange(n)
        end = min(n, start + rng.randint(1, 5000))
        b = b[:end] + b[start:end] + b[end:]
    elif kind == "delete":
        start = rng.randrange(n)
        del b[start : start + rng.randint(1, 5000)]
    elif kind == "insert":
        at = rng.randrange(n)
        b[at:at] = rng.randbytes(rng.randint(1, 300))
    else:  # damage the last kilobyte: xref, trailer, startxref
        for _ in range(rng.randint(1, 10)):
            b[n - 1 - rng.randrange(min(n, 1024))] = rng.randrange(256)
    return kind, bytes(b)


@pytest.mark.slow
@pytest.mark.parametrize(
    "scenario_app",
    [{"VERIFY_TIMEOUT_SECONDS": TIMEOUT_SECONDS, "VERIFY_LIMIT_PER_IP": "100000 per minute"}],
    indirect=True,
)
def test_mutated_pdfs_never_give_a_500(app, client, current_pdf_of, scenario) -> None:
    rng = random.Random(SEED)
    sources = [current_pdf_of(scenario.draft), current_pdf_of(scenario.kotim)]
    revisions = _revision_blobs(app, [scenario.draft, scenario.kotim])
    verdicts: collections.Counter[str] = collections.Counter()
    kinds: collections.Counter[str] = collections.Counter()
    slowest = (0.0, "")
    started_all = time.monotonic()
    for case in range(CASES):
        source = sources[case % 2]
        kind, data = _mutate(rng, source, sources[(case + 1) % 2])
        kinds[kind] += 1
        started = time.monotonic()
        response = upload(client, data, f"mutasi-{case}.pdf")
        elapsed = time.monotonic() - started
        assert response.status_code == 200, (case, kind, response.status_code)
        assert elapsed < BOUND_SECONDS, (case, kind, elapsed)
        found = [v for v in ("valid_complete", "valid_incomplete", "modified", "not_issued_here",
                             "revoked", "void", "cannot_verify")
                 if f'data-verdict="{v}"' in response.text]  # fmt: skip
        assert len(found) == 1, (case, kind)
        verdicts[found[0]] += 1
        if elapsed > slowest[0]:
            slowest = (elapsed, f"case {case} ({kind})")
        # "Sah" only when the mutation left one of our signed revisions intact at the start
        # of the file (a cut at a revision boundary, or harmless bytes after it).
        if found[0].startswith("valid"):
            assert any(data.startswith(revision) for revision in revisions), (case, kind)
    total = time.monotonic() - started_all
    print(
        f"\n{CASES} mutated PDFs in {total:.1f} s ({total / CASES * 1000:.0f} ms each); "
        f"slowest {slowest[0] * 1000:.0f} ms ({slowest[1]})\n"
        f"mutations: {dict(kinds)}\nverdicts: {dict(verdicts)}"
    )
    assert verdicts["cannot_verify"] > 0
    assert verdicts["modified"] + verdicts["cannot_verify"] > CASES / 2
