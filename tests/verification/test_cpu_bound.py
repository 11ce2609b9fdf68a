"""Verification is bounded in CPU, not only in time and memory (issue 17, finding 5).

A pathological file is refused by a structural look before any worker reads it; an address
with verifications in flight gets 429, and the machine runs no more verifications at once than
it has slots for, over every web worker.
"""

from __future__ import annotations

import resource
import time
from pathlib import Path

import pytest

from signing.verification import sandbox
from signing.verification.admission import admitted
from signing.verification.precheck import structural_problem

from .test_web import upload

TWENTY_MB = 20_000_000


def _cpu_seconds() -> float:
    """CPU of this process and of every child it has reaped (verification workers, and the
    children they fork and reap, once the workers are shut down)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _one_line(ending: bytes = b"") -> bytes:
    head = b"%PDF-1.7 "
    return head + b"A" * (TWENTY_MB - len(head) - len(ending)) + ending


@pytest.mark.parametrize(
    "ending", [b"", b" startxref 9 %%EOF"], ids=["no-end-marker", "end-marker-on-the-line"]
)
def test_a_20_mb_one_line_file_is_refused_within_2_s_of_cpu(
    app, client, runner, tmp_path: Path, ending: bytes
) -> None:
    data = _one_line(ending)
    assert len(data) == TWENTY_MB and b"\n" not in data and b"\r" not in data
    path = tmp_path / "satu-baris.pdf"
    path.write_bytes(data)
    sandbox._pool.shutdown()  # workers of earlier tests: their CPU is counted before we start
    started = _cpu_seconds()

    page = upload(client, data)
    result = runner.invoke(args=["verify", str(path)])

    sandbox._pool.shutdown()  # reaps any worker this started, with its children's CPU
    spent = _cpu_seconds() - started
    print(f"\n20 MB one-line file, web upload + CLI: {spent:.2f} s of CPU")
    assert page.status_code == 200
    assert 'data-verdict="cannot_verify"' in page.text
    assert "Tidak dapat diperiksa" in page.text and "struktur berkas tidak wajar" in page.text
    assert result.exit_code == 2
    assert "Tidak dapat diperiksa: struktur berkas tidak wajar" in result.output
    assert spent < 2.0


def test_the_structural_check_passes_our_documents_and_refuses_absurd_xrefs(
    current_pdf_of, scenario
) -> None:
    for commitment_id in (scenario.draft, scenario.kotim, scenario.complete):
        assert structural_problem(current_pdf_of(commitment_id)) is None
    body = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"
    table = str(len(body)).encode()
    cases = {
        "offset past the end": body + b"startxref\n999999\n%%EOF\n",
        "offset at no xref": body + b"startxref\n3\n%%EOF\n",
        "more entries than bytes": body
        + b"xref\n0 900000000\n0000000000 65535 f \nstartxref\n"
        + table
        + b"\n%%EOF\n",
        "long line after the end": body + b"startxref\n0\n%%EOF\n" + b"x" * 5000,
    }
    for name, data in cases.items():
        assert structural_problem(data), name
    fine = body + b"xref\n0 1\n0000000000 65535 f \ntrailer\n<<>>\nstartxref\n" + table
    fine += b"\n%%EOF\n"
    assert structural_problem(fine) is None


def test_an_address_with_a_verification_in_flight_gets_429(
    app, client, current_pdf_of, scenario
) -> None:
    app.config.update(VERIFY_CONCURRENCY_PER_IP=1, VERIFY_QUEUE_SECONDS=0)
    pdf = current_pdf_of(scenario.kotim)
    # A verification from 192.0.2.7 is in flight: the slot is held as its request holds it.
    with admitted(app, "192.0.2.7"):
        busy = client.post(
            "/verifikasi",
            data={"csrf_token": _csrf(client), "berkas": (_io(pdf), "a.pdf")},
            content_type="multipart/form-data",
            environ_base={"REMOTE_ADDR": "192.0.2.7"},
        )
        other = client.post(
            "/verifikasi",
            data={"csrf_token": _csrf(client), "berkas": (_io(pdf), "a.pdf")},
            content_type="multipart/form-data",
            environ_base={"REMOTE_ADDR": "192.0.2.8"},
        )
    assert busy.status_code == 429
    assert "masih berjalan" in busy.text
    assert other.status_code == 200 and 'data-verdict="valid_incomplete"' in other.text
    # Its answer came: the address may verify again.
    again = client.post(
        "/verifikasi",
        data={"csrf_token": _csrf(client), "berkas": (_io(pdf), "a.pdf")},
        content_type="multipart/form-data",
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    assert again.status_code == 200


def test_the_host_runs_no_more_verifications_than_its_slots(
    app, client, current_pdf_of, scenario
) -> None:
    app.config.update(VERIFY_HOST_CONCURRENCY=1, VERIFY_QUEUE_SECONDS=0)
    pdf = current_pdf_of(scenario.kotim)
    with admitted(app, None):  # the machine's one slot is taken (by another web worker)
        busy = upload(client, pdf)
    assert busy.status_code == 503
    assert "sedang sibuk" in busy.text
    assert upload(client, pdf).status_code == 200


def _csrf(client) -> str:  # type: ignore[no-untyped-def]
    from .test_web import _token

    return _token(client)


def _io(data: bytes):  # type: ignore[no-untyped-def]
    import io

    return io.BytesIO(data)
