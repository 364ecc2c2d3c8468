"""The Slack rules the fake enforces refuse what Slack documents it refuses, and accept the
largest payload still allowed (so the fake is neither laxer nor stricter than Slack)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.platform_rules import (
    slack_ack_problems,
    slack_message_problems,
    slack_message_refusal,
    slack_view_problems,
)


def text(length: int, kind: str = "plain_text") -> dict[str, Any]:
    return {"type": kind, "text": "x" * length}


def section(length: int = 10) -> dict[str, Any]:
    return {"type": "section", "text": text(length)}


def button(n: int, label: int = 10, value: int = 10) -> dict[str, Any]:
    return {"type": "button", "action_id": f"a{n}", "text": text(label), "value": "v" * value}


def options(count: int, label: int = 10, value: int = 10) -> list[dict[str, Any]]:
    return [{"text": text(label), "value": f"{n:0{value}d}"} for n in range(count)]


def input_block(element: dict[str, Any], label: int = 10, block_id: str = "b") -> dict[str, Any]:
    return {"type": "input", "block_id": block_id, "label": text(label), "element": element}


def modal(blocks: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"type": "modal", "title": text(24), "submit": text(24), "blocks": blocks, **extra}


BIGGEST_MESSAGE = [
    {"type": "header", "text": text(150)},
    section(3000),
    {"type": "section", "fields": [text(2000)] * 10},
    {"type": "context", "elements": [text(3000)] * 10},
    {"type": "actions", "elements": [button(n, 75, 2000) for n in range(25)]},
    *[section() for _ in range(45)],
]


def test_the_largest_allowed_message_and_modal_are_accepted() -> None:
    assert len(BIGGEST_MESSAGE) == 50 and slack_message_problems(BIGGEST_MESSAGE) == []
    inputs = [
        input_block({"type": "plain_text_input", "max_length": 3000}, 2000, "text"),
        input_block({"type": "checkboxes", "options": options(10, 75, 150)}, block_id="boxes"),
        input_block({"type": "static_select", "options": options(100)}, block_id="select"),
        input_block(
            {
                "type": "multi_static_select",
                "option_groups": [{"label": text(75), "options": options(100)}] * 2,
            },
            block_id="groups",
        ),
    ]
    view = modal([*inputs, *[section() for _ in range(96)]], private_metadata="m" * 3000)
    assert slack_view_problems(view) == []


@pytest.mark.parametrize(
    ("blocks", "problem"),
    [
        ([section() for _ in range(51)], "51 blocks"),
        ([section(3001)], "3001 characters"),
        ([{"type": "header", "text": text(151)}], "151 characters"),
        ([{"type": "header", "text": text(10, "mrkdwn")}], "must be plain_text"),
        ([{"type": "context", "elements": [text(5)] * 11}], "1 to 10 elements"),
        ([{"type": "section", "fields": [text(5)] * 11}], "fields: 1 to 10"),
        ([{"type": "actions", "elements": [button(n) for n in range(26)]}], "1 to 25"),
        ([{"type": "actions", "elements": [button(1), button(1)]}], "action_ids repeat"),
        ([{"type": "actions", "elements": [button(1, label=76)]}], "76 characters"),
        ([{"type": "actions", "elements": [button(1, value=2001)]}], "value: more than 2000"),
        ([{**section(), "block_id": "x"}, {**section(), "block_id": "x"}], "repeats"),
        ([{**section(), "block_id": "x" * 256}], "1 to 255"),
        ([section(0)], "1 or more characters"),
    ],
)
def test_a_message_breaking_a_rule_is_refused(blocks: list[dict[str, Any]], problem: str) -> None:
    assert any(problem in p for p in slack_message_problems(blocks)), slack_message_problems(blocks)


@pytest.mark.parametrize(
    ("view", "problem"),
    [
        (modal([section() for _ in range(101)]), "101 blocks"),
        (modal([], title=text(25)), "25 characters"),
        (modal([], private_metadata="m" * 3001), "private_metadata"),
        (modal([input_block({"type": "plain_text_input", "max_length": 4000})]), "4000"),
        (modal([input_block({"type": "plain_text_input", "max_length": 0})]), "0 is not 1"),
        (modal([input_block({"type": "checkboxes", "options": options(11)})]), "11 options"),
        (modal([input_block({"type": "static_select", "options": options(101)})]), "101"),
        (modal([input_block({"type": "radio_buttons", "options": options(2, 76)})]), "76"),
        (modal([input_block({"type": "radio_buttons", "options": options(2, 5, 151)})]), "150"),
        (modal([input_block({"type": "datepicker"}, label=2001)]), "2001 characters"),
        ({**modal([input_block({"type": "datepicker"})]), "submit": None}, "submit"),
    ],
)
def test_a_view_breaking_a_rule_is_refused(view: dict[str, Any], problem: str) -> None:
    if view.get("submit") is None:
        view.pop("submit")
    assert any(problem in p for p in slack_view_problems(view)), slack_view_problems(view)


def confirm(title: int = 100, words: int = 300, yes: int = 30, no: int = 30) -> dict[str, Any]:
    return {"title": text(title), "text": text(words), "confirm": text(yes), "deny": text(no)}


def select(**extra: Any) -> dict[str, Any]:
    return {"type": "static_select", "action_id": "s", "options": options(3), **extra}


def test_the_largest_allowed_options_confirms_and_message_text_are_accepted() -> None:
    described = [{**o, "description": text(75)} for o in options(3)]
    element = {**select(options=described), "initial_option": described[1]}
    boxes = {"type": "checkboxes", "options": options(3), "initial_options": options(3)[:2]}
    view = modal([input_block(element, block_id="a"), input_block(boxes, block_id="b")])
    assert slack_view_problems(view) == []
    pressed = {**button(1), "confirm": {**confirm(), "style": "danger"}}
    assert slack_message_problems([{"type": "actions", "elements": [pressed]}]) == []
    most = [section(3000)] * 4  # 12,000 characters of text in the blocks
    assert slack_message_refusal({"blocks": most, "text": "x" * 40_000}) == ("", [])
    assert slack_message_refusal({"text": "only text"}) == ("", [])


@pytest.mark.parametrize(
    ("element", "problem"),
    [
        (select(options=[{"text": text(5, "mrkdwn"), "value": "v"}]), "must be plain_text"),
        (select(options=[{**options(1)[0], "description": text(76)}]), "76 characters"),
        (select(initial_option=options(4)[3]), "not one of the options"),
        ({**select(), "confirm": confirm(title=101)}, "101 characters"),
        ({**select(), "confirm": confirm(words=301)}, "301 characters"),
        ({**select(), "confirm": confirm(no=31)}, "31 characters"),
        ({**select(), "confirm": {**confirm(), "style": "loud"}}, "primary or danger"),
        (
            {"type": "checkboxes", "options": options(2), "initial_options": options(3)[2:]},
            "not one of the options",
        ),
    ],
)
def test_an_element_breaking_a_rule_is_refused(element: dict[str, Any], problem: str) -> None:
    view = modal([input_block(element)])
    assert any(problem in p for p in slack_view_problems(view)), slack_view_problems(view)


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"blocks": [section(3000)] * 4 + [section(1)]}, "msg_blocks_too_long"),
        ({"blocks": [section()], "text": "x" * 40_001}, "msg_too_long"),
        ({"text": ""}, "no_text"),
        ({"blocks": [], "channel": "C1"}, "no_text"),
        ({"blocks": [section(3001)], "text": "x"}, "invalid_blocks"),
    ],
)
def test_a_message_slack_refuses_whole_gets_its_error(params: dict[str, Any], error: str) -> None:
    assert slack_message_refusal(params)[0] == error


SUBMITTED = modal([input_block({"type": "plain_text_input"}, block_id="what")])


@pytest.mark.parametrize(
    ("ack", "problem"),
    [
        ({"response_action": "update", "view": modal([section(3001)])}, "3001 characters"),
        ({"response_action": "push", "view": {"type": "home", "blocks": []}}, "needs a modal"),
        ({"response_action": "errors", "errors": {"where": "Say where"}}, "not an input block"),
        ({"response_action": "errors", "errors": {}}, "errors must be"),
        ({"response_action": "close"}, "unknown response_action"),
    ],
)
def test_an_ack_slack_would_not_take_is_refused(ack: dict[str, Any], problem: str) -> None:
    problems = slack_ack_problems(ack, SUBMITTED)
    assert any(problem in p for p in problems), problems


def test_acks_slack_takes_are_accepted() -> None:
    for ack in (
        {},
        {"response_action": "clear"},
        {"response_action": "errors", "errors": {"what": "Please say what happened"}},
        {"response_action": "update", "view": modal([section(3000)])},
    ):
        assert slack_ack_problems(ack, SUBMITTED) == []
