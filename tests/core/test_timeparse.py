"""Reading typed token times, and showing them back in UTC and local time."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cfstream_gui.core.timeparse import (
    TimeParseError,
    describe,
    parse_duration,
    parse_when,
    to_epoch,
)

NOW = datetime(2026, 11, 28, 21, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("30m", timedelta(minutes=30)),
        ("2h", timedelta(hours=2)),
        ("1d", timedelta(days=1)),
        ("+90s", timedelta(seconds=90)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1h 30m", timedelta(hours=1, minutes=30)),
        ("2H", timedelta(hours=2)),
        ("-1h", timedelta(hours=-1)),
        ("now", timedelta(0)),
        (" 45s ", timedelta(seconds=45)),
    ],
)
def test_relative_times_count_from_now(text: str, offset: timedelta) -> None:
    assert parse_when(text, now=NOW) == NOW + offset


def test_relative_time_from_a_non_utc_now_comes_back_in_utc() -> None:
    berlin_now = NOW.astimezone(timezone(timedelta(hours=1)))
    result = parse_when("1h", now=berlin_now)
    assert result.utcoffset() == timedelta(0)
    assert result == NOW + timedelta(hours=1)


@pytest.mark.parametrize(
    "text",
    ["2026-11-28T22:00:00Z", "2026-11-28T23:00:00+01:00", "2026-11-28 22:00Z", "1795903200"],
)
def test_absolute_times_with_a_zone_or_epoch(text: str) -> None:
    result = parse_when(text, now=NOW)
    assert result == datetime(2026, 11, 28, 22, 0, tzinfo=UTC)
    assert result.tzinfo is UTC


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("2026-11-28T21:00:00", "add Z for UTC or an offset"),
        ("2026-11-28", "no time zone"),
        ("90", "e.g. 90s"),
        ("3600", "before 2001"),
        ("20261128", "looks like a YYYYMMDD date"),
        ("20261128", "2026-11-28T00:00:00Z"),
        ("1796162400000", "milliseconds"),
        ("-90", "has a sign but no unit"),
        ("tomorrow", "relative time like 30m"),
        ("1x", "ISO-8601"),
        ("", "No time given"),
        ("99999999999d", "too far"),
    ],
)
def test_unreadable_times_explain_themselves(text: str, phrase: str) -> None:
    with pytest.raises(TimeParseError) as caught:
        parse_when(text, now=NOW)
    assert phrase in str(caught.value)
    if text.strip() and "too far" not in phrase:
        assert repr(text)[1:-1] in str(caught.value)  # the input is quoted back


def test_parse_when_refuses_a_naive_now() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_when("1h", now=datetime(2026, 1, 1))


@given(
    sign=st.sampled_from(["", "+", "-"]),
    days=st.integers(0, 30),
    hours=st.integers(0, 48),
    minutes=st.integers(0, 600),
    seconds=st.integers(0, 10_000),
)
def test_relative_round_trip(sign: str, days: int, hours: int, minutes: int, seconds: int) -> None:
    text = f"{sign}{days}d{hours}h{minutes}m{seconds}s"
    delta = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    expected = NOW - delta if sign == "-" else NOW + delta
    assert parse_when(text, now=NOW) == expected


@given(st.integers(978_307_200, 4_102_444_800))
def test_epoch_round_trip(epoch: int) -> None:
    assert to_epoch(parse_when(str(epoch), now=NOW)) == epoch


@given(
    st.datetimes(
        min_value=datetime(1990, 1, 1),
        max_value=datetime(2100, 1, 1),
        timezones=st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m))),
    )
)
def test_iso_round_trip(moment: datetime) -> None:
    assert parse_when(moment.isoformat(), now=NOW) == moment


def test_to_epoch_rounds_down() -> None:
    assert to_epoch(datetime(2026, 1, 1, 0, 0, 0, 999_999, tzinfo=UTC)) == 1_767_225_600
    assert to_epoch(datetime(1969, 12, 31, 23, 59, 59, 500_000, tzinfo=UTC)) == -1


def test_to_epoch_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        to_epoch(datetime(2026, 1, 1))


@pytest.fixture
def local_zone(request: pytest.FixtureRequest) -> Iterator[None]:
    """Run with a fixed local zone, Central European unless parametrised (POSIX rules, so
    no tz database is needed)."""
    previous = os.environ.get("TZ")
    os.environ["TZ"] = getattr(request, "param", "CET-1CEST,M3.5.0,M10.5.0/3")
    time.tzset()
    yield
    if previous is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = previous
    time.tzset()


@pytest.mark.usefixtures("local_zone")
def test_describe_shows_utc_and_local_time() -> None:
    moment = datetime(2026, 11, 28, 21, 43, 0, tzinfo=UTC)
    assert describe(moment) == "2026-11-28 21:43:00 UTC (22:43:00 local, CET)"


@pytest.mark.usefixtures("local_zone")
def test_describe_gives_the_local_date_when_it_differs() -> None:
    moment = datetime(2026, 7, 1, 23, 30, 0, tzinfo=UTC)
    assert describe(moment) == "2026-07-01 23:30:00 UTC (2026-07-02 01:30:00 local, CEST)"


@pytest.mark.parametrize("local_zone", ["UTC0"], indirect=True)
def test_describe_leaves_out_local_time_when_local_is_utc(local_zone: None) -> None:
    moment = datetime(2026, 11, 28, 22, 43, 0, tzinfo=timezone(timedelta(hours=1)))
    assert describe(moment) == "2026-11-28 21:43:00 UTC"


@pytest.mark.parametrize("text", ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00"])
def test_dates_at_the_edge_of_the_calendar_get_a_sentence_not_a_crash(text: str) -> None:
    with pytest.raises(TimeParseError, match="outside the range"):
        parse_when(text, now=datetime(2026, 11, 28, tzinfo=UTC))


def test_describe_keeps_to_utc_when_local_time_would_leave_the_calendar(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        text = describe(datetime(9999, 12, 31, 20, 0, tzinfo=UTC))
    finally:
        monkeypatch.undo()
        time.tzset()
    assert text == "9999-12-31 20:00:00 UTC"


# --- hostile input: a sentence, never int()'s ValueError, an OverflowError or a KeyError ------

HUGE = "9" * 5000  # past Python's 4,300-digit limit for int(str)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        (HUGE, "5,000 digits"),
        ("-" + HUGE, "5,000 digits"),
        ("0" * 5000 + "1796000000", "5,010 digits"),
        (HUGE + "s", "too far"),
        ("1h" + HUGE + "m", "too far"),
        ("5ſ", "Cannot read"),  # U+017F folds to "s" under a Unicode IGNORECASE
        ("١٧٩٦٠٠٠٠٠٠", "Cannot read"),  # Arabic-Indic digits are not epoch seconds
        ("2h\x1b[2J", "Cannot read"),
    ],
)
def test_hostile_times_are_a_sentence(text: str, phrase: str) -> None:
    with pytest.raises(TimeParseError) as caught:
        parse_when(text, now=NOW)
    message = str(caught.value)
    assert phrase in message
    assert len(message) < 400  # the value is cut, not repeated whole
    assert message.isprintable()  # escapes and foreign digits are shown escaped


@given(st.text(max_size=60))
def test_any_text_is_a_time_or_a_sentence(text: str) -> None:
    try:
        moment = parse_when(text, now=NOW)
    except TimeParseError as exc:
        assert str(exc).isprintable()
    else:
        assert moment.tzinfo is UTC


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30m", 1800), (" 2h ", 7200), ("1h30m", 5400), ("+90s", 90), ("-5m", -300), ("1w", 604_800)],
)
def test_a_duration_is_a_relative_time_without_a_moment(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    "text", ["", "now", "90", "2026-11-28T21:00:00Z", "1796000000", "2 hours", "1" * 25 + "s"]
)
def test_a_moment_or_a_bare_number_is_not_a_duration(text: str) -> None:
    with pytest.raises(TimeParseError):
        parse_duration(text)
