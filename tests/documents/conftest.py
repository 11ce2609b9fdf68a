"""Fixtures of the document tests."""

from __future__ import annotations

import shutil

import pytest
from doc_builders import make_content

from signing.documents import CommitmentContent


@pytest.fixture
def content() -> CommitmentContent:
    return make_content()


@pytest.fixture
def qpdf() -> str:
    path = shutil.which("qpdf")
    if path is None:
        pytest.skip("qpdf is not installed")
    return path


@pytest.fixture
def zbarimg() -> str:
    path = shutil.which("zbarimg")
    if path is None:
        pytest.skip("zbarimg (zbar-tools) is not installed")
    return path
