"""Cleaning and limiting what people type, before it is stored or shown again.

The core carries only plain text; adapters escape all of it for their platform. This module makes
sure that what reaches the store has no control or invisible format characters (terminal escapes,
bidi overrides that reorder what a reader sees, zero-width and tag characters that hide text or
watermark a copy) and respects a stated length limit, so nothing is cut off silently.
"""

from __future__ import annotations

import re
import unicodedata

#: Stated limits for free-text fields, shown to users in prompts and errors.
STEP_TEXT_LIMIT = 300
NOTE_LIMIT = 500
NAME_LIMIT = 80
#: The most any free-text field may ask for, on every surface. Slack's plain-text input takes
#: at most 3,000 characters and refuses a whole modal that asks for more; a neutral limit that
#: one platform cannot take would make that platform lose the form, so every form keeps to it.
LONG_TEXT_LIMIT = 3000

# Line and paragraph separators (U+2028, U+2029) break lines like a newline does.
_SEPARATORS = {"\u2028", "\u2029"}
# Control, format and surrogate code points (a lone half of a pair cannot be encoded: it would
# crash the console and a JSON encoder). Unassigned ones stay: they may be emoji newer than
# this Python's Unicode tables.
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs"}
# Letters and marks that draw nothing: the combining grapheme joiner, the Hangul fillers, the
# braille blank and the Khmer inherent vowels. Text made of them looks empty but is not.
_BLANKS = {"\u034f", "\u115f", "\u1160", "\u17b4", "\u17b5", "\u2800", "\u3164", "\uffa0"}


def _is_variation_selector(char: str) -> bool:
    point = ord(char)
    return 0xFE00 <= point <= 0xFE0F or 0xE0100 <= point <= 0xE01EF


# Terminal escape sequences go whole: dropping only the ESC would leave "[31m" in the text.
_TERMINAL_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves ("\x1b[31m")
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC: window titles, hyperlinks, ended by BEL or ST
    r"|\x1b[ -/]*[0-~]"  # the other two-character escapes
)


def clean(text: str, *, multiline: bool = False) -> str:
    """Normalise ``text`` and strip control characters; keep newlines only if ``multiline``."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\t", " ")
    text = _TERMINAL_ESCAPES.sub("", text)
    kept: list[str] = []
    for char in text:
        if char == "\n" or char in _SEPARATORS:
            kept.append("\n" if multiline else " ")
        elif unicodedata.category(char) in _DROPPED_CATEGORIES or char in _BLANKS:
            # Among them: bidirectional overrides and isolates (text displayed otherwise than
            # it reads), zero-width characters and the tag characters (U+E0000 block), which
            # can hide text or mark a copy invisibly.
            continue
        elif _is_variation_selector(char):
            # One selector after a visible character picks its form (an emoji's colour); a
            # run of them carries hidden bytes, one per selector, so only the first is kept.
            if kept and not _is_variation_selector(kept[-1]) and kept[-1] not in " \n":
                kept.append(char)
        else:
            kept.append(char)
    return "".join(kept).strip()


class TooLong(ValueError):
    """Raised when cleaned text is over its field's limit; the message says by how much."""

    def __init__(self, length: int, limit: int) -> None:
        super().__init__(f"That is {length} characters; the limit is {limit}. Please shorten it.")
        self.length = length
        self.limit = limit


def clean_limited(text: str, limit: int, *, multiline: bool = False) -> str:
    """Clean ``text`` and refuse it (rather than truncate it) when it is over ``limit``."""
    cleaned = clean(text, multiline=multiline)
    if len(cleaned) > limit:
        raise TooLong(len(cleaned), limit)
    return cleaned
