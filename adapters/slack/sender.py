"""Delivering outbox messages to Slack: direct messages and channel posts.

The dispatcher runs in a worker thread, so this uses slack_sdk's synchronous WebClient. A 429
is not slept on here: its Retry-After goes back to the outbox, which reschedules the row and
moves on, so one rate-limited channel never holds up the rest. 5xx answers and connection
errors are retried the same way; anything else is a permanent failure recorded on the row.
"""

from __future__ import annotations

import logging
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from adapters.slack.blocks import fallback_text, message_blocks
from bot.conversation import Address, Message
from bot.outbox import SendResult

log = logging.getLogger(__name__)

#: Errors that go away by themselves; anything else needs a person to look.
TRANSIENT = {
    "ratelimited",
    "service_unavailable",
    "fatal_error",
    "internal_error",
    "request_timeout",
}


class SlackSender:
    def __init__(self, token: str, base_url: str | None = None) -> None:
        self.client = WebClient(token=token, base_url=base_url or WebClient.BASE_URL, timeout=15)
        self._team_id: str | None = None

    def team_id(self) -> str:
        """The workspace this token belongs to (auth.test, asked once)."""
        if self._team_id is None:
            self._team_id = str(self.client.auth_test()["team_id"])
        return self._team_id

    def send(self, destination: Address, message: Message) -> SendResult:
        try:
            if destination.tenant and destination.tenant != self.team_id():
                return SendResult.failed(
                    f"the bot is not installed in Slack workspace {destination.tenant}"
                )
            self.client.chat_postMessage(
                channel=destination.id,
                text=fallback_text(message),
                blocks=message_blocks(message),
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as exc:
            status = exc.response.status_code
            error = str(exc.response.get("error") or f"HTTP {status}")
            if status == 429:
                retry_after = exc.response.headers.get("Retry-After", "1")
                return SendResult.later("rate limited (429)", retry_after=float(retry_after))
            if status >= 500:  # Slack's 5xx bodies are often HTML: keep the status, cut the rest
                return SendResult.later(f"HTTP {status} from Slack: {error[:200]}")
            if error in TRANSIENT:
                return SendResult.later(error)
            return SendResult.failed(error)
        except (URLError, OSError, TimeoutError) as exc:
            return SendResult.later(f"connection failed: {exc}")
        return SendResult.sent()
