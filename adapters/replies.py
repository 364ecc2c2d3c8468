"""Reply dispatch with default fallbacks, shared by every platform (as Rasa's OutputChannel):
``ReplyChannel`` renders every neutral ``Reply`` by default through the one thing each surface
must do, ``say``; a platform overrides only what it renders better (a modal for a form, an
edited message for an ``Update``, a private window for a confidential message, which by
default is never shown, only a private notice that it cannot be).

The same dispatch serves the synchronous console and the asynchronous web platforms: each
rendering method returns ``R``, which is ``None`` for the console and an awaitable for Slack
and Teams, and a default returns what ``say`` returns.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from bot.conversation import (
    Form,
    FormErrors,
    Message,
    OpenForm,
    Reply,
    Say,
    TextBlock,
    Update,
)

#: Where the replies go: whatever a platform needs to answer (its request, client, turn).
C = TypeVar("C")
#: What rendering one reply returns: None, or an awaitable for an asynchronous surface.
R = TypeVar("R")

#: A surface that cannot show forms says so rather than dropping one.
NO_FORMS = "I can't show forms here, sorry: please try again in a direct message with me."
ANOTHER_LOOK = "A few answers need another look:"
#: What a surface with no private window shows instead of a confidential message.
PRIVATE_ONLY = "This can only be shown privately, and I can't do that here, sorry."


class ReplyChannel(Generic[C, R]):
    """Renders each neutral reply; subclasses implement ``say`` and override the rest only
    where the surface does better than the default."""

    def dispatch(self, where: C, reply: Reply) -> R:
        """The one switch over reply kinds, for every platform."""
        if isinstance(reply, Say | Update) and reply.message.confidential:
            return self.confidential(where, reply)
        if isinstance(reply, Say):
            return self.say(where, reply.message, reply.ephemeral)
        if isinstance(reply, Update):
            return self.update(where, reply.message)
        if isinstance(reply, OpenForm):
            return self.open_form(where, reply.form)
        return self.form_errors(where, reply)

    def say(self, where: C, message: Message, ephemeral: bool) -> R:
        """Post ``message`` where the event came from (to the actor alone if ``ephemeral``)."""
        raise NotImplementedError

    def update(self, where: C, message: Message) -> R:
        """Replace the message whose button was pressed; by default, a new message instead."""
        return self.say(where, message, False)

    def open_form(self, where: C, form: Form) -> R:
        """Show a form; by default its title and introduction, and that it cannot be filled
        in here (never a silent drop)."""
        blocks = [TextBlock(text=form.title, style="heading"), *form.intro]
        blocks.append(TextBlock(text=NO_FORMS))
        return self.say(where, Message(blocks=blocks), True)

    def form_errors(self, where: C, errors: FormErrors) -> R:
        """A submission was refused; by default, the errors as a private message."""
        lines = [ANOTHER_LOOK, *dict.fromkeys(errors.errors.values())]  # each said once
        return self.say(where, Message(blocks=[TextBlock(text="\n".join(lines))]), True)

    def confidential(self, where: C, reply: Say | Update) -> R:
        """A message only its reader may see (a case's words). By default only a short private
        notice that it cannot be shown here: this class cannot know whether a surface's
        ``say``, even ephemeral, is private, and a case's words must never land where others
        read. A surface with a private window (Slack's modal, Teams' dialog), or that is the
        reader's own (the console), overrides this to show it."""
        return self.say(where, Message(blocks=[TextBlock(text=PRIVATE_ONLY)]), True)
