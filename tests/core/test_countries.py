"""Country codes for geo rules: ISO codes via pycountry plus Cloudflare's XX and T1."""

from __future__ import annotations

import pytest

from cfstream_gui.core import countries
from cfstream_gui.core.countries import Country, all_countries, lookup, search


@pytest.mark.parametrize("typed", ["DE", "de", " De "])
def test_lookup_is_case_and_space_insensitive(typed: str) -> None:
    assert lookup(typed) == Country("DE", "Germany")


def test_lookup_prefers_the_everyday_name() -> None:
    bolivia = lookup("BO")
    assert bolivia is not None
    assert bolivia.name == "Bolivia"


@pytest.mark.parametrize(("code", "phrase"), [("XX", "cannot tell"), ("T1", "Tor")])
def test_lookup_accepts_cloudflare_special_codes_with_a_note(code: str, phrase: str) -> None:
    country = lookup(code)
    assert country is not None
    assert country.note is not None
    assert phrase in country.note


@pytest.mark.parametrize("typed", ["UK", "ZZ", "DEU", "", "D"])
def test_lookup_rejects_what_is_not_an_alpha2_code(typed: str) -> None:
    assert lookup(typed) is None


def test_all_countries_is_sorted_by_name_and_complete() -> None:
    every = all_countries()
    names = [countries.fold(country.name) for country in every]
    assert names == sorted(names)
    codes = {country.code for country in every}
    assert len(codes) == len(every) == 249 + 2  # ISO 3166-1 plus XX and T1
    assert {"US", "GB", "XX", "T1"} <= codes


def test_all_countries_returns_a_copy_the_caller_may_change() -> None:
    first = all_countries()
    first.clear()
    assert all_countries()


def test_search_puts_code_matches_before_name_matches() -> None:
    found = [country.code for country in search("de")]
    assert found[0] == "DE"
    # "Bangladesh" contains "de" but its code does not start with it.
    assert found.index("BD") > found.index("DE")


def test_search_finds_names_by_substring_and_prefix_first() -> None:
    found = [country.code for country in search("ger")]
    assert found[0] == "DE"  # "Germany" starts with it
    assert {"DZ", "NE", "NG"} <= set(found)  # Algeria, Niger, Nigeria contain it


def test_search_ignores_case_and_accents() -> None:
    assert [c.code for c in search("COTE D")] == ["CI"]
    assert "AX" in [c.code for c in search("aland")]


def test_search_matches_official_and_common_names() -> None:
    assert "KR" in [c.code for c in search("south korea")]
    assert "DE" in [c.code for c in search("federal republic of germany")]


def test_search_with_no_text_lists_everything_and_nonsense_nothing() -> None:
    assert search("  ") == all_countries()
    assert search("qqqq") == []


def test_search_finds_the_special_codes() -> None:
    assert "T1" in [c.code for c in search("tor")]


@pytest.mark.parametrize(
    ("typed", "phrase"),
    [
        ("DEU", "DE for DEU"),
        ("276", "DE for 276"),
        ("UK", "United Kingdom is GB"),
        ("GERMANY", "for Germany use DE"),
        ("KOREA", "KP (North Korea) or KR (South Korea)"),
        ("ZZ", "two-letter codes like US"),
    ],
)
def test_hint_suggests_the_code_that_was_meant(typed: str, phrase: str) -> None:
    assert phrase in countries.hint(typed)
