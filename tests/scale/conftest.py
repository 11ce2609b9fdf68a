"""Fixtures of the scale tests: a PostgreSQL database of their own, Redis, gunicorn.

The gunicorn tests need PostgreSQL (several worker processes on one SQLite file is not the
deployment we promise) and create and drop a database of their own, so they never touch the
suite's ``test`` database. They are skipped only when PostgreSQL does not answer on
127.0.0.1:5432; the Redis checks only when Redis does not answer on 127.0.0.1:6379.

Officials are enrolled with the minimal Argon2id (``KDF_PARAMS``) and P-256 keys: app
configuration, so the code under test is the production code; the benchmark
(``signing bench``) measures the production KDF.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from bench import bench_http
from bench.bench_act import CHEAP_KDF
from bench.workspace import dispose, make_app, postgres_database, postgres_reachable

#: The Redis database these tests use (and empty); the benchmark uses another one.
REDIS_URL = os.environ.get("SIGNING_SCALE_REDIS", "redis://127.0.0.1:6379/12")
SCALE_CONFIG: dict[str, Any] = {"KDF_PARAMS": CHEAP_KDF, "SIGNING_KEY_KIND": "p256"}


@pytest.fixture(scope="module")
def redis_url() -> str | None:
    """The Redis URL when Redis answers (emptied first), else None."""
    if not bench_http.redis_reachable(REDIS_URL):
        return None
    bench_http.flush_redis(REDIS_URL)
    return REDIS_URL


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    if not postgres_reachable():
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    with postgres_database(f"signing_scale_{os.getpid()}") as url:
        yield url


@pytest.fixture(scope="module")
def scale_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("scale")


@pytest.fixture(scope="module")
def served_app(pg_url: str, scale_folder: Path) -> Iterator[Flask]:
    """The app whose database, CA and secret the gunicorn workers share (seeding, checks)."""
    app = make_app(scale_folder, pg_url, **SCALE_CONFIG)
    yield app
    dispose(app)


@pytest.fixture(scope="module")
def tokens(served_app: Flask) -> dict[str, str]:
    """The 45 officials of Kalimantan Tengah, enrolled, each with an API token."""
    return bench_http.seed(served_app)
