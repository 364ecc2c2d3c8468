"""Slack's limits, kept on our side: Block Kit's sizes, and the rate limits.

Block Kit's sizes (https://api.slack.com/reference/block-kit/blocks, .../block-elements,
.../composition-objects, https://api.slack.com/reference/surfaces/views): Slack refuses a whole
message or view that breaks one, so adapters/slack/blocks.py splits and pages to fit them. They
live here, in the adapter, because they are Slack's: the neutral model in bot/ has none of them.

Rate limits: kept on our side so the outbox defers a message instead of earning a 429.

Slack allows about one message a second per channel, with short bursts, and throttles a whole
workspace when an app sends too much. Here: a token bucket per channel (3 at once, then one a
second), an optional token bucket per workspace (off unless configured: Slack publishes no
figure, so an operator sets one only if they know theirs), and, when Slack answers 429 with
Retry-After, a pause for the whole workspace until then, not just for the channel that got it.

The limiter never sleeps: it says how long until a send may go, and the outbox reschedules the
row (without using an attempt) and moves on. The sender waits out one thing itself: the
workspace bucket's next token (a fraction of a second), which every send to that workspace
would wait for anyway; deferring each row instead only churns the outbox. It counts in one
process; several replicas each keep their own buckets, and each honours a 429 it receives.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

Monotonic = Callable[[], float]

#: Blocks in a message; in a modal or the Home tab.
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
#: The text of all of a message's blocks together. Not in Slack's reference: Slack answers
#: msg_blocks_too_long past about 13,200 characters (measured in slackapi/bolt-js#2509, where a
#: Slack engineer speaks of "12,000 text characters with a buffer for block containers"; also
#: bolt-js#2867). We keep to 11,000, below the 12,000 Slack documents for one markdown block.
MESSAGE_TEXT = 11_000
#: A section's text (and each context element's, which we keep to the same).
SECTION_TEXT = 3000
HEADER_TEXT = 150
#: A button's or an option's text; an option's value.
BUTTON_TEXT = 75
OPTION_TEXT = 75
OPTION_VALUE = 150
#: Checkboxes and radio buttons take this many options; a select or option group 100.
LISTED_OPTIONS = 10
SELECT_OPTIONS = 100
#: A plain-text input's max_length (1 to 3,000); an input's label and hint.
INPUT_LENGTH = 3000
LABEL_TEXT = 2000
#: A modal's title, submit and close labels; its private_metadata.
VIEW_TITLE = 24
PRIVATE_METADATA = 3000

#: Per channel: a burst of 3, then one a second.
CHANNEL_BURST = 3
CHANNEL_PER_SECOND = 1.0


class TokenBuckets:
    """A token bucket per key: ``burst`` tokens at most, refilled at ``rate`` a second."""

    def __init__(self, burst: float, rate: float, clock: Monotonic) -> None:
        if burst < 1 or rate <= 0:
            raise ValueError("a token bucket needs a burst of at least 1 and a positive rate")
        self.burst = float(burst)
        self.rate = float(rate)
        self.clock = clock
        #: key -> (tokens, when counted)
        self._buckets: dict[str, tuple[float, float]] = {}

    def wait(self, key: str, now: float) -> float:
        """Seconds until ``key`` has a token (0 if it has one now). Takes nothing."""
        tokens = self._tokens(key, now)
        return 0.0 if tokens >= 1 else (1 - tokens) / self.rate

    def take(self, key: str, now: float) -> None:
        """Take a token (call after ``wait`` said 0)."""
        self._buckets[key] = (self._tokens(key, now) - 1, now)
        if len(self._buckets) > 10_000:  # forget full buckets now and then: they are the default
            self._forget(now)

    def _tokens(self, key: str, now: float) -> float:
        tokens, then = self._buckets.get(key, (self.burst, now))
        return min(self.burst, tokens + max(now - then, 0.0) * self.rate)

    def _forget(self, now: float) -> None:
        for key in [k for k in self._buckets if self._tokens(k, now) >= self.burst]:
            del self._buckets[key]


class SlackLimits:
    """Per channel, per workspace, and the workspace-wide pause after a 429. Thread-safe."""

    def __init__(
        self,
        *,
        channel_burst: int = CHANNEL_BURST,
        channel_per_second: float = CHANNEL_PER_SECOND,
        workspace_per_second: float | None = None,
        workspace_burst: int | None = None,
        clock: Monotonic = time.monotonic,
    ) -> None:
        self.clock = clock
        self.channels = TokenBuckets(channel_burst, channel_per_second, clock)
        self.workspaces = (
            TokenBuckets(
                workspace_burst or max(1, round(workspace_per_second / 10)),
                workspace_per_second,
                clock,
            )
            if workspace_per_second
            else None
        )
        #: workspace -> the monotonic instant until which Slack asked us to wait
        self._paused: dict[str, float] = {}
        self._lock = threading.Lock()

    def take(self, workspace: str, channel: str) -> float:
        """0 and a send counted against the channel and the workspace, or the seconds to wait
        (nothing counted)."""
        now = self.clock()
        with self._lock:
            wait = max(
                self._paused.get(workspace, now) - now,
                self.channels.wait(f"{workspace}/{channel}", now),
                self.workspaces.wait(workspace, now) if self.workspaces else 0.0,
            )
            if wait > 0:
                return wait
            self._paused.pop(workspace, None)
            self.channels.take(f"{workspace}/{channel}", now)
            if self.workspaces:
                self.workspaces.take(workspace, now)
            return 0.0

    def pacing(self, workspace: str) -> float:
        """Seconds until the workspace's bucket has a token (0 if it has one, or there is no
        workspace rate): a wait every send to the workspace shares. Takes nothing."""
        if self.workspaces is None:
            return 0.0
        now = self.clock()
        with self._lock:
            return self.workspaces.wait(workspace, now)

    def pause(self, workspace: str, seconds: float) -> None:
        """Slack answered 429 with Retry-After ``seconds``: hold every send to the workspace."""
        until = self.clock() + max(seconds, 0.0)
        with self._lock:
            self._paused[workspace] = max(self._paused.get(workspace, until), until)

    def paused_for(self, workspace: str) -> float:
        """Seconds the workspace is still paused for (0 if it is not)."""
        now = self.clock()
        with self._lock:
            return max(0.0, self._paused.get(workspace, now) - now)
