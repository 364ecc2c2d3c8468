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
    kept = []
    for char in text:
        if char == "\n" or char in _SEPARATORS:
            kept.append("\n" if multiline else " ")
        elif unicodedata.category(char) in ("Cc", "Cf"):
            # Control and format characters: terminal controls, bidirectional overrides and
            # isolates (text displayed otherwise than it reads), zero-width characters and the
            # tag characters (U+E0000 block), which can hide text or mark a copy invisibly.
            continue
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
