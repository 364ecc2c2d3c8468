"""A fake Bot Connector on 127.0.0.1: where the bot's replies, card updates and proactive sends go.

Teams tells the bot where to answer in each activity's ``serviceUrl``; the tests point it here.
The bot's real botbuilder client then calls this server over HTTP, as it would call Teams:

- POST /v3/conversations/{id}/activities               a new message (proactive, or a reply)
- POST /v3/conversations/{id}/activities/{replyToId}   a reply to an activity
- PUT  /v3/conversations/{id}/activities/{activityId}  a card updated in place
- POST /v3/conversations                                a 1:1 chat opened by the bot

Every activity is held to Teams' documented rules (tests/platform_rules.py): one over Teams'
message size gets 413 with the MessageSizeTooBig error, a card Teams cannot render gets 400,
as Teams answers them; the refused call is recorded with its status and problems.
An invoke (a dialog opened or submitted, a Universal Action) is answered in the HTTP response
to Teams' own POST, not through the connector, so the tests hand each answer to ``answered``:
it is held to the same rules (``teams_invoke_problems``: size, shape, card) and recorded in
``invokes``, refused as Teams would refuse it.
``fail_next`` makes the next calls answer with an error status (and Retry-After), as Teams
does when throttling. ``wait_for`` waits on a condition
variable with a deadline, never by sleeping.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.platform_rules import teams_activity_problems, teams_invoke_problems, teams_too_big


@dataclass(frozen=True)
class Call:
    """One request the bot made. ``kind``: "send", "reply", "update" or "create"; or
    "invoke", the bot's answer to an invoke (``FakeConnector.answered``)."""

    kind: str
    conversation: str
    activity_id: str | None
    body: dict[str, Any]
    authorization: str | None = None
    #: The id this fake gave the new activity, or the error status it answered with.
    answer: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return "status" not in self.answer

    def card(self) -> dict[str, Any]:
        """The Adaptive Card the activity carries."""
        for item in self.body.get("attachments") or []:
            if item.get("contentType") == "application/vnd.microsoft.card.adaptive":
                return dict(item["content"])
        raise AssertionError(f"no Adaptive Card in {self.body}")

    def elements(self) -> list[dict[str, Any]]:
        """Every element of the card, depth first (containers, inputs, action sets, actions)."""
        found: list[dict[str, Any]] = []

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                if "type" in node:
                    found.append(node)
                for key in ("body", "items", "actions", "columns", "inlines"):
                    walk(node.get(key))
            elif isinstance(node, list):
                for item in node:
                    walk(item)

        walk(self.card())
        return found

    def texts(self) -> list[str]:
        """The card's text as sent: its TextRuns (shown verbatim) and any TextBlocks."""
        return [e["text"] for e in self.elements() if e["type"] in ("TextRun", "TextBlock")]

    def words(self) -> str:
        """What a person sees in the card's text, a line each."""
        return "\n".join(self.texts())

    def actions(self) -> list[dict[str, Any]]:
        return [e for e in self.elements() if str(e["type"]).startswith("Action.")]

    def button(self, action_id: str, value_end: str = "") -> dict[str, Any]:
        for action in self.actions():
            data = action.get("data") or {}
            if data.get("action_id") == action_id and str(data.get("value", "")).endswith(
                value_end
            ):
                return action
        raise AssertionError(f"no {action_id} button in {[a.get('data') for a in self.actions()]}")

    def inputs(self) -> dict[str, dict[str, Any]]:
        return {e["id"]: e for e in self.elements() if str(e["type"]).startswith("Input.")}

    def submit(self) -> dict[str, Any]:
        """The data of the form's submit button."""
        [action] = [a for a in self.actions() if "form_id" in (a.get("data") or {})]
        return dict(action["data"])


@dataclass
class _Failure:
    status: int
    retry_after: str | None
    code: str
    message: str = ""


