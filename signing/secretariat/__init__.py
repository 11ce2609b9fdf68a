"""The secretariat's desk: event preparation, status tracking, chasing, MCP progress, exports.

Operations here never commit; the views and CLI commands in ``signing.web.secretariat`` and
``signing.secretariat.cli`` do, once.
"""
