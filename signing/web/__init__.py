"""Blueprints. Each feature adds its blueprint to the list below."""

from __future__ import annotations

from flask import Blueprint


def BLUEPRINTS() -> list[Blueprint]:  # noqa: N802 - reads as a constant at the call site
    from signing.web import admin, auth, main, pki, secretariat

    blueprints = [auth.bp, main.bp, admin.bp, pki.bp, secretariat.bp]
    from signing.web import printing, verify

    blueprints += [verify.bp, printing.bp]
    from signing.web import desk, documents, inbox

    blueprints += [inbox.bp, desk.bp, documents.bp]
    from signing.api import bp as api_bp

    blueprints.append(api_bp)
    return blueprints
