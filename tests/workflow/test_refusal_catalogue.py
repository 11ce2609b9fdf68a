"""One refusal catalogue (signing.workflow.refusals): every refusal is one entry that the web
pages, the signing desk, the API and the audit log read."""

from __future__ import annotations

import ast
import datetime as dt
import re

import pytest

from signing import PACKAGE_DIR
from signing.workflow import rules
from signing.workflow.refusals import CATALOGUE, Phrase, WorkflowRefused, joined, refuse

PLACEHOLDER = re.compile(r"%\((\w+)\)s")

#: The API codes and statuses clients depended on before the catalogue: they stay.
KNOWN_STATUS = {
    "not_found": 404,
    "not_your_slot": 403,
    "no_mandate": 403,
    "wrong_kind": 422,
    "reason_required": 422,
    "bad_attestation": 422,
    "wrong_passphrase": 422,
    "locked": 429,
    "not_enrolled": 409,
    "certificate_not_usable": 409,
    "already_done": 409,
    "not_your_turn": 409,
    "void": 409,
    "complete": 409,
    "declined": 409,
    "not_generated": 409,
    "conflict": 409,
    "signing_failed": 500,
    "forbidden": 403,
    "invalid_mandate": 422,
    "one_role": 409,
    "no_choice": 422,
    "passphrase_required": 422,
    "not_confirmed": 422,
    "grant_used": 409,
    "grant_expired": 401,
    "grant_stale": 401,
    "grant_invalid": 401,
    "login_stale": 409,
    "specimen_rejected": 422,
    "passphrase_rejected": 422,
    "invalid_body": 422,
    # The API's own errors (tests/api asserts their answers).
    "missing_token": 401,
    "invalid_token": 401,
    "revoked_token": 401,
    "unknown_slot": 404,
    "no_document": 404,
    "revision_not_found": 404,
    "too_large": 413,
    "unsupported_media_type": 415,
    "invalid_parameter": 422,
    "no_file": 422,
    "rate_limited": 429,
    "busy": 503,
    "http_404": 404,
    "http_405": 405,
    "http_500": 500,
}


def _english() -> dict[str, str]:
    from babel.messages.pofile import read_po

    with (PACKAGE_DIR / "translations/en/LC_MESSAGES/messages.po").open("rb") as handle:
        return {m.id: m.string for m in read_po(handle, abort_invalid=True) if m.id}


def test_every_entry_builds_its_refusal() -> None:
    for key, entry in CATALOGUE.items():
        assert entry.key == key
        assert entry.code and 400 <= entry.status < 600, key
        params = {name: f"<{name}>" for name in entry.params}
        refused = entry(**params)
        assert isinstance(refused, WorkflowRefused)
        assert (refused.code, refused.http_status, refused.entry) == (
            entry.code,
            entry.status,
            entry,
        )
        assert refused.message == entry.message % params
        assert "%(" not in refused.message
        assert set(entry.translated) <= set(entry.params), key
        with pytest.raises(TypeError):
            if entry.params:
                entry()  # a parameter left out is a programming error, not a blank
            else:
                raise TypeError


def test_codes_keep_their_statuses_and_share_one_status_each() -> None:
    statuses: dict[str, set[int]] = {}
    for entry in CATALOGUE.values():
        statuses.setdefault(entry.code, set()).add(entry.status)
    # The desk's own refusals (pages only, never the API) answer 403, 404 or 409 by cause.
    assert {code: s for code, s in statuses.items() if len(s) > 1} == {
        "desk_refused": {403, 404, 409}
    }
    for code, status in KNOWN_STATUS.items():
        assert statuses.get(code) == {status}, code
        assert rules.HTTP_STATUS[code] == status


def test_every_message_and_phrase_has_an_english_translation() -> None:
    from babel.messages.extract import extract_from_file

    english = _english()
    missing = [e.message for e in CATALOGUE.values() if not english.get(e.message)]
    assert missing == []
    # The sentence parts marked N_ (act words, joiners, mandate problems) are found by
    # `pybabel extract -k N_` and are translated too.
    marked: list[str] = []
    for module in sorted((PACKAGE_DIR / "workflow").glob("*.py")):
        for _line, message, _comments, _context in extract_from_file(
            "python", str(module), keywords={"N_": None}
        ):
            marked.append(message)
    assert {e.message for e in CATALOGUE.values()} <= set(marked)
    assert [m for m in marked if not english.get(m)] == []
    for entry in CATALOGUE.values():
        assert set(PLACEHOLDER.findall(english[entry.message])) == set(entry.params), entry.key


def test_no_refusal_in_signing_is_written_outside_the_catalogue() -> None:
    """Raise sites name an entry: nobody builds a WorkflowRefused from a code and a sentence."""
    offenders = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        if path.name == "refusals.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", None))
                if name == "WorkflowRefused":
                    offenders.append(f"{path.relative_to(PACKAGE_DIR)}:{node.lineno}")
    assert offenders == []
    assert not (PACKAGE_DIR / "web" / "refusals.py").exists()  # no translation by pattern


#: The lower layers' refusals: each names catalogue entries, never a sentence.
PROBLEM_LISTS = {"SecretariatRefused", "EventRefused", "McpError"}
NAMED_REFUSALS = {"GenerationRefused", "EventTextLocked"}


def _free_text(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str)
    )


