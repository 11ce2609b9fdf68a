"""Refusals of the secretariat's operations: each carries every problem found, in Indonesian."""

from __future__ import annotations


class SecretariatRefused(Exception):
    """A change the secretariat may not make; ``errors`` are shown to the user, all of them."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


class EventRefused(SecretariatRefused):
    """An event that cannot be created or changed as asked."""


class McpError(SecretariatRefused):
    """A refused MCP input (line-numbered for imports)."""
