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
of check-ins inside the limits. The limiter never sleeps: it says how long until a window has
room, and the outbox reschedules the row and moves on to other conversations.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Sequence
from datetime import datetime

from botbuilder.schema import Activity

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


class SlidingWindows:
    """Sliding-window counters per key, on an injected clock (tests move time by hand)."""

    def __init__(self, windows: Sequence[tuple[int, float]], clock: Clock) -> None:
        self.windows = tuple(windows)
        self.clock = clock
        self._longest = max(seconds for _, seconds in self.windows)
        self._most = max(count for count, _ in self.windows)
        self._sent: dict[str, deque[datetime]] = {}
        self._lock = threading.Lock()

    def wait(self, key: str) -> float:
        """Seconds until ``key`` may send again (0 if it may send now). Records nothing."""
        now = self.clock.now()
        with self._lock:
            return self._wait(self._recent(key, now), now)

    def take(self, key: str) -> float:
        """Record a send for ``key`` if every window has room and return 0; otherwise record
        nothing and return the seconds until one would."""
        now = self.clock.now()
        with self._lock:
            sent = self._recent(key, now)
            wait = self._wait(sent, now)
            if wait == 0:
                sent.append(now)
            return wait

    def note(self, key: str) -> None:
        """Count a send that happened anyway (a reply in a conversation), so later proactive
        sends see the load."""
        now = self.clock.now()
        with self._lock:
            self._recent(key, now).append(now)

    def _recent(self, key: str, now: datetime) -> deque[datetime]:
        sent = self._sent.setdefault(key, deque(maxlen=self._most))
        while sent and (now - sent[0]).total_seconds() >= self._longest:
            sent.popleft()
        if len(self._sent) > 10_000:  # forget quiet conversations now and then
            self._forget(now)
        return sent

    def _forget(self, now: datetime) -> None:
        for key in [k for k, v in self._sent.items() if not v or _age(v[-1], now) >= self._longest]:
            del self._sent[key]

    def _wait(self, sent: deque[datetime], now: datetime) -> float:
        """The longest wait any full window imposes: until its oldest send leaves it."""
        wait = 0.0
        for count, seconds in self.windows:
            if len(sent) < count:
                continue
            oldest_in_window = sent[-count]
            if _age(oldest_in_window, now) < seconds:
                wait = max(wait, seconds - _age(oldest_in_window, now))
        return wait


def _age(instant: datetime, now: datetime) -> float:
    return (now - instant).total_seconds()


class TeamsLimits:
    """Both of Teams' limits: per conversation and per tenant."""

    def __init__(self, clock: Clock) -> None:
        self.conversations = SlidingWindows(CONVERSATION_WINDOWS, clock)
        self.tenants = SlidingWindows(TENANT_WINDOWS, clock)

    def take(self, tenant: str, conversation: str) -> float:
        """0 and a send recorded in both, or the seconds to wait (nothing recorded)."""
        wait = max(self.tenants.wait(tenant), self.conversations.wait(conversation))
        if wait:
            return wait
        wait = self.conversations.take(conversation)
        if wait:  # another thread got there first
            return wait
        self.tenants.note(tenant)
        return 0.0

    def note(self, tenant: str, conversation: str) -> None:
        self.tenants.note(tenant)
        self.conversations.note(conversation)
