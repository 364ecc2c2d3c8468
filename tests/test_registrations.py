"""Proof that features and platforms plug in by registration alone: a toy feature (``/echo``)
and a toy platform (an echo surface) are declared here, in a few lines, with no edit to bot/,
and the router, help, the tick, the outbox and both platform manifests pick them up."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from pydantic_settings import BaseSettings
from sqlalchemy.orm import Session

from adapters.host import Surface
from adapters.platforms import PLATFORMS, settings_class
from adapters.replies import NO_FORMS, PRIVATE_ONLY, ReplyChannel
from adapters.slack.manifest import manifest as slack_manifest
from adapters.teams.manifest import manifest as teams_manifest
from app.cli import add_registered, main
from bot import metrics, platforms, redaction
from bot.catalogue import COMMANDS, FEATURES
from bot.clock import ManualClock
from bot.config import Settings
from bot.conversation import (
    ActionEvent,
    Actor,
    Address,
    CommandEvent,
    Form,
    FormErrors,
    FormField,
    Message,
    MessageEvent,
    OpenForm,
    Reply,
    Say,
    TextBlock,
    Update,
    text_message,
)
from bot.features import Command, Feature, Introduction, RegistrationError, TickStep
from bot.outbox import Dispatcher, Outgoing, SendResult, queue
from bot.platforms import Platform, register
from bot.pledge.content import Pledge
from bot.resources import Resources
from bot.router import Bot
from bot.store import Store
from bot.turn import Turn
from scheduler.tick import tick

# --- a minimal feature --------------------------------------------------------------------------

ECHOED = Address(platform="echo", tenant="t1", kind="user", id="u1")


def _echo(turn: Turn, args: str) -> list[Reply]:
    return [turn.say(text_message(args or "(nothing)"))]


def _again(turn: Turn, action: ActionEvent) -> list[Reply]:
    return [turn.say(text_message(f"again: {action.value}"))]


def _queue_echoes(session: Session, now: datetime, settings: Settings, _: Resources) -> int:
    note = Outgoing(key=f"echo:{now.date()}", destination=ECHOED, render="echo.note")
    return queue(session, [note], now)


@click.command("echo-count")
def echo_count() -> None:
    """How many echoes (the feature's own operator command)."""
    click.echo("0 echoes")


ECHO = Feature(
    name="echo",
    prefix="echo.",
    commands=(Command("echo", "Say it back", _echo, usage="[WORDS]"),),
    on_action=_again,
    on_form=lambda turn, form: [],
    help="/echo WORDS: I say them back",
    introduction=Introduction(
        does="hear themselves",
        welcome="hear themselves think",
        start="/echo WORDS to hear them back",
        note="Echoes are kept for a day.",
    ),
    renderers=lambda _: {"echo.note": lambda session, args: text_message("a daily echo")},
    tick=(TickStep("echoes", "echo(es)", _queue_echoes),),
    cli=("tests.test_registrations:echo_count",),
)

# --- a minimal platform: an echo surface ------------------------------------------------------

ECHO_PLATFORM = Platform(name="echo", redact=(r"\becho-user-\d+\b",), gauged=True)


@click.group("echo-setup")
def echo_setup() -> None:
    """The echo platform's set-up."""


@echo_setup.command("url")
def echo_url() -> None:
    click.echo("echo://bot")


class EchoSettings(BaseSettings):
    """The echo platform's own setting, read from the environment with the core's."""

    echo_token: str | None = None


ECHO_SURFACE = Surface(
    ECHO_PLATFORM, settings=EchoSettings, cli=("tests.test_registrations:echo_setup",)
)


class EchoSurface:
    """Events in as the echo platform's people; replies and proactive sends kept to read."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.sent: list[tuple[Address, Message]] = []

    def type(self, text: str) -> list[str]:
        actor = Actor(platform="echo", tenant="t1", user_id="u1")
        word, _, rest = text.lstrip("/").partition(" ")
        event = (
            CommandEvent(actor=actor, name=word, args=rest)
            if text.startswith("/")
            else MessageEvent(actor=actor, text=text)
        )
        return [words(r) for r in self.bot.handle(event)]

    def send(self, destination: Address, message: Message) -> SendResult:
        self.sent.append((destination, message))
        return SendResult(ok=True)


def words(reply: Reply | Message) -> str:
    message = reply.message if isinstance(reply, Say) else reply
    assert isinstance(message, Message)
    return "\n".join(getattr(block, "text", "") for block in message.blocks)


def _bot(store: Store, clock: ManualClock, settings: Settings, pledge: Pledge) -> Bot:
    return Bot(store, clock, settings, pledge, features=(*FEATURES, ECHO))


def test_a_registered_feature_is_routed_helped_and_ticked(
    store: Store, clock: ManualClock, settings: Settings, pledge: Pledge
) -> None:
    surface = EchoSurface(_bot(store, clock, settings, pledge))
    assert surface.type("/echo hello there") == ["hello there"]
    assert surface.type("echo typed in a DM") == ["typed in a DM"]
    [help_] = surface.type("/help")
    assert "/echo WORDS: I say them back" in help_ and "/pledge progress" in help_
    actor = Actor(platform="echo", tenant="t1", user_id="u1")
    [again] = surface.bot.handle(ActionEvent(actor=actor, action_id="echo.again", value="7"))
    assert words(again) == "again: 7"
    # Without the registration the same bot does not know it.
    plain = EchoSurface(Bot(store, clock, settings, pledge))
    assert "I don't know the command /echo" in plain.type("/echo hello")[0]

    report = tick(store, clock.now(), settings, features=(*FEATURES, ECHO))
    assert report["echoes"] == 1 and report.summary().endswith("and 1 echo(es)")
    assert tick(store, clock.now(), settings, features=(ECHO,))["echoes"] == 0  # keyed: once
    dispatcher = Dispatcher(store, clock, {"echo": surface}, renderers=surface.bot.renderers())
    assert dispatcher.drain().sent == 1
    [(destination, message)] = surface.sent
    assert destination == ECHOED and words(message) == "a daily echo"


def test_both_manifests_list_a_registered_command_once(settings: Settings) -> None:
    """Checked against the registrations, not a copy of today's list, so a new feature does
    not break it: every command once, in the catalogue's order, the toy's last."""
    commands = (*COMMANDS, *ECHO.commands)
    names = [c.name for c in commands]
    assert len(set(names)) == len(names) and names[-1] == "echo"
    slack: dict[str, Any] = slack_manifest(None, socket_mode=True, commands=commands)
    slash = [c["command"] for c in slack["features"]["slash_commands"]]
    assert slash == [f"/{name}" for name in names]
    teams = teams_manifest(
        "00000000-0000-0000-0000-000000000001",
        privacy_url="https://example.org/privacy",
        terms_url="https://example.org/terms",
        commands=commands,
    )
    personal, shared = teams["bots"][0]["commandLists"]
    assert [c["title"] for c in personal["commands"]] == names
    # An anonymous command (/report) is offered only where nobody else reads.
    anonymous = {c.name for c in commands if c.anonymous}
    assert anonymous  # the real catalogue has one: the rule below is tested, not vacuous
    assert [c["title"] for c in shared["commands"]] == [n for n in names if n not in anonymous]


def test_a_registered_platform_is_labelled_redacted_and_gauged(
    store: Store, clock: ManualClock
) -> None:
    assert metrics.platform_label("echo") == "other"
    assert redaction.redact("from echo-user-4242") == "from echo-user-4242"
    register(ECHO_PLATFORM)
    assert metrics.platform_label("echo") == "echo"
    assert redaction.redact("from echo-user-4242") == "from [redacted]"
    # The platforms registered before it keep theirs.
    assert redaction.redact("slack U0123456789 teams 29:1AbCdEfGhIjKlMnOp") == (
        "slack [redacted] teams [redacted]"
    )
    gauges = metrics.exposition(store, clock).decode()
    assert 'inclusion_bot_outbox_messages{platform="echo",status="pending"} 0.0' in gauges


def test_a_registered_feature_and_platform_bring_their_own_cli_commands() -> None:
    @click.group()
    def cli() -> None:
        """A top-level command as app/cli's, built from registrations alone."""

    add_registered(cli, (*FEATURES, ECHO), (ECHO_SURFACE,))
    runner = CliRunner()
    assert runner.invoke(cli, ["echo-count"]).output == "0 echoes\n"
    assert runner.invoke(cli, ["echo-setup", "url"]).output == "echo://bot\n"
    listed = runner.invoke(cli, ["--help"]).output
    # The real features' groups come from their registrations too.
    assert all(name in listed for name in ("export", "awareness", "handlers", "reports"))
    assert "slack" not in listed  # only the surfaces given


def test_a_registered_platform_brings_its_own_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ECHO_TOKEN", "e-123")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    everything = settings_class((*PLATFORMS, ECHO_SURFACE))
    settings = everything(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    assert isinstance(settings, EchoSettings) and settings.echo_token == "e-123"
    assert settings.data_dir == tmp_path  # the core's, in the same object
    assert platforms.served(settings) == {"slack"}  # the echo platform says when it is served
    # The core's settings alone know no platform's.
    assert not hasattr(Settings(_env_file=None), "slack_bot_token")  # type: ignore[call-arg]


class Printed(ReplyChannel[list[str], None]):
    """A platform that can only print text: it renders nothing itself but ``say``."""

    def say(self, where: list[str], message: Message, ephemeral: bool) -> None:
        where.append(("(only you) " if ephemeral else "") + words(message))


def test_a_platform_that_only_says_still_renders_every_reply() -> None:
    shown: list[str] = []
    printed = Printed()
    form = Form(
        form_id="echo.form",
        title="Your words",
        intro=[TextBlock(text="Tell me what to say back.")],
        fields=[FormField(name="words", label="Words", kind="text")],
    )
    for reply in (
        Update(message=text_message("changed")),
        OpenForm(form=form),
        FormErrors(form_id="echo.form", errors={"a": "Say more.", "b": "Say more."}),
        Say(message=Message(blocks=[TextBlock(text="a case's words")], confidential=True)),
        Update(message=Message(blocks=[TextBlock(text="a case's words")], confidential=True)),
    ):
        printed.dispatch(shown, reply)
    assert shown == [
        "changed",  # an update is a new message where nothing can be edited
        f"(only you) Your words\nTell me what to say back.\n{NO_FORMS}",  # never dropped
        "(only you) A few answers need another look:\nSay more.",  # each problem once
        f"(only you) {PRIVATE_ONLY}",  # no private window: a case's words are never shown,
        f"(only you) {PRIVATE_ONLY}",  # not even in place of a message it was asked from
    ]


# --- registrations that clash are refused as a process starts ----------------------------------


def _feature(name: str, prefix: str, *commands: str, cli: tuple[str, ...] = ()) -> Feature:
    return Feature(
        name=name,
        prefix=prefix,
        commands=tuple(Command(c, "a command", _echo) for c in commands),
        on_action=_again,
        on_form=lambda turn, form: [],
        cli=cli,
    )


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (_feature("parrot", "parrot.", "echo"), "/echo is registered by both the echo and"),
        (_feature("parrot", "parrot.", "help"), "/help, a built-in command"),
        (_feature("parrot", "parrot.", "Parrot"), "lower-case letters"),
        (_feature("parrot", "echo.more.", "parrot"), "prefixes overlap"),
        (_feature("parrot", "ech", "parrot"), "prefixes overlap"),
        (_feature("parrot", "", "parrot"), "needs a prefix"),
    ],
)
def test_clashing_feature_registrations_are_refused_at_start(
    store: Store, clock: ManualClock, settings: Settings, extra: Feature, said: str
) -> None:
    with pytest.raises(RegistrationError, match=said):
        Bot(store, clock, settings, features=(*FEATURES, ECHO, extra))
    with pytest.raises(RegistrationError, match=said):
        add_registered(click.Group(), (*FEATURES, ECHO, extra), ())


