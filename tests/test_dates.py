"""One date style per locale (signing.dates): written-out days, numeric moments in WIB."""

from __future__ import annotations

import datetime as dt

from signing.dates import clock_text, day_text, moment_text
from signing.documents.content import format_tanggal

MOMENT = dt.datetime(2019, 10, 24, 7, 5, 9, tzinfo=dt.UTC)  # 14.05 WIB


def test_indonesian_days_in_words_and_moments_in_numbers() -> None:
    assert day_text(dt.date(2019, 10, 24), "id") == "24 Oktober 2019"
    assert day_text(dt.date(2026, 12, 4), "id") == "4 Desember 2026"
    assert moment_text(MOMENT, "id") == "24-10-2019 14.05 WIB"
    assert moment_text(MOMENT, "id", seconds=True) == "24-10-2019 14.05.09 WIB"
    assert clock_text(MOMENT, "id") == "14.05 WIB"
    # Late evening UTC is already the next day in WIB.
    assert day_text(dt.datetime(2019, 10, 23, 20, 0, tzinfo=dt.UTC), "id") == "24 Oktober 2019"


def test_english_keeps_the_same_shapes() -> None:
    assert day_text(dt.date(2019, 10, 24), "en") == "24 October 2019"
    assert moment_text(MOMENT, "en") == "24-10-2019 14:05 WIB"


def test_documents_and_everything_outside_a_request_are_indonesian() -> None:
    assert format_tanggal(dt.date(2019, 10, 24)) == "24 Oktober 2019"
    assert moment_text(MOMENT) == "24-10-2019 14.05 WIB"
    assert moment_text(None) == "" and day_text(None) == ""


def test_pages_follow_the_readers_locale(app) -> None:  # type: ignore[no-untyped-def]
    with app.test_request_context("/"):
        from flask_babel import force_locale

        with force_locale("en"):
            assert day_text(dt.date(2019, 10, 24)) == "24 October 2019"
        with force_locale("id"):
            assert moment_text(MOMENT) == "24-10-2019 14.05 WIB"
