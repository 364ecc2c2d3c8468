"""The Teams bot: activities in as neutral events, the core's replies out as Adaptive Cards.

- A button press arrives as a message whose ``value`` is the button's data (and whose
  ``replyToId`` is the card's id): an Update reply replaces that card in place.
- A form is a card with inputs (``forms.py``); its submission comes back the same way. Errors
  redraw the form card with the answers kept; success turns it into a short "sent" note.
  Forms marked anonymous (reports) open in a dialog instead, so nothing of them or of the
  receipt is kept in the chat's history.
- Teams has no messages only one person sees in a channel, so the core's private replies to
  something said in a channel go to the person's 1:1 chat with the bot, with a short note in
  the thread.
- Every conversation the bot meets (installation, members added, every message) has its
  reference stored, so the outbox can reach it later.

The core is synchronous: each event is handled in a worker thread, the replies sent after.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from botbuilder.core import BotAdapter, InvokeResponse, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    Attachment,
    ChannelAccount,
    ConversationParameters,
)
from botbuilder.schema.teams import (
    TaskModuleContinueResponse,
    TaskModuleMessageResponse,
    TaskModuleResponse,
    TaskModuleTaskInfo,
)
from msrest.exceptions import ClientRequestError, HttpOperationError
from msrest.serialization import Model
from pydantic import ValidationError

from adapters.replies import ReplyChannel
from adapters.teams import references
from adapters.teams.activities import Where, event_of, reference_of, where
from adapters.teams.cards import (
    CONTENT_TYPE,
    Card,
    form_card,
    form_values,
    is_form,
    message_cards,
    summary,
)
from adapters.teams.connector import (
    Failure,
    card_activity,
    failure,
    message_activities,
    oversize,
    proactive,
    refused_note,
)
from adapters.teams.dialogs import page_of, paged, view_of, with_view
from adapters.teams.forms import (
    dialog,
    dialog_launcher,
    done_card,
    errors_message,
    window_launcher,
)
from adapters.teams.limits import TeamsLimits
from bot.conversation import (
    ActionEvent,
    CommandEvent,
    Event,
    Form,
    FormErrors,
    FormEvent,
    FormValue,
    Message,
    OpenForm,
    Reply,
    Say,
    TextBlock,
    Update,
    text_message,
)
from bot.form_tokens import FormTokens
from bot.router import Bot

log = logging.getLogger(__name__)

EXPIRED = "That has expired. Type the command again to start afresh."
ANSWERED_PRIVATELY = "I've answered you in our private chat."
NOT_REACHED = (
    "My answer is for you alone, and I could not reach you in a private chat: open a chat with "
    "inclusion-bot and ask me there."
)
SENT = text_message("Sent.")
REPORT_PRIVATELY = (
    "Reports are private, so I don't take them here. Message me privately (open a chat with "
    "inclusion-bot) and type report."
)
INTRODUCTION = (
    "Hello! I'm inclusion-bot. I help leaders keep their diversity and inclusion pledge with "
    "weekly check-ins, post awareness dates to channels that subscribe, and take reports of "
    "racism and harassment.\n"
    "Reports are private: never make one here. Message me privately and type report; it is "
    "anonymous unless you choose otherwise. Mention me with help for everything I can do."
)
IN_A_WINDOW = "This opens in a separate window, so none of it stays in this chat."
KEPT_OUT = (
    "Done. What this shows is kept out of the chat: open the case again from its button to see it."
)
NO_SENDER = "This activity names no sender (from), so it cannot be answered."
FROM_A_BOT = "This activity comes from a bot; bots are not answered."
NOT_OURS = "That is not one of this bot's buttons, or it has expired. Type the command again."
#: Universal Actions' invoke response types (Bot Framework: "Universal Actions for Adaptive
#: Cards", the adaptiveCard/action invoke's response).
MESSAGE_RESPONSE = "application/vnd.microsoft.activity.message"
ERROR_RESPONSE = "application/vnd.microsoft.error"


@dataclass
class Incoming:
    """One activity's context: where it came from and which card it concerns."""

    context: TurnContext
    where: Where
    event: Event | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def card_id(self) -> str | None:
        """The card whose button was pressed or form submitted."""
        return self.context.activity.reply_to_id or None


