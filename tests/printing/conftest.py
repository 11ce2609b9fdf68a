"""The printing tests use the signed event of the verification tests (built once, copied)."""

from __future__ import annotations

from tests.verification.conftest import (  # noqa: F401 - fixtures
    app,
    current_pdf_of,
    scenario,
    scenario_app,
    signed_template,
    verify,
)
