"""The help numbers, one table: emergency number first, then national domestic-violence lines.

Each entry names its source (the organisation's own site) and the date it was last checked
against that source. Numbers change: whoever updates an entry updates its `checked` date,
and an entry that cannot be checked is taken out rather than left to go stale.

Keys per entry: name, phone, text, web, hours, source, checked (YYYY-MM-DD), kind
("emergency", "helpline" for domestic violence, or "crisis" for a suicide and crisis line,
shown when a message talks of suicide or self-harm), area (part of the country it serves, or "" for all of it)
and note (how to use it when it is hard to talk). Empty strings mean "none".
"""

from __future__ import annotations

__all__ = ["COUNTRIES", "COUNTRY_ALIASES", "HELPLINES"]

_CHECKED = "2026-11-24"
_CRISIS_CHECKED = "2026-12-05"


def _e(name: str, phone: str, *, source: str, web: str = "", text: str = "", hours: str = "24 hours",
       kind: str = "helpline", area: str = "", note: str = "") -> dict[str, str]:
    checked = _CRISIS_CHECKED if kind == "crisis" else _CHECKED
    return {"name": name, "phone": phone, "text": text, "web": web, "hours": hours, "source": source,
            "checked": checked, "kind": kind, "area": area, "note": note}


_CRISIS_NOTE = "For a suicide or self-harm crisis, yours or someone else's. In danger now: the emergency number."


COUNTRIES: dict[str, str] = {
    "US": "United States",
    "CA": "Canada",
    "GB": "United Kingdom",
    "IE": "Ireland",
    "AU": "Australia",
    "NZ": "New Zealand",
}

# Other spellings people type for the same country.
COUNTRY_ALIASES: dict[str, str] = {"UK": "GB"}

