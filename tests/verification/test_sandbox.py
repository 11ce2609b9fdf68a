"""The sandbox's plumbing: the child's JSON answer, the worker's warm-up, slots and children.

The limits themselves (deadline, memory) are in test_cli_and_limits.py and test_verdicts.py.
"""

from __future__ import annotations

import dataclasses
import json
import pickle
from pathlib import Path

import pytest

from signing import db
from signing.pades.verify import SignatureReport, VerificationReport, verify_pdf
from signing.verification import sandbox
from signing.verification.codec import AnswerError, decode_answer, encode_answer
from signing.verification.sandbox import Limits, VerifierBusy, start_bounded, verify_bounded
from signing.verification.warmup import make_document

from .scenario import Scenario

_UNREADABLE = "pemeriksa berhenti secara tidak normal"


def _report_of(app, pdf: bytes) -> VerificationReport:  # type: ignore[no-untyped-def]
    from signing.pki import service

    with app.app_context():
        return verify_pdf(
            pdf,
            trust_roots=service.trust_roots(),
            crls=service.current_crls(db.session),
            other_certs=[service.get_ca(app).issuing_cert],
        )


# ---------------------------------------------------------------------------- the answer


def test_a_report_survives_the_trip_as_plain_data(app, current_pdf_of, scenario: Scenario):  # type: ignore[no-untyped-def]
    report = _report_of(app, current_pdf_of(scenario.complete))
    assert report.valid and len(report.signatures) >= 6

    data = encode_answer("ok", report)
    outcome, back = decode_answer(data)

    assert outcome == "ok" and back == report
    # Plain values only: pyHanko's strings hold on to the whole parsed document.
    for signature in back.signatures:
        for field in dataclasses.fields(SignatureReport):
            value = getattr(signature, field.name)
            assert (
                value is None or type(value) in (str, int, bool) or field.name.endswith("_time")
            ), (field.name, type(value))
        assert type(signature.field_name) is str
    assert len(data) < 16_000, len(data)


def test_error_and_memory_answers() -> None:
    assert decode_answer(encode_answer("error", "ValueError: x")) == ("error", "ValueError: x")
    assert decode_answer(encode_answer("memory")) == ("memory", None)


def _valid_body(app, pdf: bytes) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(encode_answer("ok", _report_of(app, pdf)))


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda b: b.update(extra=1), id="unknown-key"),
        pytest.param(lambda b: b["report"].update(valid="true"), id="string-for-bool"),
        pytest.param(lambda b: b["report"].update(valid=1), id="int-for-bool"),
        pytest.param(lambda b: b["report"].pop("sha256"), id="missing-field"),
        pytest.param(lambda b: b["report"]["signatures"][0].update(serial="1"), id="str-for-int"),
        pytest.param(
            lambda b: b["report"]["signatures"][0].update(signing_time="kemarin"), id="bad-time"
        ),
        pytest.param(lambda b: b["report"].update(signatures={}), id="object-for-list"),
        pytest.param(lambda b: b["report"].update(problems=[1]), id="int-in-problems"),
        pytest.param(lambda b: b.update(outcome="shell"), id="unknown-outcome"),
    ],
)
def test_a_spoiled_answer_is_refused(app, current_pdf_of, scenario: Scenario, spoil) -> None:  # type: ignore[no-untyped-def]
    body = _valid_body(app, current_pdf_of(scenario.draft))
    decode_answer(json.dumps(body).encode())  # unspoiled: accepted
    spoil(body)
    with pytest.raises(AnswerError):
        decode_answer(json.dumps(body).encode())


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"bukan json",
        b"[" * 100_000 + b"]" * 100_000,
        b'"ok"',
        pickle.dumps(("ok", None)),
    ],
    ids=["empty", "text", "deep", "not-an-object", "pickle"],
)
def test_garbage_from_a_child_is_a_failed_check_not_an_exception(data: bytes) -> None:
    with pytest.raises(AnswerError):
        decode_answer(data)
    report = sandbox._report(b"%PDF-", Limits(), "answer", data)
    assert report.error and _UNREADABLE in report.error


# ---------------------------------------------------------------------------- the worker


def test_warm_up_document_takes_every_path_of_a_commitment() -> None:
    document = make_document()
    report = verify_pdf(document.pdf, trust_roots=document.trust_roots, crls=document.crls)
    assert report.valid, report.problems
    assert report.has_lta
    kinds = {(s.is_certification, s.is_document_timestamp) for s in report.signatures}
    assert kinds == {(True, False), (False, False), (False, True)}
    assert all(s.timestamp_time for s in report.signatures)
    assert b"/DSS" in document.pdf


def test_a_worker_starts_warm() -> None:
    worker = sandbox._Worker()
    try:
        assert worker.warm_up.startswith("ok"), worker.warm_up
    finally:
        worker.stop()


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    if not path.exists():
        pytest.skip("no /proc/<pid>/task/<pid>/children here")
    return [int(p) for p in path.read_text().split()]


def test_children_are_reaped_after_answering(current_pdf_of, scenario: Scenario) -> None:
    pdf = current_pdf_of(scenario.draft)
    limits = Limits(concurrency=1)
    for _ in range(3):
        assert verify_bounded(pdf, trust_roots=[], limits=limits).signatures
    workers = [w for w in sandbox._pool._all if w.alive()]
    assert workers
    # A worker reaps its child once the answer is sent, before it reads the next request: one
    # more request leaves at most the child that served it.
    verify_bounded(b"bukan pdf", trust_roots=[], limits=limits)
    for worker in workers:
        children = _children(worker.process.pid)
        assert len(children) <= 1, children


# ---------------------------------------------------------------------------- slots


def test_a_started_verification_holds_its_slot_until_its_result() -> None:
    limits = Limits(concurrency=1, queue_seconds=0.2)
    first = start_bounded(b"bukan pdf", trust_roots=[], limits=limits)
    with pytest.raises(VerifierBusy):
        start_bounded(b"bukan pdf juga", trust_roots=[], limits=limits)
    report = first.result()
    assert report.error and "bukan dokumen PDF" in report.error
    assert first.result() is report
    second = start_bounded(b"bukan pdf juga", trust_roots=[], limits=limits)
    assert "bukan dokumen PDF" in (second.result().error or "")
