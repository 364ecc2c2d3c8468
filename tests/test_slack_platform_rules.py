"""The Slack rules the fake enforces refuse what Slack documents it refuses, and accept the
largest payload still allowed (so the fake is neither laxer nor stricter than Slack)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.platform_rules import slack_message_problems, slack_view_problems


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
