"""Help numbers for the reader's country: the emergency number first, then the helplines.

The country comes from the reader (`--country`) or from GREYROCK_REGION / the locale
(`greyrock.identity.default_region`). An unknown country is an error that lists the
countries we do hold, so nobody is silently shown another country's numbers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from greyrock.errors import InputError
from greyrock.identity import default_region

from ._helplines import COUNTRIES, COUNTRY_ALIASES, HELPLINES

__all__ = ["Resource", "known_countries", "resolve_country", "resources_for"]


@dataclass(frozen=True, slots=True)
class Resource:
    """One number to call: the JSON shape of `greyrock help-now --json` (cli.md), plus extras."""

    name: str
    phone: str
    text: str
    web: str
    hours: str
    source: str
    checked: str
    kind: str
    area: str
    note: str

    @property
    def emergency(self) -> bool:
        return self.kind == "emergency"

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def known_countries() -> dict[str, str]:
    """Country code -> name, for every country whose numbers greyrock holds."""
    return dict(COUNTRIES)


def resolve_country(country: str | None = None) -> str:
    """The country code to use: `country` if given, else the reader's default region.

    Raises InputError (naming the known countries) when greyrock has no numbers for it.
    """
    where = "--country" if country else "GREYROCK_REGION"
    code = (country or default_region()).strip().upper()
    code = COUNTRY_ALIASES.get(code, code)
    if code not in COUNTRIES:
        known = ", ".join(f"{c} ({n})" for c, n in COUNTRIES.items())
        raise InputError(
            f"{where}: greyrock has no help numbers for {code!r}; it knows {known}.",
            "If you are in danger now, call your local emergency number (112 in the European Union).",
        )
    return code


def resources_for(country: str | None = None) -> list[Resource]:
    """The help numbers for a country, emergency number first."""
    code = resolve_country(country)
    rows = sorted(HELPLINES[code], key=lambda r: r["kind"] != "emergency")
    return [Resource(**row) for row in rows]
