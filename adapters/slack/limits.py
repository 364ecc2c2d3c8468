"""Slack's limits, kept on our side: Block Kit's sizes, and the rate limits.

Block Kit's sizes (https://api.slack.com/reference/block-kit/blocks, .../block-elements,
.../composition-objects, https://api.slack.com/reference/surfaces/views): Slack refuses a whole
message or view that breaks one, so adapters/slack/blocks.py splits and pages to fit them. They
live here, in the adapter, because they are Slack's: the neutral model in bot/ has none of them.

Rate limits (counted by the shared limiter, ``adapters/limits.py``, on the bot's clock): Slack
allows about one message a second per channel, with short bursts, and throttles a whole
workspace when an app sends too much. Here: a token bucket per channel (3 at once, then one a
second), an optional token bucket per workspace (off unless configured: Slack publishes no
figure, so an operator sets one only if they know theirs), and, when Slack answers 429 with
Retry-After, a pause for the whole workspace until then, not just for the channel that got it.
The sender waits out one thing itself: the workspace bucket's next token (a fraction of a
second), which every send to that workspace would wait for anyway; deferring each row instead
only churns the outbox.
"""

from __future__ import annotations

from adapters.limits import RateLimiter, TokenBuckets
from bot.clock import Clock

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


class SlackLimits(RateLimiter):
    """Per workspace (if configured) and per channel, and the workspace's pause after a 429:
    ``take(workspace, channel)``."""

    def __init__(
        self,
        clock: Clock,
        *,
        channel_burst: int = CHANNEL_BURST,
        channel_per_second: float = CHANNEL_PER_SECOND,
        workspace_per_second: float | None = None,
        workspace_burst: int | None = None,
    ) -> None:
        workspaces = (
            TokenBuckets(
                workspace_burst or max(1, round(workspace_per_second / 10)), workspace_per_second
            )
            if workspace_per_second
            else None
        )
        super().__init__(clock, TokenBuckets(channel_burst, channel_per_second), workspaces)
