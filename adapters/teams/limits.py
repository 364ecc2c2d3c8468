"""Teams' limits, kept on our side: a message's size, and the rate of sends.

Size. Teams refuses a bot message over 100 KB, counted on the message encoded as UTF-16, with
413 MessageSizeTooBig, and recommends keeping to 80 KB ("Format your bot messages",
learn.microsoft.com/microsoftteams/platform/bots/how-to/format-your-bot-messages). Cards are
built to the recommendation (``CARD_BYTES``), measured on the JSON exactly as the SDK sends it
(``json.dumps``, non-ASCII escaped: never less than Teams counts); the rest of the 100 KB is
room for the activity around the card. Every activity is measured again before it goes out.

Rate. Teams limits what a bot sends to one conversation (7 a second, 8 in 2 seconds, 60 in 30
seconds, 1,800 an hour) and what one app sends in one tenant (50 a second). A 429 is handled
too, but by then Teams has throttled the bot for a while; counting here keeps the Monday peak
of check-ins inside the limits. The counting is the shared limiter's (``adapters/limits.py``,
on the bot's clock): it never sleeps, it says how long until a window has room, and the
outbox reschedules the row and moves on to other conversations.
"""

from __future__ import annotations

import json

from botbuilder.schema import Activity

from adapters.limits import RateLimiter, SlidingWindows
from bot.clock import Clock

#: Teams' limit on one message, in bytes of UTF-16.
MESSAGE_BYTES = 100 * 1024
#: What one card may take: Teams' recommended 80 KB, less room for the pages' markers.
CARD_BYTES = 78 * 1024
#: The longest piece of one line of text in a card (a longer line is cut at a space).
TEXT_PIECE_BYTES = 16 * 1024


def utf16_size(text: str) -> int:
    """Bytes of ``text`` encoded as UTF-16, as Teams counts a message."""
    return len(text.encode("utf-16-le"))


def activity_size(activity: Activity) -> int:
    """An activity's size as Teams counts it, on the JSON the SDK sends (msrest's json.dumps)."""
    return utf16_size(json.dumps(activity.serialize()))


#: (how many, in how many seconds), per conversation.
CONVERSATION_WINDOWS: tuple[tuple[int, float], ...] = ((7, 1), (8, 2), (60, 30), (1800, 3600))
#: Per app, per tenant.
TENANT_WINDOWS: tuple[tuple[int, float], ...] = ((50, 1),)


class TeamsLimits(RateLimiter):
    """Both of Teams' limits, per tenant and per conversation: ``take(tenant, conversation)``."""

    def __init__(self, clock: Clock) -> None:
        super().__init__(
            clock, SlidingWindows(CONVERSATION_WINDOWS), SlidingWindows(TENANT_WINDOWS)
        )