@dataclass(frozen=True)
class Shown:
    """What a dialog is showing: its form (and the form's token), its view (the press that
    shows it again, for its page buttons) and the page asked for."""

    form: Form | None
    token: str
    view: dict[str, str] | None
    page: int


@dataclass
class Personal:
    """Replies in a 1:1 chat, and the cards they updated (not marked done afterwards)."""

    turn: Incoming
    updated: set[str] = field(default_factory=set)


@dataclass
class Shared:
    """Replies to something done where everyone reads: what goes to the person privately."""

    turn: Incoming
    private: list[Activity] = field(default_factory=list)


class TeamsBot(ReplyChannel[Personal, Coroutine[Any, Any, None]]):
    """The ``bot`` that botbuilder's CloudAdapter runs for every activity on /api/messages.
    Replies in a 1:1 chat are rendered through the shared dispatch (``adapters/replies.py``);
    in a shared conversation through ``SharedReplies``."""

    def __init__(self, bot: Bot, adapter: CloudAdapter, app_id: str, limits: TeamsLimits) -> None:
        self.bot = bot
        self.adapter = adapter
        self.app_id = app_id
        self.limits = limits
        #: Forms sent, by token, in the database: to redraw one with its errors, or open it as
        #: a dialog, on whichever replica the press arrives, after restarts too.
        self.forms = FormTokens(bot.store, bot.clock)
        self.shared = SharedReplies(self)

    async def on_turn(self, context: TurnContext) -> None:
        activity = context.activity
        kind = activity.type
        sender = activity.from_property
        if sender is None or not sender.id:  # nobody to answer, nobody to act as
            if kind == ActivityTypes.invoke:
                await _answer_invoke(context, HTTPStatus.BAD_REQUEST, _error(NO_SENDER))
            return
        if self._from_a_bot(activity):  # never answer a bot, ourselves least (an echo, a loop)
            if kind == ActivityTypes.invoke:
                await _answer_invoke(context, HTTPStatus.BAD_REQUEST, _error(FROM_A_BOT))
            return
        try:
            if kind == ActivityTypes.message:
                await self._on_message(context)
            elif kind == ActivityTypes.invoke:
                await self._on_invoke(context)
            elif kind == ActivityTypes.conversation_update:
                await self._on_conversation_update(context)
            elif kind == ActivityTypes.installation_update:
                await self._on_installation_update(context)
        except HttpOperationError as exc:  # Teams refused a reply: nothing more to do here
            log.warning("Teams refused a reply: %s", failure(exc))
        except ClientRequestError as exc:
            log.warning("could not reach Teams to reply: %s", type(exc).__name__)

    def _from_a_bot(self, activity: Activity) -> bool:
        """The activity's sender is a bot: any ``28:`` id (Teams writes every bot's id so,
        this one's as ``28:APP_ID``), or this bot's own id in the conversation (``recipient``)
        or app id. Ids are compared without case: Teams does not promise one, and
        ``28:INCLUSION-BOT`` is the same bot. Nothing from a bot is answered or stored, so
        two bots never talk in a loop and no bot is kept as a person."""
        sender = str(activity.from_property.id).strip().lower()
        own = {activity.recipient.id if activity.recipient else None, self.app_id or None}
        return sender.startswith("28:") or sender in {str(i).lower() for i in own if i}

    # --- activities ----------------------------------------------------------------------------

    async def _on_message(self, context: TurnContext) -> None:
        target = where(context.activity)
        value = context.activity.value
        turn = Incoming(context, target, data=value if isinstance(value, dict) else {})
        try:
            turn.event = event_of(context.activity, target, commands=self.bot.commands)
        except ValidationError:  # not something a card of ours sent
            await self._send(turn, text_message(EXPIRED))
            return
        # Not even when a reporter last wrote to the bot is written down.
        reporting = isinstance(turn.event, CommandEvent) and self.bot.anonymous(turn.event.name)
        if reporting and target.in_channel:
            # Asked for where others read: no 1:1 chat is opened and nothing is kept about
            # the asker; they are told how to start privately.
            await self._send(turn, text_message(REPORT_PRIVATELY))
            return
        keep = target.keeps_reference and not reporting
        reference = reference_of(context.activity, target) if keep else None
        replies = await asyncio.to_thread(self._handle, turn, reference)
        if turn.event is not None:
            await self._deliver(turn, replies)

    def _handle(self, turn: Incoming, reference: dict[str, Any] | None) -> list[Reply]:
        """In a worker thread: keep the conversation's reference, then let the core answer."""
        self._keep(turn.where, reference)
        return self.bot.handle(turn.event) if turn.event is not None else []

    def _keep(self, target: Where, reference: dict[str, Any] | None) -> bool:
        """Store ``reference`` for ``target``; True if the bot had none there before."""
        if reference is None or not target.keeps_reference:
            return False
        try:
            now = self.bot.clock.now()
            return references.remember(self.bot.store, target.address, reference, now)
        except Exception:  # a message is still answered when its reference cannot be kept
            log.exception("storing a Teams conversation reference failed")
            return False

    async def _on_conversation_update(self, context: TurnContext) -> None:
        activity = context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        added = any(m.id == bot_id for m in activity.members_added or [])
        removed = any(m.id == bot_id for m in activity.members_removed or [])
        if removed:
            await asyncio.to_thread(references.forget, self.bot.store, where(activity).address)
        elif added:
            await self._introduce(context)

    async def _on_installation_update(self, context: TurnContext) -> None:
        activity = context.activity
        if (activity.action or "").startswith("remove"):
            await asyncio.to_thread(references.forget, self.bot.store, where(activity).address)
        else:
            await self._introduce(context)

    async def _introduce(self, context: TurnContext) -> None:
        """Added to a team or chat, or installed for a person: keep the reference, and say
        what the bot does the first time only. Teams sends both an installationUpdate and a
        conversationUpdate for one installation; whichever stores the reference first says
        hello. A conversation of unknown kind gets nothing: it could not be remembered."""
        target = where(context.activity)
        reference = reference_of(context.activity, target)
        if await asyncio.to_thread(self._keep, target, reference):
            words = INTRODUCTION if target.in_channel else self.bot.greeting
            await self._send(Incoming(context, target), text_message(words))

    # --- replies -------------------------------------------------------------------------------

    async def _deliver(self, turn: Incoming, replies: list[Reply]) -> None:
        if turn.where.in_channel:
            await self._deliver_shared(turn, replies)
            return
        personal = Personal(turn)
        for reply in replies:
            await self.dispatch(personal, reply)
        if _accepted(turn, replies) and turn.card_id not in (None, *personal.updated):
            got = await asyncio.to_thread(self.forms.take, str(turn.data.get("card", "")))
            await self._update(turn, str(turn.card_id), done_card(got[0] if got else None))

    async def _deliver_shared(self, turn: Incoming, replies: list[Reply]) -> None:
        """Replies to something done in a channel, a group chat or a conversation of unknown
        kind, where everyone reads whatever is posted or updated.

        Only what the core meant for the conversation (a Say neither ephemeral nor
        confidential) is posted there. Everything else (check-in updates, forms and their
        errors, confirmations, a case's launcher) goes to the person's 1:1 chat as new
        messages, with one short note in the thread. No card in a shared conversation is ever
        updated, whatever the activity's ``replyToId`` names: this bot sends no personal card
        there, so a press or a form arriving from one was forwarded, shared or forged.
        """
        shared = Shared(turn)
        for reply in replies:
            await self.shared.dispatch(shared, reply)
        if shared.private:
            await self._private(turn, shared.private)
        if _accepted(turn, replies):  # sent: it cannot be sent twice
            await asyncio.to_thread(self.forms.take, str(turn.data.get("card", "")))

    # --- replies in a 1:1 chat (adapters/replies.py) ----------------------------------------

    async def say(self, where: Personal, message: Message, ephemeral: bool) -> None:
        await self._send(where.turn, message)  # a 1:1 chat is private already

    async def update(self, where: Personal, message: Message) -> None:
        target = self._update_target(where.turn)
        if target:
            await self._replace(where.turn, target, message)
            where.updated.add(target)
        else:
            await self._send(where.turn, message)

    async def open_form(self, where: Personal, form: Form) -> None:
        await self._open_form(where.turn, form)

    async def form_errors(self, where: Personal, errors: FormErrors) -> None:
        await self._form_errors(where.turn, errors)

    async def confidential(self, where: Personal, reply: Say | Update) -> None:
        await self._keep_out(where.turn)

    async def _keep_out(self, turn: Incoming) -> None:
        """A confidential message (a case's words) asked for from the chat, by a button that
        does not open a dialog (a card sent before buttons did): never posted, a button that
        shows it in a dialog instead."""
        await self._post(turn, self._launcher(turn))

    def _launcher(self, turn: Incoming) -> Activity:
        """What stands for a confidential message in a chat: for a button, one that opens what
        it shows in a dialog; otherwise a note that it is kept out."""
        event = turn.event
        if isinstance(event, ActionEvent):
            data = {"action_id": event.action_id, "value": event.value}
            return card_activity(window_launcher(IN_A_WINDOW, data), IN_A_WINDOW)
        [note] = message_activities(text_message(KEPT_OUT))
        return note

    def _update_target(self, turn: Incoming) -> str | None:
        """The card an Update replaces: the one pressed, or the one a form was opened from."""
        if isinstance(turn.event, FormEvent):
            return str(turn.data.get("origin") or "") or turn.card_id
        return turn.card_id if isinstance(turn.event, ActionEvent) else None

    async def _replace(self, turn: Incoming, target: str, message: Message) -> None:
        """Update the card ``target`` with ``message``.

        When the message now needs several parts: a card that was one part of several is
        replaced by the part holding the button pressed (the other parts stay, and refresh
        when one of their own buttons is pressed); a card that was whole is replaced by the
        first part and the others follow as new messages, so nothing goes missing.
        """
        cards = message_cards(message)
        if len(cards) == 1:
            await self._update(turn, target, cards[0])
            return
        part = turn.data.get("part") if isinstance(turn.event, ActionEvent) else None
        if isinstance(turn.event, FormEvent):
            part = turn.data.get("origin_part")
        if isinstance(part, int):
            pressed = (turn.data.get("action_id"), turn.data.get("value"))
            holding = [i for i, c in enumerate(cards) if pressed in _buttons(c)]
            index = holding[0] if holding else min(part, len(cards)) - 1
            await self._update(turn, target, cards[index])
            return
        await self._update(turn, target, cards[0])
        for content in cards[1:]:
            await self._post(turn, card_activity(content, summary(message)))

    async def _send(self, turn: Incoming, message: Message) -> None:
        for activity in message_activities(message):
            if not await self._post(turn, activity):
                return  # the person was told; the rest would fare no better

    async def _post(self, turn: Incoming, activity: Activity, *, fallback: bool = True) -> bool:
        """Send ``activity`` into the turn's conversation. If Teams refuses it, log why and tell
        the person in a short plain message instead; False then."""
        too_big = oversize(activity)
        if too_big is not None:  # never sent: Teams would refuse it
            await self._refused(turn, "a reply", too_big, fallback)
            return False
        try:
            await turn.context.send_activity(activity)
        except HttpOperationError as exc:
            await self._refused(turn, "a reply", failure(exc), fallback)
            return False
        self.limits.note(turn.where.actor.tenant, turn.where.conversation_id)
        return True

    async def _update(self, turn: Incoming, activity_id: str, content: Card) -> None:
        activity = card_activity(content, activity_id=activity_id)
        too_big = oversize(activity)
        if too_big is not None:
            await self._refused(turn, "a card update", too_big, fallback=True)
            return
        try:
            await turn.context.update_activity(activity)
        except HttpOperationError as exc:
            await self._refused(turn, "a card update", failure(exc), fallback=True)
            return
        self.limits.note(turn.where.actor.tenant, turn.where.conversation_id)

    async def _refused(self, turn: Incoming, what: str, answer: Failure, fallback: bool) -> None:
        log.warning("Teams refused %s: %s", what, answer)
        if fallback:
            [note] = message_activities(refused_note(answer))
            await self._post(turn, note, fallback=False)

    async def _open_form(self, turn: Incoming, form: Form) -> None:
        await self._post(turn, await self._form_activity(turn, form, origin=True))

    async def _form_activity(self, turn: Incoming, form: Form, *, origin: bool) -> Activity:
        """The card of a form: anonymous, a launcher of its dialog. ``origin``: the card it
        was opened from is in the same conversation, and an Update from it replaces that."""
        token = await asyncio.to_thread(self.forms.put, form)
        if form.anonymous:
            return card_activity(dialog_launcher(form, token), form.title)
        came_from = turn.card_id if isinstance(turn.event, ActionEvent) else None
        part = turn.data.get("part") if isinstance(turn.event, ActionEvent) else None
        if isinstance(turn.event, FormEvent):
            came_from = str(turn.data.get("origin") or "") or None
            part = turn.data.get("origin_part")
        extra: dict[str, Any] = {"card": token, "origin": (came_from or "") if origin else ""}
        if origin and isinstance(part, int):  # the card it came from is one part of several
            extra["origin_part"] = part
        return card_activity(form_card(form, extra=extra), form.title)

    async def _form_errors(self, turn: Incoming, reply: FormErrors) -> None:
        got = await asyncio.to_thread(self.forms.get, str(turn.data.get("card", "")))
        form = got[0] if got else None
        if form is None or turn.card_id is None or form.form_id != reply.form_id:
            await self._send(turn, errors_message(reply.errors))
            return
        kept = ("card", "origin", "origin_part")
        extra: dict[str, Any] = {k: turn.data[k] for k in kept if k in turn.data}
        redrawn = form_card(form, values=form_values(turn.data), errors=reply.errors, extra=extra)
        if oversize(card_activity(redrawn, activity_id=turn.card_id)) is not None:
            # Too big to redraw with the answers in it (long answers in a script the SDK sends
            # escaped): the card keeps what was typed, and the errors come as a message.
            await self._send(turn, errors_message(reply.errors))
            return
        await self._update(turn, turn.card_id, redrawn)

    async def _errors_activities(self, turn: Incoming, reply: FormErrors) -> list[Activity]:
        """A form sent from a shared conversation and refused: drawn again, with its errors and
        the answers kept, as a new card for the 1:1 chat (where its card no longer is, so it
        replaces nothing when sent again); or the errors alone, when it cannot be."""
        got = await asyncio.to_thread(self.forms.get, str(turn.data.get("card", "")))
        form = got[0] if got else None
        if form is not None and form.form_id == reply.form_id:
            extra = {"card": turn.data["card"], "origin": ""}
            values = form_values(turn.data)
            redrawn = form_card(form, values=values, errors=reply.errors, extra=extra)
            activity = card_activity(redrawn, form.title)
            if oversize(activity) is None:
                return [activity]
        return message_activities(errors_message(reply.errors))

    # --- private replies to something said in a channel ---------------------------------------

    async def _private(self, turn: Incoming, activities: list[Activity]) -> None:
        """Send ``activities`` to the actor's 1:1 chat (opening one if needed) and say so in the
        thread. A private answer never goes into the thread: if Teams will not open the chat
        or refuses the answer there, the thread is told how to reach the bot privately."""
        actor = turn.where.actor.address
        reference = await asyncio.to_thread(references.find, self.bot.store, actor)
        if reference is None:
            reference = await self._open_chat(turn)
        if reference is None:
            await self._send(turn, text_message(NOT_REACHED))
            return
        for activity in activities:
            try:
                await proactive(self.adapter, self.app_id, reference, activity)
            except (HttpOperationError, ClientRequestError) as exc:  # blocked, or uninstalled
                reason = failure(exc) if isinstance(exc, HttpOperationError) else type(exc).__name__
                log.warning("could not answer in the 1:1 chat: %s", reason)
                await self._send(turn, text_message(NOT_REACHED))
                return
            self.limits.note(actor.tenant, str(reference["conversation"]["id"]))
        await self._send(turn, text_message(ANSWERED_PRIVATELY))

    async def _open_chat(self, turn: Incoming) -> dict[str, Any] | None:
        """Create the actor's 1:1 chat with the bot (allowed once the app is in their team)."""
        activity = turn.context.activity
        client = turn.context.turn_state.get(BotAdapter.BOT_CONNECTOR_CLIENT_KEY)
        tenant = turn.where.actor.tenant
        parameters = ConversationParameters(
            is_group=False,
            bot=activity.recipient,
            members=[ChannelAccount(id=activity.from_property.id)],
            tenant_id=tenant or None,
            channel_data={"tenant": {"id": tenant}} if tenant else None,
        )
        try:
            created = await client.conversations.create_conversation(parameters)
        except (HttpOperationError, ClientRequestError, AttributeError) as exc:
            log.warning("could not open a 1:1 chat in Teams: %s", type(exc).__name__)
            return None
        reference = reference_of(activity, turn.where)
        conversation = {"id": created.id, "conversationType": "personal"}
        if tenant:
            conversation["tenantId"] = tenant
        reference["conversation"] = conversation
        if not references.is_private(reference):  # not a 1:1 chat after all: never used
            log.warning("Teams opened a conversation that is not a 1:1 chat; not used")
            return None
        address = turn.where.actor.address
        now = self.bot.clock.now()
        await asyncio.to_thread(references.remember, self.bot.store, address, reference, now)
        return reference

    # --- dialogs (task modules): anonymous forms, and whatever holds a case's words ----------

    async def _on_invoke(self, context: TurnContext) -> None:
        activity = context.activity
        value = activity.value if isinstance(activity.value, dict) else {}
        if activity.name == "adaptiveCard/action":
            # Universal Actions: this bot sends no Action.Execute, so this comes from a card
            # not its own, or an old one. The protocol wants a message or a card, never null.
            body = InvokeAnswer(status_code=HTTPStatus.OK, type=MESSAGE_RESPONSE, value=NOT_OURS)
            await _answer_invoke(context, HTTPStatus.OK, body)
            return
        if activity.name not in ("task/fetch", "task/submit"):
            await _answer_invoke(context, HTTPStatus.NOT_IMPLEMENTED, None)
            return
        data: dict[str, Any] = value["data"] if isinstance(value.get("data"), dict) else {}
        await _answer_invoke(context, HTTPStatus.OK, await self._dialog(context, data))

    async def _dialog(self, context: TurnContext, data: dict[str, Any]) -> TaskModuleResponse:
        """What a dialog shows: opened (task/fetch) by a launcher or a confidential button,
        or submitted (task/submit) by a form or a button inside it.

        Nothing is stored about the person here (not even their conversation reference) and
        nothing is posted to the chat: what is shown stays in the dialog.
        """
        activity = context.activity
        target = where(activity)
        if "form_token" in data:  # the launcher of an anonymous form
            token = str(data["form_token"])
            got = await asyncio.to_thread(self.forms.get, token)
            return _show(got[0].title, dialog(got[0], token=token)) if got else _say(EXPIRED)
        token = str(data.get("card", "")) if is_form(data) else ""
        got = await asyncio.to_thread(self.forms.get, token) if token else None
        form = got[0] if got else None
        try:
            # The form's token is this dialog's form instance: a replayed submission of it is
            # recognised by the core and files nothing twice.
            event = event_of(activity, target, data, instance=token, commands=self.bot.commands)
        except ValidationError:
            event = None
        if not isinstance(event, FormEvent | ActionEvent):
            return _say(EXPIRED)
        if isinstance(event, FormEvent) and form is None:
            return _say(EXPIRED)
        replies = await asyncio.to_thread(self.bot.handle, event)
        values = event.values if isinstance(event, FormEvent) else {}
        shown = Shown(form, token, view_of(data, event), page_of(data, event))
        return await self._in_dialog(replies, shown, values)

    async def _in_dialog(
        self, replies: list[Reply], shown: Shown, values: dict[str, FormValue]
    ) -> TaskModuleResponse:
        """The core's answer, shown in the dialog: the form again with its errors, the next
        form, or what it said (a page of it, when it is long)."""
        form, token, view = shown.form, shown.token, shown.view
        errors = next((r for r in replies if isinstance(r, FormErrors)), None)
        if errors is not None and form is not None:
            redrawn = dialog(form, token=token, values=values, errors=errors.errors)
            return _show(form.title, with_view(redrawn, view))
        following = next((r for r in replies if isinstance(r, OpenForm)), None)
        if following is not None:
            replaced = False
            if token:
                replaced = await asyncio.to_thread(self.forms.replace, token, following.form)
            if not replaced:
                token = await asyncio.to_thread(self.forms.put, following.form)
            return _show(following.form.title, with_view(dialog(following.form, token=token), view))
        if form is not None and not form.anonymous:
            await asyncio.to_thread(self.forms.take, token)  # sent: it cannot be sent twice
        # An anonymous form's token is kept until it expires: sent again (a replay, a retry),
        # it reaches the core as the same instance and is told it was received once.
        messages = [r.message for r in replies if isinstance(r, Say | Update)]
        said = Message(blocks=[b for m in messages for b in m.blocks]) if messages else SENT
        title = form.title if form is not None else _title(messages)
        return _show(title, paged(said, shown.page, view))


