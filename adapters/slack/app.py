"""The Bolt app: Slack requests in as neutral events, the core's replies out as Block Kit.

Every listener acks first, then does the database work in a worker thread (the core is
synchronous) and the Web API calls after, so Slack's 3-second ack deadline never waits on
either. The one exception is a modal submission: Slack only shows validation errors that come
with the ack itself, so the core checks the form first, with a deadline inside Slack's counted
from the request's arrival; that check and the ack stay on the HTTP loop (the ack waits for
them), and what follows the ack goes to the work loop like any other work.

Acks also come before work in time, not just in order. The work after an ack runs on an event
loop of its own (``work_loop.py``), so a request's read and ack never queue behind other
requests' Web API calls on the HTTP loop. It is handed over, and the core (one worker thread)
starts a job, only once no request (its own included) waits for its ack (``acking``, counted
by the HTTP route; Socket Mode has no such wait), or after core_thread.ACKS_FIRST_WAIT (0.2
s), so neither thread takes the GIL while a burst's acks are being written; a command's or a
button's reply that opens no modal waits for them up to DELIVERY_WAIT more. Under
bursts of slash commands and button presses, and a stream of sign-ups, acks come about as fast
as a bare Bolt app's (benchmarks/slack_ack.py and benchmarks/ack_under_load.py; the figures
are in the README).

Deadlines next: a request with a trigger_id (a modal may have to open within 3 s of Slack
sending it) goes to the front of the core's queue and waits for users.info at most
USERS_INFO_WAIT. A trigger that is too old by then, or that Slack calls expired, gets a private
"Open the form" button at once instead; its form is kept in the database
(bot/form_tokens.py), so any replica serves the button, after a restart too.

Nothing is dropped silently: every refusal by Slack is logged with its error, and the person
gets a short plain message instead; a listener that fails says sorry rather than going quiet.

What must stay out of chat history never becomes a message: an anonymous form's answer (a
receipt, a follow-up's conversation) shows in its own modal, slow or not ("Sending…" in the
ack, then views.update by view id); a confidential message (a case) shows only in a modal,
opened with the press's trigger, updated in place, with the handlers' forms pushed on top.
Mentions are answered ephemerally. People are keyed by enterprise in an Enterprise Grid.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
import time
from collections.abc import Coroutine, Iterator
from concurrent.futures import Future
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

from aiohttp import ClientError
from cachetools import TTLCache
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.replies import ReplyChannel
from adapters.slack import core_thread
from adapters.slack.blocks import (
    HOME_PAGE_ACTION,
    WINDOW_PAGE_ACTION,
    Block,
    confirmation,
    fallback_text,
    form_values,
    home_view,
    message_pages,
    modal,
    neutral_action_id,
    pending,
    view_metadata,
    window,
    with_answers,
)
from adapters.slack.core_thread import CoreThread
from adapters.slack.limits import PRIVATE_METADATA
from adapters.slack.work_loop import WorkLoop
from bot.conversation import (
    ActionEvent,
    ActionsBlock,
    Actor,
    Button,
    CommandEvent,
    Event,
    Form,
    FormErrors,
    FormEvent,
    Message,
    MessageEvent,
    OpenForm,
    Place,
    Reply,
    Say,
    TextBlock,
    Update,
    text_message,
)
from bot.form_tokens import FormTokens
from bot.router import Bot

log = logging.getLogger(__name__)
T = TypeVar("T")

#: A modal submission must be acked within 3 s of Slack sending it; the core has until this
#: long after it arrived (users.info included) to validate it.
VIEW_DEADLINE = 2.5
#: A trigger is not tried later than this after its request arrived (Slack's limit is 3 s
#: from sending, and views.open itself takes a round trip): the button is offered instead.
TRIGGER_BUDGET = 2.4
#: Longest a command's or a button's reply that opens no modal waits for pending acks.
DELIVERY_WAIT = 0.5
#: How long a request waits for users.info (name and time zone) before going on without it
#: (the call is then abandoned, so no call outlives its request; the next request asks again).
USERS_INFO_WAIT = 0.5
OPEN_FORM_ACTION = "slack.open_form"
#: Trigger errors that a fresh trigger (the "Open the form" button) cures.
TRIGGER_ERRORS = {"expired_trigger_id", "invalid_trigger_id", "exchanged_trigger_id"}
SORRY = "Sorry, Slack would not show my answer. Please try again in a moment."
#: An "Open the form" button pressed again, or after its form expired.
EXPIRED_FORM = "That form has expired or is already open. Type /pledge or /report to start again."
#: Slack would not open the form with a press's trigger (too slow): a new button is offered.
TOO_SLOW = "That took a moment too long. Press “Open the form” again."
#: What a slow form's modal shows until the answer replaces it (Slack's ack cannot wait).
SENDING = "Sending… this window shows the answer in a moment. Please keep it open."
#: A form whose own details could not be read back in time: nothing was sent or saved.
BUSY = "Nothing was sent yet: I'm slow right now. Please press Submit again in a moment."
#: A case's words asked for where no window can open (no trigger, or it expired).
IN_A_WINDOW = "This opens in a window of its own, so that it stays out of the chat's history."
#: The Events API events the bot answers (as the manifest names them), with the bot scope
#: each needs (https://api.slack.com/events): the manifest subscribes to exactly these.
EVENTS = {
    "app_home_opened": None,
    "message.im": "im:history",
    "app_mention": "app_mentions:read",
}
#: Direct-message subtypes that are a person writing to the bot: a file with a comment, a
#: thread reply also sent to the conversation, an edited message (the command it now says).
#: Every other subtype (a deletion, a bot's message, a join) is not someone asking anything.
TYPED_SUBTYPES = {None, "file_share", "thread_broadcast", "message_changed"}
#: Legacy interactive payloads (message attachments, dialogs, steps from apps): this bot sends
#: none of them, so one that arrives is acked and left alone, never handed to a listener.
LEGACY_INTERACTIONS = (
    "interactive_message",
    "dialog_submission",
    "dialog_cancellation",
    "workflow_step_edit",
)
#: A mention of someone in a message's text: <@U123> or <@U123|name>.
MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")


class Refused(Exception):
    """Slack refused a call: ``error`` is its error code (or the HTTP status)."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


