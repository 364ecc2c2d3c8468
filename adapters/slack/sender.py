"""Delivering outbox messages to Slack: direct messages and channel posts.

The dispatcher runs in a worker thread, so this uses slack_sdk's synchronous WebClient. Sends
are paced by SlackLimits (about one a second per channel, with short bursts): a send that
would go too fast is deferred, without using an attempt. A 429 is not slept on here: its
Retry-After goes back to the outbox, which reschedules the row and moves on, and every other
send to that workspace is deferred until then, since Slack throttles the whole workspace.
With a workspace rate configured, the sender waits for its next token (a fraction of a second)
itself, as every send to the workspace would.
5xx answers and connection errors are retried the same way; anything else is a permanent
failure recorded on the row.

A message too long for one Slack message (50 blocks) goes as several marked parts, in order,
in one send: if a later part fails, the retry sends the whole message again, so a part may
show twice but none is lost.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from adapters.slack.blocks import fallback_text, message_pages
from adapters.slack.limits import SlackLimits
from bot.clock import SystemClock
from bot.conversation import Address, Message
from bot.outbox import SendResult

log = logging.getLogger(__name__)

#: The longest the sender waits for the workspace's next token itself; a longer wait defers.
LONGEST_PACING = 0.5
#: Errors that go away by themselves; anything else needs a person to look.
TRANSIENT = {
    "ratelimited",
    "service_unavailable",
    "fatal_error",
    "internal_error",
    "request_timeout",
}


class SlackSender:
    def __init__(
        self,
        token: str,
        base_url: str | None = None,
        limits: SlackLimits | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = WebClient(token=token, base_url=base_url or WebClient.BASE_URL, timeout=15)
        self.limits = limits or SlackLimits(SystemClock())
        self.sleep = sleep
        self._tenants: tuple[str, ...] | None = None

    def tenants(self) -> tuple[str, ...]:
        """Who this token serves (auth.test, asked once): its enterprise first, if it has one
        (people in an Enterprise Grid are keyed by it, see adapters/slack/app.py), then its
        workspace (none for an org-wide install)."""
        if self._tenants is None:
            answer = self.client.auth_test()
            found = (answer.get("enterprise_id"), answer.get("team_id"))
            self._tenants = tuple(str(t) for t in found if t)
        return self._tenants

    def team_id(self) -> str:
        """The tenant messages to this deployment are addressed under."""
        return self.tenants()[0] if self.tenants() else ""

    def send(self, destination: Address, message: Message) -> SendResult:
        try:
            if destination.tenant and destination.tenant not in self.tenants():
                return SendResult.failed(
                    f"the bot is not installed in Slack workspace {destination.tenant}"
                )
            workspace = destination.tenant or self.team_id()
            pacing = self.limits.pacing(workspace)
            if 0 < pacing <= LONGEST_PACING:  # every send to the workspace waits for it
                self.sleep(pacing)
            wait = self.limits.take(workspace, destination.id)
            if wait:
                return SendResult.defer("Slack rate limit: deferred by the bot", retry_after=wait)
            for blocks in message_pages(message):
                self.client.chat_postMessage(
                    channel=destination.id,
                    text=fallback_text(message),
                    blocks=blocks,
                    unfurl_links=False,
                    unfurl_media=False,
                )
        except SlackApiError as exc:
            status = exc.response.status_code
            error = str(exc.response.get("error") or f"HTTP {status}")
            if status == 429:
                retry_after = _seconds(exc.response.headers.get("Retry-After"))
                self.limits.pause(destination.tenant or self.team_id(), retry_after)
                return SendResult.later(
                    "rate limited (429)", retry_after=retry_after, rate_limited=True
                )
            if status >= 500:  # Slack's 5xx bodies are often HTML: keep the status, cut the rest
                return SendResult.later(f"HTTP {status} from Slack: {error[:200]}")
            if error in TRANSIENT:
                return SendResult.later(error, rate_limited=error == "ratelimited")
            return SendResult.failed(error)
        except (URLError, OSError, TimeoutError) as exc:
            return SendResult.later(f"connection failed: {exc}")
        return SendResult.sent()


def _seconds(retry_after: object) -> float:
    """Retry-After in seconds (Slack sends whole seconds); 1 if missing or unreadable."""
    try:
        return max(float(str(retry_after)), 0.0)
    except ValueError:
        return 1.0