HELPLINES: dict[str, tuple[dict[str, str], ...]] = {
    "US": (
        _e("Emergency services (police, ambulance, fire)", "911", kind="emergency", source="https://www.911.gov",
           web="https://www.911.gov", text="Text 911 where it is available",
           note="If you cannot talk, try texting 911; where texting is not available you get a reply saying so."),
        _e("National Domestic Violence Hotline", "1-800-799-7233", text="Text START to 88788",
           web="https://www.thehotline.org", source="https://www.thehotline.org",
           note="Chat is also available on the website."),
        _e("StrongHearts Native Helpline (for Native Americans and Alaska Natives)", "1-844-762-8483",
           web="https://strongheartshelpline.org", source="https://strongheartshelpline.org",
           hours="See the website"),
        _e("988 Suicide & Crisis Lifeline", "988", text="Text 988", kind="crisis", web="https://988lifeline.org",
           source="https://988lifeline.org", note=_CRISIS_NOTE),
    ),
    "CA": (
        _e("Emergency services (police, ambulance, fire)", "911", kind="emergency",
           source="https://crtc.gc.ca", web="https://crtc.gc.ca"),
        _e("ShelterSafe: women's shelters and their crisis lines in every province and territory", "",
           web="https://www.sheltersafe.ca", source="https://www.sheltersafe.ca",
           hours="24 hours (each shelter's crisis line)",
           note="Canada has no single national line: use the map to find the crisis line nearest you."),
        _e("Assaulted Women's Helpline", "1-866-863-0511", area="Ontario", web="https://www.awhl.org",
           source="https://www.awhl.org", note="TTY 1-866-863-7868."),
        _e("SOS violence conjugale", "1-800-363-9010", area="Québec", web="https://sosviolenceconjugale.ca",
           source="https://sosviolenceconjugale.ca"),
        _e("VictimLinkBC", "1-800-563-0808", area="British Columbia", web="https://www.victimlinkbc.ca",
           source="https://www.victimlinkbc.ca"),
        _e("Family Violence Info Line", "310-1818", area="Alberta",
           web="https://www.alberta.ca/family-violence-find-supports", source="https://www.alberta.ca"),
        _e("9-8-8 Suicide Crisis Helpline", "988", text="Text 988", kind="crisis", web="https://988.ca",
           source="https://988.ca", note=_CRISIS_NOTE),
    ),
    "GB": (
        _e("Emergency services (police, ambulance, fire)", "999", kind="emergency", source="https://www.police.uk",
           web="https://www.police.uk",
           note="112 works too. If you cannot speak on a mobile, stay on the line and press 55 when asked: "
                "the call is put through to the police (the Silent Solution)."),
        _e("National Domestic Abuse Helpline (run by Refuge)", "0808 2000 247", area="England",
           web="https://www.nationaldahelpline.org.uk", source="https://www.nationaldahelpline.org.uk",
           note="Free. Live chat is also available on the website."),
        _e("Scotland's Domestic Abuse and Forced Marriage Helpline", "0800 027 1234", area="Scotland",
           web="https://sdafmh.org.uk", source="https://sdafmh.org.uk"),
        _e("Live Fear Free Helpline", "0808 80 10 800", area="Wales", web="https://www.gov.wales/live-fear-free",
           source="https://www.gov.wales/live-fear-free"),
        _e("Domestic and Sexual Abuse Helpline", "0808 802 1414", area="Northern Ireland",
           web="https://www.dsahelpline.org", source="https://www.dsahelpline.org"),
        _e("Men's Advice Line (for men experiencing domestic abuse)", "0808 801 0327",
           web="https://mensadviceline.org.uk", source="https://mensadviceline.org.uk", hours="See the website"),
        _e("Galop National LGBT+ Domestic Abuse Helpline", "0800 999 5428", web="https://galop.org.uk",
           source="https://galop.org.uk", hours="See the website"),
        _e("Samaritans", "116 123", kind="crisis", web="https://www.samaritans.org",
           source="https://www.samaritans.org", note=f"Free. {_CRISIS_NOTE}"),
    ),
    "IE": (
        _e("Emergency services (Gardaí, ambulance, fire)", "112 or 999", kind="emergency",
           source="https://www.garda.ie", web="https://www.garda.ie"),
        _e("Women's Aid National Freephone Helpline", "1800 341 900", web="https://www.womensaid.ie",
           source="https://www.womensaid.ie"),
        _e("Men's Aid (for men experiencing domestic abuse)", "01 554 3811", web="https://www.mensaid.ie",
           source="https://www.mensaid.ie", hours="See the website"),
        _e("Samaritans Ireland", "116 123", kind="crisis", web="https://www.samaritans.org/ireland/",
           source="https://www.samaritans.org/ireland/", note=f"Free. {_CRISIS_NOTE}"),
    ),
    "AU": (
        _e("Emergency services (police, ambulance, fire)", "000", kind="emergency",
           source="https://www.triplezero.gov.au", web="https://www.triplezero.gov.au",
           note="From a mobile, 112 also works."),
        _e("1800RESPECT", "1800 737 732", web="https://www.1800respect.org.au",
           source="https://www.1800respect.org.au", note="Chat is also available on the website."),
        _e("MensLine Australia", "1300 78 99 78", web="https://mensline.org.au", source="https://mensline.org.au"),
        _e("Lifeline", "13 11 14", text="Text 0477 13 11 14", kind="crisis", web="https://www.lifeline.org.au",
           source="https://www.lifeline.org.au", note=_CRISIS_NOTE),
    ),
    "NZ": (
        _e("Emergency services (police, ambulance, fire)", "111", kind="emergency",
           source="https://www.police.govt.nz", web="https://www.police.govt.nz"),
        _e("Women's Refuge crisis line", "0800 733 843 (0800 REFUGE)", web="https://womensrefuge.org.nz",
           source="https://womensrefuge.org.nz"),
        _e("Shine domestic abuse helpline", "0508 744 633", web="https://www.2shine.org.nz",
           source="https://www.2shine.org.nz", hours="See the website"),
        _e("Are You OK family violence information line", "0800 456 450", web="https://areyouok.org.nz",
           source="https://areyouok.org.nz", hours="See the website"),
        _e("Need to talk? 1737", "1737", text="Text 1737", kind="crisis", web="https://1737.org.nz",
           source="https://1737.org.nz", note=_CRISIS_NOTE),
    ),
}