def test_secretariat_and_generation_refusals_name_catalogue_entries() -> None:
    """``EventRefused([refuse("event_name_required")])``, ``GenerationRefused(refusal="replaced",
    number=...)``: no raise site (nor a list of problems) carries free text."""
    offenders = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = str(path.relative_to(PACKAGE_DIR))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name in NAMED_REFUSALS and (
                node.args or "refusal" not in {k.arg for k in node.keywords}
            ):
                offenders.append(f"{where}:{node.lineno}")
            if name in PROBLEM_LISTS:
                for arg in node.args:
                    items = arg.elts if isinstance(arg, ast.List) else [arg]
                    for item in items:
                        if not (
                            isinstance(item, ast.Name | ast.Attribute)
                            or (
                                isinstance(item, ast.Call)
                                and getattr(item.func, "id", "") == "refuse"
                            )
                        ):
                            offenders.append(f"{where}:{node.lineno}")
            if (
                name in {"append", "extend"}
                and where.startswith(("secretariat/", "commitments/"))
                and isinstance(node.func, ast.Attribute)
                and getattr(node.func.value, "id", "").endswith("errors")
                and any(_free_text(arg) for arg in node.args)
            ):
                offenders.append(f"{where}:{node.lineno}")
    assert offenders == []


def test_secretariat_and_generation_refusals_refuse_free_text(app) -> None:  # type: ignore[no-untyped-def]
    from flask_babel import force_locale

    from signing.commitments.errors import GenerationRefused
    from signing.secretariat.errors import BadValue, McpError

    with pytest.raises(TypeError):
        McpError(["Berkas kosong."])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        GenerationRefused("Dokumen sudah ada.")  # type: ignore[call-arg]
    replaced = GenerationRefused(refusal="replaced", number="A-1", newer="A-2")
    problem = BadValue("over_100", value="120").phrase
    mcp = McpError([refuse("mcp_row_labelled", line=3, label="ptsp", problem=problem)])
    assert str(replaced) == "Dokumen A-1 sudah diganti oleh A-2."
    assert mcp.errors == ["Baris 3: ptsp 120 melebihi 100."]
    with app.test_request_context("/"), force_locale("en"):
        assert replaced.text() == "Document A-1 has already been replaced by A-2."
        assert mcp.lines() == ["Line 3: ptsp 120 exceeds 100."]


def test_text_translates_parameters_that_are_labels(app) -> None:  # type: ignore[no-untyped-def]
    from flask_babel import force_locale

    from signing.models import ActKind
    from signing.workflow.routing import SlotState

    with app.test_request_context("/"):
        wrong = refuse("wrong_kind", kind=ActKind.SIGN.label, slot="Gubernur Kalimantan Tengah")
        remind = refuse("remind_done", state=SlotState.SIGNED.label)
        witness = refuse("not_your_turn", names=joined(["A", "B", "C"], "atau"), waiting_for=[1])
        assert remind.text() == remind.message
        assert witness.message == "Belum giliran Anda: menunggu A, B atau C."
        assert witness.details == {"waiting_for": [1]}
        with force_locale("en"):
            assert wrong.text() == (
                "The act 'Signature' does not apply to the Gubernur Kalimantan Tengah slot."
            )
            assert remind.text().endswith("already finished (Signed).")
            assert witness.text() == "It is not your turn yet: waiting for A, B or C."
        # english() answers in English whatever the request's locale.
        assert remind.english().endswith("already finished (Signed).")
        stand_in = refuse(
            "own_act",
            act=Phrase(
                "%(kind)s mewakili %(slot)s, tanpa mandat",
                {"kind": Phrase(ActKind.PARAF.label, lower=True), "slot": "Bupati Kapuas"},
            ),
        )
        assert "(paraf mewakili Bupati Kapuas, tanpa mandat)" in stand_in.message
        assert "(paraf standing in for Bupati Kapuas, without a mandate)" in stand_in.english()


def test_lower_layers_carry_their_entry() -> None:
    from signing.db import utcnow
    from signing.pki import service
    from signing.pki.errors import CertificateNotUsable, PkiError, WrongPassphrase
    from signing.specimens.images import SpecimenRejected, prepare_specimen

    locked = service.PassphraseLocked(utcnow() + dt.timedelta(minutes=10))
    cases = [
        (locked, "locked", 429),
        (WrongPassphrase(), "wrong_passphrase", 422),
        (
            WrongPassphrase(refusal="wrong_passphrase_remaining", remaining=2),
            "wrong_passphrase",
            422,
        ),
        (service.NotEnrolled(), "not_enrolled", 409),
        (CertificateNotUsable(refusal="certificate_expired", date="01-02-2026"), None, 409),
        (PkiError(refusal="key_mismatch"), "signing_failed", 500),
        (PkiError("PDF rusak"), "signing_failed", 500),
        (service.PassphraseRejected(refusal="passphrase_is_password"), None, 422),
    ]
    for error, code, status in cases:
        refused = error.refused()
        assert str(error) == refused.message
        assert refused.code == (code or refused.entry.code)
        assert refused.http_status == status
    assert "Coba lagi dalam 10 menit" in str(locked) or "Coba lagi dalam 11 menit" in str(locked)
    assert PkiError("PDF rusak").refused().message == "PDF rusak"
    with pytest.raises(SpecimenRejected) as rejected:
        prepare_specimen(b"")
    assert (rejected.value.refused().code, rejected.value.refused().http_status) == (
        "specimen_rejected",
        422,
    )
