"""Demo step: the band schemes, and the article's late-2019 MCP spread as marked demo rows."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from signing.secretariat import mcp


def seed_secretariat_demo(app: Flask, db_session: Session, scenario: str | None = None) -> None:
    """Band schemes always (they are reference data); MCP demo figures for the demo province."""
    mcp.ensure_default_schemes(db_session, actor="demo")
    mcp.seed_demo_scores(db_session, app.config.get("PROVINCE_CODE", "62"))


DEMO_STEPS: list[Any] = [seed_secretariat_demo]