@dataclass(frozen=True)
class Origin:
    """Where an event came from, so replies go back to the same place."""

    team_id: str
    user_id: str
    channel_id: str | None = None
    response_url: str | None = None
    message_ts: str | None = None
    in_home: bool = False
    #: The modal an action came from, or that a form was pushed on top of: answers show in
    #: it (views.update), never as messages.
    view_id: str | None = None
    #: The thread a mention was made in: a private answer shows there.
    thread_ts: str | None = None

    def metadata(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, False)}

    def metadata_for(self, form: Form) -> dict[str, Any]:
        """What rides in the modal's private_metadata. Nothing about who or where for an
        anonymous form: Slack's copy of the view must not tie the report to anyone."""
        return {"anonymous": True} if form.anonymous else self.metadata()


@dataclass(frozen=True)
class Pressed:
    """The button an action came from: pressed again for another page of a case's window,
    or offered again when the window could not open."""

    action_id: str
    value: str
    page: int = 0

    def shown_by(self) -> tuple[str, str]:
        return self.action_id, self.value


@dataclass(frozen=True)
class Trigger:
    """A trigger_id and the monotonic instant after which it is not worth trying."""

    id: str
    deadline: float

    @classmethod
    def of(cls, body: dict[str, Any], arrived: float) -> Trigger | None:
        trigger_id = body.get("trigger_id")
        return cls(str(trigger_id), arrived + TRIGGER_BUDGET) if trigger_id else None

    def usable(self) -> bool:
        return time.monotonic() < self.deadline


def tenant_of(context: AsyncBoltContext) -> str:
    """Whom people's ids belong to, the same whatever the payload's shape. Slack user ids are
    unique across an Enterprise Grid organisation, and an org-wide install's payloads may
    have ``team: null`` (interactions) or the enterprise alone, so people are keyed by the
    enterprise id when there is one, else by the workspace id. Bolt reads both ids from every
    payload shape (slash command, interaction, view, event) into its context."""
    return str(context.enterprise_id or context.team_id or "")


def from_a_bot(message: dict[str, Any], context: AsyncBoltContext) -> bool:
    """Written by a bot (this one above all): never answered, so the bot cannot answer
    itself or loop with another bot."""
    return bool(
        message.get("bot_id")
        or message.get("bot_profile")
        or message.get("subtype") == "bot_message"
        or (context.bot_user_id and message.get("user") == context.bot_user_id)
    )


def _error(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):  # a 5xx body is often HTML: its data is then a str
        data = exc.response.data
        error = data.get("error") if isinstance(data, dict) else None
        return str(error or f"HTTP {exc.response.status_code}")
    if isinstance(exc, Refused):
        return exc.error
    return type(exc).__name__


@dataclass(frozen=True)
class Answering:
    """Where a reply goes back to, and with what: the event's origin, the Web API client,
    the press's trigger if any, and the button to offer again if a window cannot open."""

    origin: Origin
    client: AsyncWebClient
    trigger: Trigger | None
    again: Pressed | None = None


