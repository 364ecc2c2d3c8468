"""The neutral model: addresses and events survive their text and JSON forms unchanged."""

import pytest
from pydantic import TypeAdapter, ValidationError

from bot.conversation import ActionEvent, Actor, Address, Event, FormEvent, FormField
from bot.text import TooLong, clean, clean_limited

EVENTS: TypeAdapter[Event] = TypeAdapter(Event)


@pytest.mark.parametrize(
    "text",
    [
        "console:alice",
        "console:#announcements",
        "slack:T01:U02",
        "slack:T01:#C03",
        "teams:72f988bf-86f1:29:1AbCdEf",
    ],
)
def test_addresses_round_trip(text: str) -> None:
    assert str(Address.parse(text)) == text


def test_a_teams_user_id_keeps_its_colon() -> None:
    address = Address.parse("teams:tenant-guid:29:1AbC")
    assert (address.platform, address.tenant, address.id) == ("teams", "tenant-guid", "29:1AbC")


@pytest.mark.parametrize("text", ["alice", "slack:T01", "slack::U02", ":x"])
def test_malformed_addresses_are_refused_with_the_expected_form(text: str) -> None:
    with pytest.raises(ValueError, match=r"TENANT|console:NAME"):
        Address.parse(text)


def test_events_round_trip_through_json() -> None:
    actor = Actor(platform="slack", tenant="T1", user_id="U1", display_name="Ann")
    for event in (
        ActionEvent(actor=actor, action_id="pledge.status", value="1:2:done"),
        FormEvent(actor=actor, form_id="pledge.sign", values={"steps_1": ["1.1"], "time": "9:00"}),
    ):
        assert EVENTS.validate_json(event.model_dump_json()) == event


def test_an_event_without_an_actor_is_refused() -> None:
    with pytest.raises(ValidationError):
        EVENTS.validate_python({"type": "command", "name": "pledge"})


def test_typed_text_loses_control_characters_but_keeps_its_words() -> None:
    assert clean("\x1b[31mred\u202e text\x07") == "red text"
    assert clean("line one\nline two") == "line one line two"
    assert clean("line one\r\nline two", multiline=True) == "line one\nline two"
    assert clean("<!channel> <@U123>") == "<!channel> <@U123>"


def test_text_over_its_limit_is_refused_not_cut() -> None:
    with pytest.raises(TooLong, match="501 characters; the limit is 500"):
        clean_limited("x" * 501, 500)
    assert clean_limited("x" * 500, 500) == "x" * 500


def test_an_overlong_address_is_refused_plainly() -> None:
    with pytest.raises(ValueError, match="at most 128"):
        Address.parse("console:" + "x" * 200)


def test_no_form_field_may_ask_for_more_than_every_platform_takes() -> None:
    """Slack's plain-text input refuses a max_length over 3,000, and with it the whole modal."""
    assert FormField(name="t", label="T", kind="long_text", max_length=3000).max_length == 3000
    with pytest.raises(ValidationError):
        FormField(name="t", label="T", kind="long_text", max_length=3001)
