"""Country codes for `ip.geoip.country` rules: ISO 3166-1 alpha-2 from pycountry, plus the two
codes Cloudflare adds for viewers it cannot place (`XX`) and viewers arriving over Tor (`T1`).

pycountry is read once, on first use, and cached; the GUI's country picker calls `search` on
every keystroke. Its import alone costs ~25 ms and ~7 MiB, so nothing loads it until a country is
looked up.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Country:
    code: str  # upper-case two-character code as Cloudflare expects it
    name: str  # the short everyday name ("Bolivia", not "Bolivia, Plurinational State of")
    note: str | None = None  # set for Cloudflare's special codes, which are not countries


# Cloudflare's own codes from the CF-IPCountry header; they are valid rule values.
SPECIAL_COUNTRIES: tuple[Country, ...] = (
    Country("T1", "Tor network", "Cloudflare uses T1 for viewers connecting through Tor."),
    Country("XX", "Unknown country", "Cloudflare uses XX when it cannot tell a viewer's country."),
)

# Codes people type that ISO does not use for the country they mean.
COMMON_MISTAKES: dict[str, str] = {
    "UK": "GB",  # reserved in ISO 3166-1; the United Kingdom is GB
    "EL": "GR",  # the EU's own code for Greece
}


@dataclass(frozen=True)
class _Table:
    by_code: dict[str, Country]
    by_alpha3: dict[str, str]
    by_numeric: dict[str, str]
    # folded name (name, common name, official name) -> code
    by_name: dict[str, str]
    # every searchable folded name of each code, for substring search
    names: dict[str, tuple[str, ...]]
    sorted_by_name: tuple[Country, ...]


def fold(text: str) -> str:
    """Lower-case without accents, so "cote" finds "Côte d'Ivoire" and "aland" finds "Åland"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().strip()


@cache
def _table() -> _Table:
    import pycountry  # on first use only (see the module doc)

    by_code: dict[str, Country] = {}
    by_alpha3: dict[str, str] = {}
    by_numeric: dict[str, str] = {}
    by_name: dict[str, str] = {}
    names: dict[str, tuple[str, ...]] = {}
    for record in pycountry.countries:
        code = str(record.alpha_2)
        aliases = [
            str(value)
            for value in (
                getattr(record, "common_name", None),
                record.name,
                getattr(record, "official_name", None),
            )
            if value
        ]
        by_code[code] = Country(code, aliases[0])
        by_alpha3[str(record.alpha_3)] = code
        by_numeric[str(record.numeric)] = code
        folded = tuple(fold(alias) for alias in aliases)
        names[code] = folded
        for alias in folded:
            by_name.setdefault(alias, code)
    for special in SPECIAL_COUNTRIES:
        by_code[special.code] = special
        names[special.code] = (fold(special.name),)
    ordered = tuple(sorted(by_code.values(), key=lambda c: fold(c.name)))
    return _Table(by_code, by_alpha3, by_numeric, by_name, names, ordered)


def lookup(code: str) -> Country | None:
    """The country (or Cloudflare special code) for a two-letter code in any case, else None."""
    return _table().by_code.get(code.strip().upper())


def all_countries() -> list[Country]:
    """Every accepted code, ISO countries and Cloudflare's XX and T1, sorted by name."""
    return list(_table().sorted_by_name)


def search(text: str) -> list[Country]:
    """Countries whose code starts with `text` or whose name contains it, case- and
    accent-insensitive. Code matches come first (an exact code first of all), then names
    starting with `text`, then other name matches, each group in name order. Empty text
    matches everything."""
    query = fold(text)
    if not query:
        return all_countries()
    table = _table()
    exact: list[Country] = []
    by_code: list[Country] = []
    name_start: list[Country] = []
    name_inside: list[Country] = []
    for country in table.sorted_by_name:
        code = country.code.casefold()
        if code == query:
            exact.append(country)
        elif code.startswith(query):
            by_code.append(country)
        elif any(name.startswith(query) for name in table.names[country.code]):
            name_start.append(country)
        elif any(query in name for name in table.names[country.code]):
            name_inside.append(country)
    return exact + by_code + name_start + name_inside


def from_alpha3(code: str) -> Country | None:
    """The country whose ISO three-letter code this is ("DEU" -> Germany), else None."""
    alpha2 = _table().by_alpha3.get(code.strip().upper())
    return None if alpha2 is None else lookup(alpha2)


def from_numeric(code: str) -> Country | None:
    """The country whose ISO numeric code this is ("276" -> Germany), else None."""
    alpha2 = _table().by_numeric.get(code.strip().zfill(3))
    return None if alpha2 is None else lookup(alpha2)


def from_name(name: str) -> Country | None:
    """The country with exactly this name, common name or official name, in any case."""
    alpha2 = _table().by_name.get(fold(name))
    return None if alpha2 is None else lookup(alpha2)


def hint(text: str) -> str:
    """What someone who typed `text` instead of a valid code should write, as the second half
    of a sentence: "use the two-letter code, e.g. DE for DEU"."""
    code = text.strip().upper()
    meant = lookup(COMMON_MISTAKES.get(code, ""))
    if meant is not None:
        return f"{meant.name} is {meant.code}"
    other_form = from_alpha3(code) if code.isalpha() else from_numeric(code)
    if other_form is not None and len(code) == 3:
        return f"use the two-letter code, e.g. {other_form.code} for {code}"
    by_name = from_name(code)
    if by_name is not None:
        return f"for {by_name.name} use {by_name.code}"
    if len(code) >= 3:
        # Only name matches: a code-prefix match on 3+ letters means nothing.
        found = [country for country in search(code) if not country.code.startswith(code)]
        if 1 <= len(found) <= 3:
            return "perhaps you meant " + " or ".join(f"{c.code} ({c.name})" for c in found)
    return "use two-letter codes like US or DE"