class SlackAdapter(ReplyChannel[Answering, Coroutine[Any, Any, None]]):
    """Bolt listeners around one Bot. ``client`` is the async Web API client (its base_url
    may point at a local fake in tests, or at Slack's government cloud). Replies are rendered
    through the shared dispatch (``adapters/replies.py``), every kind overridden here."""

    def __init__(self, bot: Bot, app: AsyncApp) -> None:
        self.bot = bot
        self.app = app
        self.tokens = FormTokens(bot.store, bot.clock)
        self._people: TTLCache[str, tuple[str, str | None]] = TTLCache(maxsize=10_000, ttl=3600)
        # Modal submissions look people up on the HTTP loop, the rest on the work loop: two
        # threads, and a TTLCache is not thread-safe.
        self._people_lock = threading.Lock()
        self._core = CoreThread()
        self.work = WorkLoop()
        self._acking = 0
        self._acks_written = asyncio.Event()  # of the HTTP loop, where acking() counts
        self._acks_written.set()
        app.command(re.compile(rf"^/({'|'.join(map(re.escape, bot.commands))})$"))(self._on_command)
        app.action({"type": "block_actions", "action_id": re.compile(r".+")})(self._on_action)
        for kind in LEGACY_INTERACTIONS:
            app.action({"type": kind, "callback_id": re.compile(r".*")})(self._on_legacy)
        app.view({"type": "view_submission", "callback_id": re.compile(r".+")})(self._on_view)
        # Payloads this bot never asks for (it declares no shortcuts, external selects or
        # notify_on_close): acked quietly. Unmatched, Bolt answers 404 and logs the payload at
        # WARNING, a block_suggestion's typed text included.
        app.shortcut(re.compile(r".*"))(self._on_legacy)
        app.view_closed(re.compile(r".*"))(self._on_legacy)
        app.options(re.compile(r".*"))(self._on_no_options)
        app.event("app_home_opened")(self._on_home)
        app.event("message")(self._on_message)
        app.event("app_mention")(self._on_mention)

    # --- who and where -------------------------------------------------------------------

    async def _actor(
        self, client: AsyncWebClient, team_id: str, user_id: str, lookup: bool = True
    ) -> Actor:
        """The actor, with name and time zone from users.info (cached for an hour), or
        without them if Slack does not answer within USERS_INFO_WAIT or fails (the core then
        uses DEFAULT_TIMEZONE). Reporters are not looked up (``lookup=False``): no call to
        Slack names them, and the core keeps them in memory only."""
        with self._people_lock:
            known = self._people.get(user_id) if lookup else ("", None)
        if known is None:
            known = await self._look_up(client, user_id) or ("", None)
        return Actor(
            platform="slack",
            tenant=team_id,
            user_id=user_id,
            display_name=known[0],
            timezone=known[1],
        )

    async def _look_up(self, client: AsyncWebClient, user_id: str) -> tuple[str, str | None] | None:
        try:
            response = await asyncio.wait_for(client.users_info(user=user_id), USERS_INFO_WAIT)
        except (SlackApiError, SlackClientError, ClientError, OSError, TimeoutError) as exc:
            log.warning("users.info failed: %s", _error(exc))
            return None
        user = response["user"] or {}
        profile = user.get("profile") or {}
        name = profile.get("display_name") or user.get("real_name") or user.get("name")
        known = (str(name or ""), user.get("tz"))
        with self._people_lock:
            self._people[user_id] = known
        return known

    @staticmethod
    def _place(channel_id: str | None) -> Place:
        if channel_id and not channel_id.startswith("D"):
            return Place(kind="channel", id=channel_id)
        return Place(kind="direct", id=channel_id or "")

    async def _run(
        self, event: Event, urgent: bool = False, before_ack: bool = False
    ) -> list[Reply]:
        return await self._core.call(self.bot.handle, event, urgent=urgent, before_ack=before_ack)

    # --- acks first ----------------------------------------------------------------------

    @contextmanager
    def acking(self) -> Iterator[None]:
        """Count one HTTP request as waiting for its ack until its response has been sent."""
        self._acking += 1
        if self._acking == 1:
            self._acks_written.clear()
            self._core.acks_pending(True)
            self.work.acks_pending(True)
        try:
            yield
        finally:
            self._acking -= 1
            if not self._acking:
                self._acks_written.set()
                self._core.acks_pending(False)
                self.work.acks_pending(False)

    async def finish(self) -> None:
        """Let the work already acked finish (the server is stopping)."""
        await self.work.finish()

    async def _guarded(self, origin: Origin | None, client: AsyncWebClient, work: Any) -> None:
        """Run a listener's work on the work loop, an apology included if it fails. Handed
        over once no request (this one included) waits for its ack, or after ACKS_FIRST_WAIT:
        each hand-over wakes the work loop's thread, which then holds the GIL the acks need."""
        if self._acking:
            with suppress(TimeoutError):
                await asyncio.wait_for(self._acks_written.wait(), core_thread.ACKS_FIRST_WAIT)
        await self.work.run(self._guard(work, origin, client))

    async def _then_deliver(
        self,
        replies: list[Reply],
        origin: Origin,
        client: AsyncWebClient,
        trigger: Trigger | None,
        again: Pressed | None = None,
    ) -> None:
        """Deliver what the core answered: at once if it opens a modal (the trigger's
        deadline), else once no other request waits for its ack, for at most DELIVERY_WAIT
        (a redrawn check-in has no deadline, and under load a burst's acks come first)."""
        if not any(_opens_a_modal(r) for r in replies):
            await self.work.acks_written(DELIVERY_WAIT)
        await self._deliver(replies, origin, client, trigger, again)

    async def _guard(
        self, work: Any, origin: Origin | None = None, client: AsyncWebClient | None = None
    ) -> bool:
        """Run ``work``; if it fails, log the kind of failure (never its details, which may
        hold what someone typed) and say sorry to ``origin`` rather than go quiet. Whether it
        succeeded, for a caller with no one to say sorry to yet."""
        try:
            await work
        except Exception as exc:
            log.error("Slack listener failed: %s", _error(exc))
            if origin is not None and client is not None:
                await self._fallback(origin, client)
            return False
        return True

    # --- listeners -----------------------------------------------------------------------

    async def _on_command(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        await ack()
        trigger = Trigger.of(body, time.monotonic())
        origin = Origin(
            team_id=tenant_of(context),
            user_id=body["user_id"],
            channel_id=body.get("channel_id"),
            response_url=body.get("response_url"),
        )
        await self._guarded(origin, client, self._command(body, origin, client, trigger))

    async def _command(
        self, body: dict[str, Any], origin: Origin, client: AsyncWebClient, trigger: Trigger | None
    ) -> None:
        reporting = self.bot.anonymous(body["command"])
        actor = await self._actor(client, origin.team_id, origin.user_id, lookup=not reporting)
        event = CommandEvent(
            actor=actor,
            place=self._place(origin.channel_id),
            name=body["command"].lstrip("/"),
            args=body.get("text", ""),
        )
        await self._then_deliver(await self._run(event, urgent=True), origin, client, trigger)

    async def _on_action(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        await ack()
        trigger = Trigger.of(body, time.monotonic())
        container = body.get("container") or {}
        channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
        view = body.get("view") or {}
        origin = Origin(
            team_id=tenant_of(context),
            user_id=body["user"]["id"],
            channel_id=channel,
            response_url=body.get("response_url"),
            message_ts=container.get("message_ts"),
            in_home=view.get("type") == "home",
            view_id=view.get("id") if view.get("type") == "modal" else None,
        )
        await self._guarded(origin, client, self._action(body, origin, client, trigger))

    async def _action(
        self, body: dict[str, Any], origin: Origin, client: AsyncWebClient, trigger: Trigger | None
    ) -> None:
        action = (body.get("actions") or [{}])[0]
        action_id = neutral_action_id(action.get("action_id", ""))
        if action_id == OPEN_FORM_ACTION:
            await self._open_stored_form(action.get("value", ""), origin, client, trigger)
            return
        if action_id == HOME_PAGE_ACTION and origin.in_home:
            page = str(action.get("value", "0"))
            await self._publish_home(origin, client, int(page) if page.isdigit() else 0)
            return
        value = action.get("value", "") if action.get("value") != "-" else ""
        pressed = Pressed(action_id, value)
        if action_id == WINDOW_PAGE_ACTION and origin.view_id:  # another page of a case
            with suppress(ValueError, TypeError):
                page, action_id, value = json.loads(value)
                pressed = Pressed(str(action_id), str(value), int(page))
        actor = await self._actor(client, origin.team_id, origin.user_id)
        event = ActionEvent(
            actor=actor,
            place=self._place(origin.channel_id),
            action_id=pressed.action_id,
            value=pressed.value,
        )
        replies = await self._run(event, urgent=True)
        await self._then_deliver(replies, origin, client, trigger, pressed)
        await self._refresh_home(replies, origin, client)

    async def _on_no_options(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        """An external select's search (this bot has none): no options, and nothing logged of
        what was typed."""
        await ack(options=[])
        log.info("ignored a %s payload: this bot has no external selects", body.get("type"))

    async def _on_legacy(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        """A legacy payload this bot never asked for: acked, noted, and nothing else."""
        await ack()
        log.info("ignored a legacy %s payload: this bot sends none", body.get("type"))

    async def _on_view(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        deadline = time.monotonic() + VIEW_DEADLINE  # from arrival: look-ups count too
        view = body["view"]
        try:
            meta = json.loads(view.get("private_metadata") or "{}")
        except json.JSONDecodeError:
            meta = {}
        if not isinstance(meta, dict):
            meta = {}
        if "stored" in meta:  # too long to ride along: kept in the database (see _view)
            job = self._core.submit(
                self.tokens.get, str(meta["stored"]), urgent=True, before_ack=True
            )
            try:
                stored = await _by(deadline, job)
            except TimeoutError:  # the database is that slow: keep what they typed, ask again
                await ack(**_busy(view))
                return
            meta = {**stored[1].get("metadata", {}), "context": stored[0].context} if stored else {}
        origin = Origin(
            team_id=tenant_of(context),
            user_id=body["user"]["id"],
            channel_id=meta.get("channel_id"),
            response_url=meta.get("response_url"),
            message_ts=meta.get("message_ts"),
            in_home=bool(meta.get("in_home")),
            view_id=meta.get("view_id"),
        )
        # From the form itself, not only from its metadata: a request carrying forged or lost
        # metadata must not get a reporter looked up, or their receipt posted as a message.
        anonymous = bool(meta.get("anonymous")) or self.bot.anonymous_form(view["callback_id"])
        acked = False

        async def ack_once(**kwargs: Any) -> None:
            nonlocal acked
            if not acked:
                acked = True
                await ack(**kwargs)

        async def submitted() -> None:
            actor = await self._actor(client, origin.team_id, origin.user_id, lookup=not anonymous)
            event = FormEvent(
                actor=actor,
                place=self._place(origin.channel_id),
                form_id=view["callback_id"],
                context=str(meta.get("context", "")),
                values=form_values(view.get("state") or {}),
                # Slack's id for this modal: a replayed submission of it files nothing twice.
                instance=str(view.get("id") or "")[:255],
            )
            await self._submitted(event, ack_once, view, origin, client, anonymous, deadline)

        # Here, on the HTTP loop, not the work loop: the ack waits for this work, so it must
        # not queue behind other requests' work (what comes after the ack goes to the work
        # loop). A reporter gets no message (it would sit in their history): a failure shows
        # in the modal instead. Anyone else's modal closes (acked first, within the deadline)
        # and they are told by message.
        succeeded = await self._guard(submitted())
        if anonymous and not acked:
            await ack_once(response_action="update", view=confirmation([text_message(SORRY)]))
        await ack_once()
        if not succeeded and not anonymous:
            await self.work.run(self._fallback(origin, client))

    async def _submitted(
        self,
        event: FormEvent,
        ack: Any,
        view: dict[str, Any],
        origin: Origin,
        client: AsyncWebClient,
        anonymous: bool,
        deadline: float,
    ) -> None:
        """Validate with the core and ack within the deadline; what comes after the ack runs
        on the work loop, so the server's stop waits for it (a late receipt included)."""
        work = self._core.submit(self.bot.handle, event, urgent=True, before_ack=True)
        try:
            replies = await _by(deadline, work)
        except TimeoutError:
            if anonymous or origin.view_id:
                # Its answer (a receipt, a case) must not become a message: the modal says
                # "Sending…" now, within Slack's 3 s, and shows the answer when it comes.
                await ack(response_action="update", view=pending(SENDING))
                await self.work.run(self._show_late(work, view, origin, client))
                return
            await ack()  # too slow to show errors in place: close, then answer by message
            await self.work.run(self._answer_late(work, origin, client))
            return
        errors = next((r for r in replies if isinstance(r, FormErrors)), None)
        form = next((r for r in replies if isinstance(r, OpenForm)), None)
        if anonymous and errors is None and form is None:
            # The receipt (or the case for a reporter following up) shows in the modal
            # itself: not a message, so nothing lands in history or in a workspace export.
            shown = [r.message for r in replies if isinstance(r, Say)]
            await ack(response_action="update", view=confirmation(shown))
            return
        if errors is not None:
            await ack(response_action="errors", errors=errors.errors)
        elif form is not None:
            view = await self._view(form.form, origin, before_ack=True)
            await ack(response_action="update", view=view)
        else:
            await ack()  # a form pushed on a case's window closes, back to that window
        others: list[Reply] = [r for r in replies if not isinstance(r, FormErrors | OpenForm)]
        done = errors is None and form is None
        await self.work.run(self._after_form(others, done, origin, client))

    async def _after_form(
        self, replies: list[Reply], done: bool, origin: Origin, client: AsyncWebClient
    ) -> None:
        """The rest of a form's answer, after its ack; App Home redrawn if the form is done."""
        await self._deliver(replies, origin, client, None)
        if done:
            await self._refresh_home(replies, origin, client)

    async def _answer_late(
        self, work: Future[list[Reply]], origin: Origin, client: AsyncWebClient
    ) -> None:
        """A slow form's answer by message, its modal closed already: mistakes listed (nothing
        was saved), or what the core said."""
        replies = await asyncio.wrap_future(work)
        failed = [r for r in replies if isinstance(r, FormErrors)]
        rest: list[Reply] = [r for r in replies if not isinstance(r, FormErrors)]
        for error in failed:
            rest.append(
                Say(
                    message=text_message(
                        "Some answers need another look; nothing was saved:",
                        *error.errors.values(),
                    ),
                    ephemeral=True,
                )
            )
        await self._after_form(rest, True, origin, client)

    async def _show_late(
        self,
        work: Future[list[Reply]],
        view: dict[str, Any],
        origin: Origin,
        client: AsyncWebClient,
    ) -> None:
        """A slow form's answer, in the modal that says "Sending…" (views.update by its id):
        the form again with its answers and errors, the next form, or what the core said."""
        replies = await asyncio.wrap_future(work)
        errors = next((r for r in replies if isinstance(r, FormErrors)), None)
        form = next((r for r in replies if isinstance(r, OpenForm)), None)
        messages = [r.message for r in replies if isinstance(r, Say | Update)]
        if errors is not None:
            shown = with_answers(view, errors.errors)
        elif form is not None:
            shown = await self._view(form.form, origin)
        elif len(messages) == 1 and messages[0].confidential and origin.view_id:
            shown = window(messages[0])
        else:
            shown = confirmation(messages)
        try:
            await client.views_update(view_id=view["id"], view=shown)
        except (SlackApiError, SlackClientError, ClientError, OSError) as exc:
            log.warning("views.update refused a late answer: %s", _error(exc))
            with suppress(SlackApiError, SlackClientError, ClientError, OSError):
                await client.views_update(
                    view_id=view["id"], view=confirmation([text_message(SORRY)])
                )

    async def _on_home(
        self,
        event: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        if event.get("tab") == "messages":
            await self._on_messages_tab(event, client, context)
            return
        if event.get("tab", "home") != "home":
            return
        origin = Origin(team_id=tenant_of(context), user_id=event["user"], in_home=True)

        # Nowhere to say sorry but the page itself.
        await self._guarded(None, client, self._publish_home(origin, client))

    async def _on_messages_tab(
        self, event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        """The first opening of the bot's Messages tab gets one welcome, once per person
        (remembered in the database): Slack says nothing else to someone who opens it."""
        if not event.get("channel") or from_a_bot(event, context):
            return
        origin = Origin(
            team_id=tenant_of(context), user_id=event["user"], channel_id=event["channel"]
        )

        async def welcome() -> None:
            actor = await self._actor(client, origin.team_id, origin.user_id, lookup=False)
            message = await self._core.call(self.bot.welcome, actor)
            if message is not None:
                await self._deliver([Say(message=message)], origin, client, None)

        await self._guarded(None, client, welcome())

    async def _on_message(
        self, event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        """A direct message to the bot: typed, with a file, broadcast from a thread, or
        edited (answered as the command it now says, unless only an unfurl changed it)."""
        subtype = event.get("subtype")
        if event.get("channel_type") != "im" or subtype not in TYPED_SUBTYPES:
            return  # only people's own direct messages to the bot
        message = event
        if subtype == "message_changed":
            message = event.get("message") or {}
            before = event.get("previous_message") or {}
            if message.get("text") == before.get("text"):
                return  # a link unfurled or a file attached: nothing new was asked
        if from_a_bot(event, context) or from_a_bot(message, context) or not message.get("user"):
            return
        origin = Origin(
            team_id=tenant_of(context), user_id=message["user"], channel_id=event.get("channel")
        )
        await self._guarded(origin, client, self._typed(message.get("text") or "", origin, client))

    async def _on_mention(
        self, event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        """@inclusion-bot in a channel: answered to the person alone (an ephemeral message,
        in the thread if it was said in one), since the answer may be personal."""
        if from_a_bot(event, context) or not event.get("user") or not event.get("channel"):
            return
        origin = Origin(
            team_id=tenant_of(context),
            user_id=event["user"],
            channel_id=event["channel"],
            thread_ts=event.get("thread_ts"),
        )
        text = MENTION.sub(" ", event.get("text") or "").strip()
        await self._guarded(origin, client, self._typed(text, origin, client, private=True))

    async def _typed(
        self, text: str, origin: Origin, client: AsyncWebClient, private: bool = False
    ) -> None:
        text = text[:4000]
        reporting = self.bot.anonymous(text)
        actor = await self._actor(client, origin.team_id, origin.user_id, lookup=not reporting)
        message = MessageEvent(actor=actor, place=self._place(origin.channel_id), text=text)
        replies = await self._run(message)
        if private:
            replies = [
                r.model_copy(update={"ephemeral": True}) if isinstance(r, Say) else r
                for r in replies
            ]
        await self._deliver(replies, origin, client, None)

    # --- replies -------------------------------------------------------------------------

    async def _publish_home(self, origin: Origin, client: AsyncWebClient, page: int = 0) -> None:
        actor = await self._actor(client, origin.team_id, origin.user_id)
        content = await self._core.call(self.bot.home, actor)
        await client.views_publish(user_id=origin.user_id, view=home_view(content, page))

    async def _refresh_home(
        self, replies: list[Reply], origin: Origin, client: AsyncWebClient
    ) -> None:
        """A button or form from App Home that changed something (signing, a pause) without
        redrawing the page itself: publish it again so it does not show the old state."""
        if origin.in_home and not any(isinstance(r, Update | OpenForm) for r in replies):
            try:
                await self._publish_home(origin, client)
            except (SlackApiError, SlackClientError, ClientError, OSError) as exc:
                log.warning("views.publish refused: %s", _error(exc))

    async def _deliver(
        self,
        replies: list[Reply],
        origin: Origin,
        client: AsyncWebClient,
        trigger: Trigger | None,
        again: Pressed | None = None,
    ) -> None:
        """Each reply; one Slack refuses is logged with Slack's error, and the person gets a
        short plain message instead of nothing. ``again`` is the button pressed, offered
        once more if a case's window could not open with this press's trigger."""
        for reply in replies:
            try:
                await self.dispatch(Answering(origin, client, trigger, again), reply)
            except (SlackApiError, Refused, SlackClientError, ClientError, OSError) as exc:
                log.warning("Slack refused a %s reply: %s", reply.type, _error(exc))
                await self._fallback(origin, client)

    async def _fallback(self, origin: Origin, client: AsyncWebClient) -> None:
        try:
            await self._say(text_message(SORRY), True, origin, client)
        except (SlackApiError, Refused, SlackClientError, ClientError, OSError) as exc:
            log.error("Slack refused even the plain apology: %s", _error(exc))

    # --- replies (adapters/replies.py) ---------------------------------------------------

    async def say(self, where: Answering, message: Message, ephemeral: bool) -> None:
        if where.origin.view_id:  # pressed in a modal (a case's window): the answer shows there
            await where.client.views_update(view_id=where.origin.view_id, view=window(message))
        else:
            await self._say(message, ephemeral, where.origin, where.client)

    async def update(self, where: Answering, message: Message) -> None:
        if where.origin.view_id:
            await where.client.views_update(view_id=where.origin.view_id, view=window(message))
        else:
            await self._update(message, where.origin, where.client)

    async def open_form(self, where: Answering, form: Form) -> None:
        await self._open(form, where.origin, where.client, where.trigger)

    async def form_errors(self, where: Answering, errors: FormErrors) -> None:
        # Errors go with a modal submission's ack (response_action), never as a message.
        log.warning("form errors outside a modal submission for %s", errors.form_id)

    async def confidential(self, where: Answering, reply: Say | Update) -> None:
        await self._confidential(
            reply.message, where.origin, where.client, where.trigger, where.again
        )

    async def _confidential(
        self,
        message: Message,
        origin: Origin,
        client: AsyncWebClient,
        trigger: Trigger | None,
        again: Pressed | None,
    ) -> None:
        """A case's words (``Message.confidential``) only ever show in a modal: the one the
        button was pressed in, or a new one opened with the press's trigger. Without a
        usable trigger, the chat gets only a button that opens it, never the words."""
        page, shown_by = (again.page, again.shown_by()) if again else (0, None)
        if origin.view_id:
            await client.views_update(view_id=origin.view_id, view=window(message, page, shown_by))
            return
        if trigger is not None and trigger.usable():
            try:
                await client.views_open(trigger_id=trigger.id, view=window(message, 0, shown_by))
                return
            except SlackApiError as exc:
                if _error(exc) not in TRIGGER_ERRORS:
                    raise
                log.warning("views.open refused: %s; offering a button", _error(exc))
        button = (
            Button(action_id=again.action_id, value=again.value, label="Open it") if again else None
        )
        buttons = [ActionsBlock(buttons=[button])] if button else []
        offer = Message(blocks=[TextBlock(text=IN_A_WINDOW), *buttons])
        await self._say(offer, True, origin, client, always_private=True)

    async def _open(
        self, form: Form, origin: Origin, client: AsyncWebClient, trigger: Trigger | None
    ) -> None:
        """Open ``form`` with the trigger if it is still young enough (on top of the modal
        it was asked for from, if any); else, or if Slack says it has expired, offer a button
        that opens it with a fresh one."""
        if trigger is not None and trigger.usable():
            try:
                view = await self._view(form, origin)
                if origin.view_id:
                    await client.views_push(trigger_id=trigger.id, view=view)
                else:
                    await client.views_open(trigger_id=trigger.id, view=view)
                return
            except SlackApiError as exc:
                if _error(exc) not in TRIGGER_ERRORS:
                    raise
                log.warning("views.open refused: %s; offering a button", _error(exc))
        elif trigger is not None:
            log.warning("a trigger was too old to use; offering a button")
        await self._offer_form(form, origin, client)

    async def _view(self, form: Form, origin: Origin, before_ack: bool = False) -> dict[str, Any]:
        """The modal for ``form``. Its metadata rides in private_metadata; past Slack's 3,000
        characters (a long context) it is kept in the database and only its token rides."""
        metadata = origin.metadata_for(form)
        private = view_metadata(metadata, form)
        if len(private) > PRIVATE_METADATA:
            token = await self._core.call(
                self.tokens.put, form, {"metadata": metadata}, urgent=True, before_ack=before_ack
            )
            private = json.dumps({"stored": token})
        return modal(form, private)

    async def _update(self, message: Message, origin: Origin, client: AsyncWebClient) -> None:
        """Redraw the message whose button was pressed; a message too long for one Slack
        message continues in new ones after it."""
        if origin.in_home:
            await self._publish_home(origin, client)
            return
        first, *more = message_pages(message)
        text = fallback_text(message)
        if origin.response_url:
            await self._respond(origin.response_url, text, first, replace_original=True)
        elif origin.channel_id and origin.message_ts:
            await client.chat_update(
                channel=origin.channel_id, ts=origin.message_ts, text=text, blocks=first
            )
        else:
            more = [first, *more]
        for blocks in more:
            await self._send(blocks, text, False, origin, client)

    async def _say(
        self,
        message: Message,
        ephemeral: bool,
        origin: Origin,
        client: AsyncWebClient,
        always_private: bool = False,
    ) -> None:
        text = fallback_text(message)
        for blocks in message_pages(message):
            await self._send(blocks, text, ephemeral, origin, client, always_private)

    async def _send(
        self,
        blocks: list[Block],
        text: str,
        ephemeral: bool,
        origin: Origin,
        client: AsyncWebClient,
        always_private: bool = False,
    ) -> None:
        """Post to where the event came from. ``always_private`` keeps it out of history in a
        direct message too (an ephemeral message there): what a reporter asked for."""
        if origin.response_url and not origin.in_home:
            await self._respond(
                origin.response_url,
                text,
                blocks,
                response_type="ephemeral" if ephemeral else "in_channel",
                replace_original=False,
            )
        elif (
            ephemeral
            and origin.channel_id
            and (always_private or not origin.channel_id.startswith("D"))
        ):
            await client.chat_postEphemeral(
                channel=origin.channel_id,
                user=origin.user_id,
                text=text,
                blocks=blocks,
                thread_ts=origin.thread_ts,  # slack_sdk leaves a None argument out
            )
        else:  # a direct message: private already
            await client.chat_postMessage(
                channel=origin.channel_id or origin.user_id, text=text, blocks=blocks
            )

    @staticmethod
    async def _respond(url: str, text: str, blocks: list[Block], **kwargs: Any) -> None:
        """Post to a response_url, which answers a refusal with a status, not an exception."""
        response = await AsyncWebhookClient(url).send(text=text, blocks=blocks, **kwargs)
        if response.status_code != 200:
            raise Refused(f"{response.body or 'refused'} (HTTP {response.status_code})"[:200])

    async def _offer_form(
        self, form: Form, origin: Origin, client: AsyncWebClient, lead: str = ""
    ) -> None:
        """No trigger to open a modal with (a typed message, or one that expired): offer a
        private button that opens it. The form is kept in the database under the button's
        token, with nothing identifying for an anonymous form."""
        token = await self._core.call(
            self.tokens.put, form, {"metadata": origin.metadata_for(form)}, urgent=True
        )
        offer = Message(
            blocks=[
                TextBlock(text=lead or f"{form.title}: the form opens in a window."),
                ActionsBlock(
                    buttons=[
                        Button(
                            action_id=OPEN_FORM_ACTION,
                            value=token,
                            label="Open the form",
                            style="primary",
                        )
                    ]
                ),
            ]
        )
        await self._say(offer, True, origin, client, always_private=form.anonymous)

    async def _open_stored_form(
        self, token: str, origin: Origin, client: AsyncWebClient, trigger: Trigger | None
    ) -> None:
        """The "Open the form" button: its token is used up (in one transaction) before
        views.open, so a second press, however soon, finds it gone and opens nothing."""
        stored = None
        if trigger is not None:  # used up now, in one transaction, before Slack is asked
            stored = await self._core.call(self.tokens.take, token, urgent=True)
        if trigger is None or stored is None:
            await self._say(text_message(EXPIRED_FORM), True, origin, client)
            return
        form, extra = stored
        private = view_metadata(extra.get("metadata") or {}, form)
        if len(private) > PRIVATE_METADATA:  # the submit reads it under a token of its own
            kept = await self._core.call(self.tokens.put, form, extra, urgent=True)
            private = json.dumps({"stored": kept})
        try:
            await client.views_open(trigger_id=trigger.id, view=modal(form, private))
        except SlackApiError as exc:
            if _error(exc) not in TRIGGER_ERRORS:
                raise
            log.warning("views.open refused: %s; offering a new button", _error(exc))
            await self._offer_form(form, origin, client, lead=TOO_SLOW)


def _busy(view: dict[str, Any]) -> dict[str, Any]:
    """An ack that keeps the modal and what was typed in it, saying to submit again (on its
    first input), or, with no input to say it on, replaces it with the same words."""
    first = next(
        (b["block_id"] for b in view.get("blocks") or [] if b.get("type") == "input"), None
    )
    if first:
        return {"response_action": "errors", "errors": {first: BUSY}}
    return {"response_action": "update", "view": confirmation([text_message(BUSY)])}


def _opens_a_modal(reply: Reply) -> bool:
    """The reply needs the trigger: a form, or a confidential message (its own window)."""
    return isinstance(reply, OpenForm) or (
        isinstance(reply, Say | Update) and reply.message.confidential
    )


async def _by(deadline: float, job: Future[T]) -> T:
    """The core's answer if it comes by ``deadline`` (monotonic), else TimeoutError; the job
    itself goes on, for its answer to be shown later."""
    left = max(0.0, deadline - time.monotonic())
    return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(job)), left)