async def _answer_invoke(context: TurnContext, status: HTTPStatus, body: object) -> None:
    """The invoke's HTTP answer: its status and JSON body."""
    response = InvokeResponse(status=int(status), body=body)
    await context.send_activity(Activity(type=ActivityTypes.invoke_response, value=response))


class InvokeAnswer(Model):
    """An invoke's answer body in the Universal Actions shape (statusCode, type, value).

    botbuilder's AdaptiveCardInvokeResponse types ``value`` as a dict, so it cannot carry a
    message answer's string; the SDK serializes only msrest models, hence this one.
    """

    # msrest declares the map as an instance attribute; each model class overrides it.
    _attribute_map: dict[str, dict[str, Any]] = {  # noqa: RUF012
        "status_code": {"key": "statusCode", "type": "int"},
        "type": {"key": "type", "type": "str"},
        "value": {"key": "value", "type": "object"},
    }

    def __init__(self, *, status_code: int, type: str, value: object) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # msrest's __init__ is untyped
        self.status_code = status_code
        self.type = type
        self.value = value


def _accepted(turn: Incoming, replies: list[Reply]) -> bool:
    """A form card's answers were taken (nothing asked again): the card is done with."""
    return isinstance(turn.event, FormEvent) and not any(
        isinstance(r, FormErrors | OpenForm) for r in replies
    )


