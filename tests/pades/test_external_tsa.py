"""An external RFC 3161 TSA over HTTP (here: a local server answering with our TSA)."""

from __future__ import annotations

import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from asn1crypto import tsp

from signing.pades.errors import PadesError
from signing.pades.sign import ActKind, Appearance, add_document_timestamp, apply_act
from signing.pades.verify import verify_pdf
from signing.pki.tsa import make_timestamper

from .conftest import SIGNED_AT, make_official


@pytest.fixture(scope="module")
def tsa_url(ca):
    backend = make_timestamper(ca)
    requests_seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers["Content-Length"]))
            requests_seen.append(self.headers.get("Content-Type"))
            response = backend.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(response)))
            self.end_headers()
            self.wfile.write(response)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/tsa", requests_seen
    server.shutdown()
    server.server_close()


def test_act_and_document_timestamp_through_an_http_tsa(ca, sealed_pdf, make_vc, tsa_url):
    url, seen = tsa_url
    external = make_timestamper(None, external_url=url)
    official = make_official(ca, "Gubernur TSA", "Gubernur")
    pdf = apply_act(
        sealed_pdf,
        field_name="ttd_gubernur",
        kind=ActKind.SIGN,
        signer=official.signer(ca),
        appearance=Appearance(official.name, official.office, None, SIGNED_AT),
        timestamper=external,
        validation_context=make_vc(),
    )
    pdf = add_document_timestamp(pdf, external, make_vc())
    assert seen and set(seen) == {"application/timestamp-query"}
    report = verify_pdf(pdf, trust_roots=ca.trust_roots, crls=ca.read_crls())
    assert report.valid, report.problems
    assert report.has_lta


def test_unreachable_tsa_is_a_clear_error(ca, sealed_pdf, make_vc):
    dead = make_timestamper(None, external_url="http://127.0.0.1:9/tsa", timeout=2)
    official = make_official(ca, "Gubernur Tanpa TSA", "Gubernur")
    with pytest.raises(PadesError, match="cap waktu"):
        apply_act(
            sealed_pdf,
            field_name="ttd_gubernur",
            kind=ActKind.SIGN,
            signer=official.signer(ca),
            appearance=None,
            timestamper=dead,
            validation_context=make_vc(),
        )


def test_offline_embedding_does_not_log_pyhanko_warnings(
    ca, sealed_pdf, timestamper, make_vc, caplog
):
    official = make_official(ca, "Pejabat Sunyi", "Bupati")
    with caplog.at_level(logging.WARNING):
        apply_act(
            sealed_pdf,
            field_name="ttd_bupati",
            kind=ActKind.SIGN,
            signer=official.signer(ca),
            appearance=None,
            timestamper=timestamper,
            validation_context=make_vc(),
        )
    assert not [r for r in caplog.records if r.name.startswith("pyhanko")]
