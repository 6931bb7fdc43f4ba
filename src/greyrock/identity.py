"""Addresses of people: phone numbers, e-mail addresses and chat names, made comparable.

The other person often writes from several numbers and accounts. Normalising each address
(E.164 for phone numbers, lower case for e-mail) is what lets a case group them as one
contact. Anything that is neither is kept as written, trimmed.
"""

from __future__ import annotations

import locale
import os
import re
from functools import lru_cache

import phonenumbers

__all__ = ["default_region", "normalise_address", "normalise_phone"]

_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_PHONEISH = re.compile(r"^[\s\d+().\-/]{3,}$")


def default_region() -> str:
    """The two-letter region used to read numbers written without a country code.

    GREYROCK_REGION wins; then the country of the locale (en_GB -> GB); then US.
    """
    env = os.environ.get("GREYROCK_REGION", "").strip().upper()
    if len(env) == 2 and env.isalpha():
        return env
    for value in (os.environ.get("LC_ALL"), os.environ.get("LANG"), locale.getlocale()[0]):
        if value and "_" in value:
            country = value.split("_", 1)[1][:2].upper()
            if len(country) == 2 and country.isalpha():
                return country
    return "US"


def normalise_phone(raw: str, region: str = "US") -> str | None:
    """E.164 form of a phone number, or None when `raw` is not a plausible number.

    Short codes and service numbers ("12345", "+2222") are not valid E.164 numbers; they
    come back as their digits so that they still compare equal to themselves.
    """
    text = raw.strip()
    if not text or not _PHONEISH.match(text):
        return None
    digits = re.sub(r"\D", "", text)
    if not digits:
        return None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return ("+" if text.startswith("+") else "") + digits
    if phonenumbers.is_possible_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return ("+" if text.startswith("+") else "") + digits


@lru_cache(maxsize=65536)
def normalise_address(raw: str, region: str = "US") -> str:
    """A comparable form of any address: E.164, a lower-case e-mail, or the trimmed name.

    Cached: a backup repeats the same few numbers a million times.
    """
    text = raw.strip()
    if text.lower().startswith(("tel:", "mailto:")):
        text = text.split(":", 1)[1]
    if _EMAIL.match(text):
        return text.lower()
    phone = normalise_phone(text, region)
    return phone if phone is not None else " ".join(text.split())
