"""``/dashboard``: a private, single-use sign-in link to the web dashboard, for admins."""

from __future__ import annotations

from bot.conversation import ActionEvent, FormEvent, LinkBlock, Message, Reply, Say, TextBlock
from bot.dashboard.access import LINK_TTL, issue_link
from bot.turn import Turn

HELP = "/dashboard: a private link to sign in to the web dashboard (admins)"
ONLY_ADMINS = "Only admins can open the dashboard."


def sign_in_url(base: str, token: str) -> str:
    return f"{base}/admin/sign-in?token={token}"


def on_command(turn: Turn, args: str) -> list[Reply]:
    if not turn.is_admin():
        return [Say(message=Message(blocks=[TextBlock(text=ONLY_ADMINS)]), ephemeral=True)]
    token = issue_link(turn.session, turn.actor.address, turn.now)
    minutes = int(LINK_TTL.total_seconds() // 60)
    return [
        Say(
            message=Message(
                blocks=[
                    TextBlock(text="Your dashboard link", style="heading"),
                    TextBlock(
                        text=f"It works once, for the next {minutes} minutes, and only for you. "
                        "Please don't share it.",
                        style="context",
                    ),
                    LinkBlock(
                        label="Open the dashboard",
                        url=sign_in_url(turn.settings.public_base, token),
                    ),
                ]
            ),
            ephemeral=True,
        )
    ]


def on_action(turn: Turn, action: ActionEvent) -> list[Reply]:
    """The dashboard shows no buttons in chat; an old or forged press is only told so."""
    return [turn.say(Message(blocks=[TextBlock(text="That button has expired.")]))]


def on_form(turn: Turn, form: FormEvent) -> list[Reply]:
    return [turn.say(Message(blocks=[TextBlock(text="That form has expired.")]))]