@click.group("db")
def echo_db() -> None:
    """A group named like the built-in ``inclusion-bot db``."""


def test_a_cli_command_named_like_another_is_refused() -> None:
    twice = _feature("parrot", "parrot.", "parrot", cli=("tests.test_registrations:echo_count",))
    with pytest.raises(RegistrationError, match=r"echo-count is both tests\.test_registrations"):
        add_registered(click.Group(), (ECHO, twice), ())
    builtin = _feature("parrot", "parrot.", "parrot", cli=("tests.test_registrations:echo_db",))
    with pytest.raises(RegistrationError, match="db is both a built-in command"):
        add_registered(main, (builtin,), ())


def test_the_teams_manifest_refuses_more_commands_than_its_menu_shows() -> None:
    """Teams shows at most 10 commands in a bot's menu: an 11th is refused, not lost."""
    many = tuple(Command(f"c{n}", "a command", _echo) for n in range(11))
    with pytest.raises(ValueError, match="at most 10 commands"):
        teams_manifest(
            "00000000-0000-0000-0000-000000000001",
            privacy_url="https://example.org/privacy",
            terms_url="https://example.org/terms",
            commands=many,
        )


def test_the_greeting_and_welcome_are_built_from_the_registrations(
    store: Store, clock: ManualClock, settings: Settings, pledge: Pledge
) -> None:
    """No command is named by hand in the router: a new feature's introduction joins the
    greeting, the welcome and a stranger's first message; the real ones keep their words."""
    bot = _bot(store, clock, settings, pledge)
    assert bot.greeting.startswith("Hello! I help leaders keep the IP Inclusive Senior")
    assert "post awareness dates, take anonymous reports and hear themselves.\n" in bot.greeting
    assert bot.greeting.endswith(
        "/report to report harassment anonymously, /echo WORDS to hear them back, "
        "or /help for everything I can do."
    )
    assert "and hear themselves think.\n" in bot.welcome_text
    assert "Echoes are kept for a day.\nType help for everything I can do." in bot.welcome_text
    welcome = bot.welcome(Actor(platform="echo", user_id="u9"))
    assert welcome is not None and words(welcome) == bot.welcome_text
    greeted = bot.handle(MessageEvent(actor=Actor(platform="echo", user_id="u8"), text="hi"))
    assert words(greeted[0]) == bot.greeting
    # Without the pledge, an unclaimed button points to the first command there is.
    alone = Bot(store, clock, settings, features=(ECHO,))
    pressed = alone.handle(
        ActionEvent(actor=Actor(platform="echo", user_id="u8"), action_id="gone.x", value="")
    )
    assert words(pressed[0]) == "That has expired. Type /echo to start again."
