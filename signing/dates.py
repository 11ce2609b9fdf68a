"""One date style per locale, through Babel, for pages, exports and PDFs alike.

- A day in running text: ``24 Oktober 2019`` (English ``24 October 2019``).
- A moment (tables, timelines, sheets): ``24-10-2019 14.05 WIB`` (English ``24-10-2019 14:05
  WIB``): every time is shown in Western Indonesia Time, where the meetings happen; UTC is
  stored.

Pages follow the reader's locale (Flask-Babel's selection); documents, exports and anything
outside a request are Indonesian, the language of the commitment itself.
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date, format_datetime
from flask import has_request_context
from flask_babel import get_locale

__all__ = ["WIB", "clock_text", "day_text", "moment_text"]

#: Western Indonesia Time (no daylight saving, so a fixed offset is exact).
WIB = dt.timezone(dt.timedelta(hours=7), "WIB")
DEFAULT_LOCALE = "id"
_DAY = "d MMMM y"
#: Indonesian writes the clock with a point (Babel's own short time for "id": ``HH.mm``).
_CLOCK = {"id": "HH.mm", "en": "HH:mm"}
_CLOCK_SECONDS = {"id": "HH.mm.ss", "en": "HH:mm:ss"}


def _locale(locale: str | None) -> str:
    if locale:
        return locale
    # Pages speak the reader's language; elsewhere (CLI, PDFs, exports) Indonesian.
    if has_request_context():
        chosen = get_locale()
        if chosen is not None and chosen.language in _CLOCK:
            return chosen.language
    return DEFAULT_LOCALE


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def day_text(day: dt.date | dt.datetime | None, locale: str | None = None) -> str:
    """``24 Oktober 2019``; an empty string for nothing."""
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = _aware(day).astimezone(WIB).date()
    return format_date(day, _DAY, locale=_locale(locale))


def moment_text(
    moment: dt.datetime | None, locale: str | None = None, *, seconds: bool = False
) -> str:
    """``24-10-2019 14.05 WIB``; an empty string for nothing."""
    if moment is None:
        return ""
    language = _locale(locale)
    clock = (_CLOCK_SECONDS if seconds else _CLOCK).get(language, _CLOCK["id"])
    local = _aware(moment).astimezone(WIB)
    return format_datetime(local, f"dd-MM-yyyy {clock}", tzinfo=WIB, locale=language) + " WIB"


def clock_text(moment: dt.datetime | None, locale: str | None = None) -> str:
    """``14.05 WIB``: the time of day alone, for a moment whose day is already shown."""
    if moment is None:
        return ""
    language = _locale(locale)
    local = _aware(moment).astimezone(WIB)
    pattern = _CLOCK.get(language, _CLOCK["id"])
    return format_datetime(local, pattern, tzinfo=WIB, locale=language) + " WIB"


def wib_text(moment: dt.datetime | None, with_date: bool = True) -> str:
    """:func:`moment_text` (or, without the date, :func:`clock_text`) for a table cell or a
    line of a list: ``–`` for nothing."""
    if moment is None:
        return "–"
    return moment_text(moment) if with_date else clock_text(moment)