@dataclass
class FakeConnector:
    """The fake. Start and stop it on a running event loop; read and wait from any thread."""

    calls: list[Call] = field(default_factory=list)
    #: The bot's answers to invokes, in order (``answered``).
    invokes: list[Call] = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        self._condition = threading.Condition()
        self._failures: dict[str, list[_Failure]] = {}
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{conversation}/activities", self._activity)
        app.router.add_post(
            "/v3/conversations/{conversation}/activities/{activity_id}", self._activity
        )
        app.router.add_put(
            "/v3/conversations/{conversation}/activities/{activity_id}", self._activity
        )
        self.app = app

    async def start(self) -> FakeConnector:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        assert site._server is not None
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def service_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    # --- what tests use ------------------------------------------------------------------------

    def fail_next(
        self,
        kind: str,
        *,
        status: int,
        times: int = 1,
        retry_after: str | None = None,
        code: str = "",
    ) -> None:
        """Answer the next ``times`` calls of ``kind`` with ``status`` (and Retry-After)."""
        with self._condition:
            self._failures.setdefault(kind, []).extend(
                _Failure(status, retry_after, code) for _ in range(times)
            )

    def calls_to(self, kind: str, match: Callable[[Call], bool] | None = None) -> list[Call]:
        with self._condition:
            return [c for c in self.calls if c.kind == kind and (match is None or match(c))]

    def to(self, conversation: str) -> list[Call]:
        """Everything that reached one conversation, in order."""
        with self._condition:
            return [c for c in self.calls if c.conversation == conversation]

    def wait_for(
        self,
        kind: str,
        count: int = 1,
        *,
        match: Callable[[Call], bool] | None = None,
        timeout: float = 5.0,
    ) -> list[Call]:
        def arrived() -> list[Call]:
            return [c for c in self.calls if c.kind == kind and (match is None or match(c))]

        with self._condition:
            if not self._condition.wait_for(lambda: len(arrived()) >= count, timeout):
                seen = [(c.kind, c.conversation) for c in self.calls]
                raise AssertionError(f"{count} {kind} call(s) did not arrive; saw {seen}")
            return arrived()

    def clear(self) -> None:
        with self._condition:
            self.calls.clear()

    def answered(self, invoke: dict[str, Any], body: bytes) -> Call:
        """Record the bot's answer (the HTTP body) to ``invoke``, held to Teams' rules: one
        Teams would not show is recorded refused, with its problems."""
        text = body.decode()
        problems = teams_invoke_problems(str(invoke.get("name") or ""), text)
        answer: dict[str, Any] = {}
        if problems:
            answer = {"status": 413 if teams_too_big(problems) else 400, "problems": problems}
        conversation = str((invoke.get("conversation") or {}).get("id") or "")
        call = Call("invoke", conversation, None, json.loads(text) if text else {}, None, answer)
        with self._condition:
            self.invokes.append(call)
        return call

    # --- the fake itself -----------------------------------------------------------------------

    def _record(self, call: Call) -> None:
        with self._condition:
            self.calls.append(call)
            self._condition.notify_all()

    def _failure(self, kind: str) -> _Failure | None:
        with self._condition:
            queued = self._failures.get(kind)
            return queued.pop(0) if queued else None

    async def _activity(self, request: web.Request) -> web.Response:
        conversation = request.match_info["conversation"]
        activity_id = request.match_info.get("activity_id")
        kind = "update" if request.method == "PUT" else "reply" if activity_id else "send"
        return await self._answer(request, kind, conversation, activity_id)

    async def _create(self, request: web.Request) -> web.Response:
        return await self._answer(request, "create", "", None)

    async def _answer(
        self, request: web.Request, kind: str, conversation: str, activity_id: str | None
    ) -> web.Response:
        text = await request.text()
        body = json.loads(text)
        authorization = request.headers.get("Authorization")
        failure = self._failure(kind)
        problems = teams_activity_problems(text) if kind != "create" else []
        if failure is None and problems:
            too_big = teams_too_big(problems)
            status, code = (413, "MessageSizeTooBig") if too_big else (400, "BadArgument")
            failure = _Failure(status, None, code, "; ".join(problems))
        if failure is not None:
            refused = {"status": failure.status, "code": failure.code, "problems": problems}
            self._record(Call(kind, conversation, activity_id, body, authorization, refused))
            headers = {"Retry-After": failure.retry_after} if failure.retry_after else {}
            message = failure.message or "fake failure"
            error = {"error": {"code": failure.code or "Throttled", "message": message}}
            return web.json_response(error, status=failure.status, headers=headers)
        number = next(self._ids)
        if kind == "create":
            member = (body.get("members") or [{}])[0].get("id", "someone")
            answer = {"id": f"a:chat-{member}", "activityId": f"created{number}"}
        elif kind == "update":
            answer = {"id": activity_id}
        else:
            answer = {"id": f"activity{number}"}
        self._record(Call(kind, conversation, activity_id, body, authorization, answer))
        return web.json_response(answer, status=201 if kind == "create" else 200)
