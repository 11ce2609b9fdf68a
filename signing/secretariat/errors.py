"""Refusals of the secretariat's operations: each carries every problem found.

Each problem is a refusal of the catalogue (:func:`signing.workflow.refusals.refuse`): its
Indonesian message is in :attr:`SecretariatRefused.errors`, and :meth:`SecretariatRefused.lines`
gives them in the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable

from signing.workflow.refusals import WorkflowRefused, phrase

__all__ = ["BadValue", "EventRefused", "McpError", "SecretariatRefused"]


class SecretariatRefused(Exception):
    """A change the secretariat may not make; every problem is shown to the user."""

    def __init__(self, problems: Iterable[WorkflowRefused]) -> None:
        self.problems = list(problems)
        unlisted = [p for p in self.problems if not isinstance(p, WorkflowRefused)]
        if unlisted:
            raise TypeError(f"problems must be catalogue refusals, not {unlisted!r}")
        #: The problems' Indonesian messages.
        self.errors = [problem.message for problem in self.problems]
        super().__init__("\n".join(self.errors))

    def lines(self) -> list[str]:
        """The problems in the current request's locale, one line each."""
        return [problem.text() for problem in self.problems]

    def text(self) -> str:
        return "\n".join(self.lines())


class BadValue(ValueError):
    """A value that cannot be read: ``phrase`` is the catalogue's sentence part that says why."""

    def __init__(self, key: str, **params: object) -> None:
        self.phrase = phrase(key, **params)
        super().__init__(self.phrase.render(translate=False))


class EventRefused(SecretariatRefused):
    """An event that cannot be created or changed as asked."""


class McpError(SecretariatRefused):
    """A refused MCP input (line-numbered for imports)."""
