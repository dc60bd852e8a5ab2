"""The one error type every loader and service raises for bad input."""

from __future__ import annotations


class InputError(Exception):
    """Bad input, refused: the message says what is wrong and where."""

    def __init__(self, message: str, *, where: str = "") -> None:
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}" if where else message)


class StaleRevision(Exception):
    """A write based on a revision that is no longer current: it would overwrite someone
    else's change, so it is refused (409 in the API) and nothing is stored."""


ECHO_LIMIT = 80  # characters of a refused input quoted back in a message


def echoed(raw: object, *, limit: int = ECHO_LIMIT) -> str:
    """The input as a refusal quotes it: cut to `limit` characters (ending in …), so that
    an answer never grows with what was sent (a 1.5 MB value is quoted in 80 characters)."""
    text = str(raw)
    return text if len(text) <= limit else text[: limit - 1] + "…"
