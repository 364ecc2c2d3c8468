"""The Bolt app: Slack requests in as neutral events, the core's replies out as Block Kit.

Every listener acks first, then does the database work in a worker thread (the core is
synchronous) and the Web API calls after, so Slack's 3-second ack deadline never waits on
either. The one exception is a modal submission: Slack only shows validation errors that come
with the ack itself, so the core checks the form first, with a deadline inside Slack's.

Acks also come before work in time, not just in order: the work after an ack waits until no
Slack request is still waiting for its own ack (``acking``, counted by the HTTP route), for at
most QUIET_WAIT, and the core runs in one worker thread, so a burst of button presses is acked
at the speed of a bare Bolt app and answered right after (benchmarks/slack_ack.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

from cachetools import TTLCache
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.blocks import (
    confirmation,
    fallback_text,
    form_values,
    message_blocks,
    modal,
    neutral_action_id,
)
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
from bot.router import Bot

log = logging.getLogger(__name__)

COMMANDS = ("pledge", "awareness", "report")
#: A modal submission must be acked within 3 s; the core gets this long to validate it.
VIEW_DEADLINE = 2.5
#: Longest the work after an ack waits for other requests' acks to go out first (well inside
#: the 3 s a trigger_id lives, since opening a modal is such work).
QUIET_WAIT = 0.5
OPEN_FORM_ACTION = "slack.open_form"
T = TypeVar("T")


@dataclass(frozen=True)
class Origin:
    """Where an event came from, so replies go back to the same place."""

    team_id: str
    user_id: str
    channel_id: str | None = None
    response_url: str | None = None
    message_ts: str | None = None
    in_home: bool = False

    def metadata(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, False)}

    def metadata_for(self, form: Form) -> dict[str, Any]:
        """What rides in the modal's private_metadata. Nothing about who or where for an
        anonymous form: Slack's copy of the view must not tie the report to anyone."""
        return {"anonymous": True} if form.anonymous else self.metadata()