def _error(message: str) -> InvokeAnswer:
    """An invoke refused, in the Bot Framework's error shape."""
    return InvokeAnswer(
        status_code=HTTPStatus.BAD_REQUEST,
        type=ERROR_RESPONSE,
        value={"code": "BadRequest", "message": message},
    )


def _title(messages: list[Message]) -> str:
    """A dialog's title for messages: their first line (a case's is its reference)."""
    for message in messages:
        for block in message.blocks:
            if isinstance(block, TextBlock) and block.text.strip():
                return block.text.strip().split("\n", 1)[0]
    return "inclusion-bot"


def _show(title: str, content: Card) -> TaskModuleResponse:
    """Show a card in the dialog (open it, or keep it open with new content)."""
    info = TaskModuleTaskInfo(
        title=title[:64],
        card=Attachment(content_type=CONTENT_TYPE, content=content),
        width="large",
        height="large",
    )
    return TaskModuleResponse(task=TaskModuleContinueResponse(value=info))


def _say(text: str) -> TaskModuleResponse:
    """Show a line of text in place of the dialog."""
    return TaskModuleResponse(task=TaskModuleMessageResponse(value=text))


def _buttons(content: Card) -> set[tuple[object, object]]:
    """(action_id, value) of every button on a card."""
    return {
        (action["data"].get("action_id"), action["data"].get("value"))
        for element in content["body"]
        for action in element.get("actions", [])
        if isinstance(action.get("data"), dict)
    }


class SharedReplies(ReplyChannel[Shared, Coroutine[Any, Any, None]]):
    """Replies in a channel or group chat (see ``TeamsBot._deliver_shared``): only a Say meant
    for the conversation is posted there; the rest is collected for the person's 1:1 chat."""

    def __init__(self, teams: TeamsBot) -> None:
        self.teams = teams

    async def say(self, where: Shared, message: Message, ephemeral: bool) -> None:
        if ephemeral:
            where.private += message_activities(message)
        else:
            await self.teams._send(where.turn, message)

    async def update(self, where: Shared, message: Message) -> None:
        where.private += message_activities(message)

    async def open_form(self, where: Shared, form: Form) -> None:
        if form.anonymous:  # nothing opened or kept for the asker
            await self.teams._send(where.turn, text_message(REPORT_PRIVATELY))
        else:
            where.private.append(await self.teams._form_activity(where.turn, form, origin=False))

    async def form_errors(self, where: Shared, errors: FormErrors) -> None:
        where.private += await self.teams._errors_activities(where.turn, errors)

    async def confidential(self, where: Shared, reply: Say | Update) -> None:
        where.private.append(self.teams._launcher(where.turn))
