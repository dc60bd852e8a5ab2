"""Cleaning text at the edge: what a user pastes (from Word, a spreadsheet, a script)
becomes text every page, database and export can hold.

One function for every entry point (web forms and query strings in
`core.requests.RequestEdgeMiddleware`, the API's JSON parser, cells read from an
uploaded workbook) and for every writer (.docx, .xlsx): a vertical tab or a form feed
becomes a line break, other control characters, lone surrogates and the two
non-characters XML forbids are dropped. Tabs, line breaks and right-to-left marks are
kept: they are text.
"""

from __future__ import annotations

import re
from typing import Any

# C0 controls except tab, line feed and carriage return; DEL and the C1 controls; lone
# surrogates (a pair decodes to one code point, so any surrogate left is alone); the
# non-characters U+FFFE and U+FFFF.
_DROPPED = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_BREAKS = re.compile("[\x0b\x0c\u2028\u2029]")
# Direction overrides can make "gpj.exe" read as "exe.jpg": never in a file name.
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_FILENAME_FORBIDDEN = re.compile(r'[\\/:*?"<>|]')
FILENAME_MAX = 150


def text_clean(value: str) -> str:
    """The text with vertical tabs and form feeds as line breaks and every character
    XML cannot hold removed."""
    return _DROPPED.sub("", _BREAKS.sub("\n", value))


def text_clean_tree(value: Any) -> Any:
    """`text_clean` applied to every string (keys too) in decoded JSON."""
    if isinstance(value, str):
        return text_clean(value)
    if isinstance(value, list):
        return [text_clean_tree(v) for v in value]
    if isinstance(value, dict):
        return {text_clean_tree(k): text_clean_tree(v) for k, v in value.items()}
    return value


def filename_safe(name: str, *, default: str = "file") -> str:
    """A file name to offer for download: no directory, no control or direction
    characters, none of the characters Windows refuses, at most FILENAME_MAX long
    (keeping the extension)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = _BIDI_CONTROLS.sub("", text_clean(base)).replace("\n", " ").replace("\t", " ")
    base = _FILENAME_FORBIDDEN.sub("_", base).strip(" .")
    if len(base) > FILENAME_MAX:
        stem, dot, ext = base.rpartition(".")
        base = (
            (stem[: FILENAME_MAX - len(ext) - 1] + dot + ext)
            if dot and len(ext) < 10
            else base[:FILENAME_MAX]
        )
    return base or default