class SlackAdapter:
    """Bolt listeners around one Bot. ``client`` is the async Web API client (its base_url
    may point at a local fake in tests, or at Slack's government cloud)."""

    def __init__(self, bot: Bot, app: AsyncApp) -> None:
        self.bot = bot
        self.app = app
        self._people: TTLCache[str, tuple[str, str | None]] = TTLCache(maxsize=10_000, ttl=3600)
        self._forms: TTLCache[str, tuple[Form, dict[str, Any]]] = TTLCache(maxsize=1000, ttl=3600)
        # One thread for the core: more would only compete with the acks for the GIL.
        self._core = ThreadPoolExecutor(max_workers=1, thread_name_prefix="slack-core")
        self._acking = 0
        self._quiet = asyncio.Event()
        self._quiet.set()
        app.command(re.compile(rf"^/({'|'.join(COMMANDS)})$"))(self._on_command)
        app.action(re.compile(r".+"))(self._on_action)
        app.view(re.compile(r".+"))(self._on_view)
        app.event("app_home_opened")(self._on_home)
        app.event("message")(self._on_message)

    # --- who and where -------------------------------------------------------------------

    async def _actor(
        self, client: AsyncWebClient, team_id: str, user_id: str, lookup: bool = True
    ) -> Actor:
        """The actor, with name and time zone from users.info (cached for an hour). Reporters
        are not looked up (``lookup=False``): no call to Slack names them, and the core keeps
        them in memory only."""
        known = self._people.get(user_id) if lookup else ("", None)
        if known is None:
            try:
                response = await client.users_info(user=user_id)
                user = response["user"] or {}
                profile = user.get("profile") or {}
                name = profile.get("display_name") or user.get("real_name") or user.get("name")
                known = (str(name or ""), user.get("tz"))
                self._people[user_id] = known
            except SlackApiError as exc:
                log.warning("users.info failed: %s", exc.response.get("error"))
                known = ("", None)
        return Actor(
            platform="slack",
            tenant=team_id,
            user_id=user_id,
            display_name=known[0],
            timezone=known[1],
        )

    @staticmethod
    def _place(channel_id: str | None) -> Place:
        if channel_id and not channel_id.startswith("D"):
            return Place(kind="channel", id=channel_id)
        return Place(kind="direct", id=channel_id or "")

    async def _core_call(self, function: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._core, function, *args)

    async def _run(self, event: Event) -> list[Reply]:
        return await self._core_call(self.bot.handle, event)

    # --- acks first ----------------------------------------------------------------------

    @contextmanager
    def acking(self) -> Iterator[None]:
        """Count one HTTP request as waiting for its ack until its response has been sent."""
        self._acking += 1
        self._quiet.clear()
        try:
            yield
        finally:
            self._acking -= 1
            if not self._acking:
                self._quiet.set()

    async def _after_ack(self) -> None:
        """Start the work of an acked request once no other request awaits its ack (its own
        ack included), or after QUIET_WAIT under a steady stream of them."""
        if self._acking:
            with suppress(TimeoutError):
                await asyncio.wait_for(self._quiet.wait(), QUIET_WAIT)

    # --- listeners -----------------------------------------------------------------------

    async def _on_command(
        self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        await self._after_ack()
        origin = Origin(
            team_id=body.get("team_id", ""),
            user_id=body["user_id"],
            channel_id=body.get("channel_id"),
            response_url=body.get("response_url"),
        )
        reporting = body["command"] == "/report"
        actor = await self._actor(client, origin.team_id, origin.user_id, lookup=not reporting)
        event = CommandEvent(
            actor=actor,
            place=self._place(origin.channel_id),
            name=body["command"].lstrip("/"),
            args=body.get("text", ""),
        )
        await self._deliver(await self._run(event), origin, client, body.get("trigger_id"))

    async def _on_action(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await self._after_ack()
        action = (body.get("actions") or [{}])[0]
        container = body.get("container") or {}
        channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
        origin = Origin(
            team_id=(body.get("team") or {}).get("id", ""),
            user_id=body["user"]["id"],
            channel_id=channel,
            response_url=body.get("response_url"),
            message_ts=container.get("message_ts"),
            in_home=(body.get("view") or {}).get("type") == "home",
        )
        action_id = neutral_action_id(action.get("action_id", ""))
        if action_id == OPEN_FORM_ACTION:
            await self._open_stored_form(action.get("value", ""), origin, client, body)
            return
        actor = await self._actor(client, origin.team_id, origin.user_id)
        event = ActionEvent(
            actor=actor,
            place=self._place(channel),
            action_id=action_id,
            value=action.get("value", "") if action.get("value") != "-" else "",
        )
        replies = await self._run(event)
        await self._deliver(replies, origin, client, body.get("trigger_id"))
        await self._refresh_home(replies, origin, client)

    async def _on_view(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        view = body["view"]
        try:
            meta = json.loads(view.get("private_metadata") or "{}")
        except json.JSONDecodeError:
            meta = {}
        origin = Origin(
            team_id=(body.get("team") or {}).get("id", ""),
            user_id=body["user"]["id"],
            channel_id=meta.get("channel_id"),
            response_url=meta.get("response_url"),
            message_ts=meta.get("message_ts"),
            in_home=bool(meta.get("in_home")),
        )
        anonymous = bool(meta.get("anonymous"))
        actor = await self._actor(client, origin.team_id, origin.user_id, lookup=not anonymous)
        event = FormEvent(
            actor=actor,
            place=self._place(origin.channel_id),
            form_id=view["callback_id"],
            context=str(meta.get("context", "")),
            values=form_values(view.get("state") or {}),
        )
        work = asyncio.ensure_future(self._run(event))
        try:
            replies = await asyncio.wait_for(asyncio.shield(work), VIEW_DEADLINE)
        except TimeoutError:
            await ack()  # too slow to show errors in place: close, then answer by message
            replies = await work
            await self._after_ack()
            errors = [r for r in replies if isinstance(r, FormErrors)]
            rest = [r for r in replies if not isinstance(r, FormErrors)]
            for error in errors:
                rest.append(
                    Say(
                        message=text_message(
                            "Some answers need another look; nothing was saved:",
                            *error.errors.values(),
                        ),
                        ephemeral=True,
                    )
                )
            await self._deliver(rest, origin, client, None)
            await self._refresh_home(rest, origin, client)
            return
        errors = next((r for r in replies if isinstance(r, FormErrors)), None)
        form = next((r for r in replies if isinstance(r, OpenForm)), None)
        if anonymous and errors is None and form is None:
            # The receipt (or the case for a reporter following up) shows in the modal
            # itself: not a message, so nothing lands in history or in a workspace export.
            shown = [r.message for r in replies if isinstance(r, Say)]
            await ack(response_action="update", view=confirmation(shown))
            await self._after_ack()
            return
        if errors is not None:
            await ack(response_action="errors", errors=errors.errors)
        elif form is not None:
            await ack(
                response_action="update", view=modal(form.form, origin.metadata_for(form.form))
            )
        else:
            await ack()
        await self._after_ack()
        rest = [r for r in replies if not isinstance(r, FormErrors | OpenForm)]
        await self._deliver(rest, origin, client, None)
        if errors is None and form is None:
            await self._refresh_home(rest, origin, client)

    async def _on_home(
        self, event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        if event.get("tab", "home") != "home":
            return
        await self._after_ack()  # Bolt acks events before their listeners run
        origin = Origin(team_id=body.get("team_id", ""), user_id=event["user"], in_home=True)
        await self._publish_home(origin, client)

    async def _on_message(
        self, event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        if event.get("channel_type") != "im" or event.get("bot_id") or event.get("subtype"):
            return  # only people's own direct messages to the bot
        await self._after_ack()  # Bolt acks events before their listeners run
        origin = Origin(
            team_id=body.get("team_id", ""), user_id=event["user"], channel_id=event["channel"]
        )
        text = event.get("text", "")[:4000]
        reporting = text.strip().lstrip("/").lower().startswith("report")
        actor = await self._actor(client, origin.team_id, origin.user_id, lookup=not reporting)
        message = MessageEvent(actor=actor, place=self._place(origin.channel_id), text=text)
        await self._deliver(await self._run(message), origin, client, None)

    # --- replies -------------------------------------------------------------------------

    async def _publish_home(self, origin: Origin, client: AsyncWebClient) -> None:
        actor = await self._actor(client, origin.team_id, origin.user_id)
        page = await self._core_call(self.bot.home, actor)
        await client.views_publish(
            user_id=origin.user_id,
            view={"type": "home", "blocks": message_blocks(page, limit=100)},
        )

    async def _refresh_home(
        self, replies: list[Reply], origin: Origin, client: AsyncWebClient
    ) -> None:
        """A button or form from App Home that changed something (signing, a pause) without
        redrawing the page itself: publish it again so it does not show the old state."""
        if origin.in_home and not any(isinstance(r, Update | OpenForm) for r in replies):
            try:
                await self._publish_home(origin, client)
            except SlackApiError as exc:
                log.warning("views.publish failed: %s", exc.response.get("error"))

    async def _deliver(
        self, replies: list[Reply], origin: Origin, client: AsyncWebClient, trigger_id: str | None
    ) -> None:
        for reply in replies:
            try:
                await self._deliver_one(reply, origin, client, trigger_id)
            except SlackApiError as exc:
                log.warning("Slack refused a reply: %s", exc.response.get("error"))
                if exc.response.get("error") in ("expired_trigger_id", "invalid_trigger_id"):
                    await self._say(
                        text_message("That took a moment too long to open. Please try again."),
                        True,
                        origin,
                        client,
                    )

    async def _deliver_one(
        self, reply: Reply, origin: Origin, client: AsyncWebClient, trigger_id: str | None
    ) -> None:
        if isinstance(reply, Say):
            await self._say(reply.message, reply.ephemeral, origin, client)
        elif isinstance(reply, Update):
            if origin.in_home:
                await self._publish_home(origin, client)
            elif origin.response_url:
                await AsyncWebhookClient(origin.response_url).send(
                    text=fallback_text(reply.message),
                    blocks=message_blocks(reply.message),
                    replace_original=True,
                )
            elif origin.channel_id and origin.message_ts:
                await client.chat_update(
                    channel=origin.channel_id,
                    ts=origin.message_ts,
                    text=fallback_text(reply.message),
                    blocks=message_blocks(reply.message),
                )
        elif isinstance(reply, OpenForm):
            if trigger_id:
                await client.views_open(
                    trigger_id=trigger_id, view=modal(reply.form, origin.metadata_for(reply.form))
                )
            else:
                await self._offer_form(reply.form, origin, client)
        else:
            log.warning("form errors outside a modal submission for %s", reply.form_id)

    async def _say(
        self, message: Message, ephemeral: bool, origin: Origin, client: AsyncWebClient
    ) -> None:
        blocks, text = message_blocks(message), fallback_text(message)
        if origin.response_url and not origin.in_home:
            await AsyncWebhookClient(origin.response_url).send(
                text=text,
                blocks=blocks,
                response_type="ephemeral" if ephemeral else "in_channel",
                replace_original=False,
            )
        elif ephemeral and origin.channel_id and not origin.channel_id.startswith("D"):
            await client.chat_postEphemeral(
                channel=origin.channel_id, user=origin.user_id, text=text, blocks=blocks
            )
        else:  # a direct message: private already
            await client.chat_postMessage(
                channel=origin.channel_id or origin.user_id, text=text, blocks=blocks
            )

    async def _offer_form(self, form: Form, origin: Origin, client: AsyncWebClient) -> None:
        """No trigger to open a modal with (a typed message): offer a button that opens it."""
        token = secrets.token_urlsafe(12)
        self._forms[token] = (form, origin.metadata_for(form))
        offer = Message(
            blocks=[
                TextBlock(text=f"{form.title}: the form opens in a window."),
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
        await self._say(offer, False, origin, client)

    async def _open_stored_form(
        self, token: str, origin: Origin, client: AsyncWebClient, body: dict[str, Any]
    ) -> None:
        stored = self._forms.pop(token, None)
        if stored is None:
            await self._say(
                text_message("That form has expired. Type /pledge to start again."),
                True,
                origin,
                client,
            )
            return
        form, metadata = stored
        await client.views_open(trigger_id=body["trigger_id"], view=modal(form, metadata))
