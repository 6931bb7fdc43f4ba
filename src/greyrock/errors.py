"""Errors that greyrock raises for things a person can fix.

    GreyrockError(message, hint, exit_code)
    ├── InputError                 exit 2: a file or argument we cannot use
    │   ├── UnknownFormat          no importer recognises the export
    │   ├── ParseError             an export is unreadable as a whole (file, locator)
    │   ├── LimitExceeded          an export goes past a size limit (zip bomb, huge file)
    │   ├── CaseNotFound           no case file at that path
    │   ├── CaseInUse              another greyrock command has the case open
    │   └── WeakPassphrase         a new passphrase is too easy to guess
    ├── WrongPassphrase            exit 3
    └── ModelError                 exit 2: the shipped classifier cannot be used
        ├── ModelMissing
        ├── ModelCorrupt
        └── ModelIncompatible

Our own misuse of the library stays TypeError / RuntimeError, and a check that fails
(verify finding tampering) is a result with exit 1, not an exception.

Messages name the thing, the place and the next step. They never quote message bodies:
error text ends up in terminals, logs and bug reports.
"""

from __future__ import annotations

__all__ = [
    "CaseInUse",
    "CaseNotFound",
    "GreyrockError",
    "InputError",
    "LimitExceeded",
    "ModelCorrupt",
    "ModelError",
    "ModelIncompatible",
    "ModelMissing",
    "ParseError",
    "UnknownFormat",
    "WeakPassphrase",
    "WrongPassphrase",
]


class GreyrockError(Exception):
    """Base of every error meant for the person at the keyboard."""

    exit_code: int = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} {self.hint}"


class InputError(GreyrockError):
    """A file, folder or argument that greyrock cannot use as given."""

    exit_code = 2


class UnknownFormat(InputError):
    """No importer recognises the export (or the named format does not exist)."""


class ParseError(InputError):
    """An export cannot be read at all: empty, not the claimed format, a broken zip."""

    def __init__(self, file: str, locator: str | None, reason: str, hint: str | None = None):
        place = f"{file}, {locator}" if locator else file
        super().__init__(f"{place}: {reason}", hint)
        self.file = file
        self.locator = locator
        self.reason = reason


class LimitExceeded(InputError):
    """An export goes past one of the limits that keep a hostile file from exhausting
    memory, disk or time (compression ratio, total size, member count, attachment size).

    The message names the file (and member or line), the limit and the variable that
    raises it: a person who trusts the file can lift the limit and run again.
    """

    def __init__(self, file: str, locator: str | None, reason: str, variable: str):
        place = f"{file}, {locator}" if locator else file
        super().__init__(f"{place}: {reason}", f"Set {variable} to raise the limit if you trust this file.")
        self.file = file
        self.locator = locator
        self.reason = reason
        self.variable = variable


class CaseNotFound(InputError):
    """No case file where one was named."""


class CaseInUse(InputError):
    """Another greyrock command holds the case: two at once would corrupt nothing, but
    SQLite's busy errors read as a wrong passphrase."""


class WeakPassphrase(InputError):
    """A new passphrase (case create, passwd, backup) that zxcvbn rates easy to guess; the
    hint carries a strong example and the flag that accepts the weak one anyway."""


class WrongPassphrase(GreyrockError):
    """The passphrase does not open the case (or the file is not a greyrock case)."""

    exit_code = 3


class ModelError(GreyrockError):
    """The classifier model shipped with greyrock cannot be used; screening stops."""

    exit_code = 2


class ModelMissing(ModelError):
    pass


class ModelCorrupt(ModelError):
    pass


class ModelIncompatible(ModelError):
    pass
