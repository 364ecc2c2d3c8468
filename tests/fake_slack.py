"""A fake Slack on 127.0.0.1: the Web API, response_urls and a Socket Mode socket.

It is the only fake in the Slack tests, and it sits at the network edge: the bot's real Bolt app
and real slack_sdk clients talk to it over HTTP (slack_sdk takes a base URL, the SLACK_API_URL
setting). It answers like Slack and records every call, with its parameters whether they came
form-encoded, as JSON or in the query string, so tests can read exactly what the bot sent.

Listeners ack first and call the Web API after, so a test waits for a call with ``wait_for``
(a condition variable with a deadline), never by sleeping. ``fail_next`` makes the next calls
of a method answer 429 with Retry-After, a 5xx, or an error such as channel_not_found.

With ``limits`` (SlackRateLimits) it also enforces Slack's rate limits on chat.postMessage, as
token buckets per channel and per workspace, answering 429 with a whole-second Retry-After when
one is empty; ``rate_limited`` counts those answers and ``delivered`` counts messages per channel.

It refuses what Slack refuses (tests/platform_rules.py, which cites Slack's documentation): a
message whose blocks break a Block Kit rule gets ``invalid_blocks`` (a response_url: HTTP 400
``invalid_blocks``), a view ``invalid_arguments``, whole, with the problems in
``response_metadata.messages``. Trigger ids come from ``trigger_id()``, which writes their
creation time into them, as Slack issues them with each interaction: ``views.open`` and
``views.push`` answer ``expired_trigger_id`` once one is older than 3 seconds,
``exchanged_trigger_id`` when it was used already, and ``invalid_trigger_id`` for one the fake
never issued. ``views.update`` answers ``not_found`` for a view id Slack never gave out
(one from views.open or views.push, or one a test says Slack showed: ``known_view``).
With ``enterprise_id`` it is an Enterprise Grid org-wide install: auth.test says so.

Slack checks what a modal submission is acked with, too (a view to update or push, errors by
input block): ``check_ack`` does for an ack that came back over HTTP (the test holds it), and
the fake itself for one that comes back over the Socket Mode socket; a refused ack counts in
``refused()``. ``hold`` keeps calls of a method waiting (recorded as "held:METHOD" when they
arrive) until ``release``, so a test can act while the bot waits for Slack, without sleeping.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web

from tests.platform_rules import (
    TRIGGER_LIFETIME,
    slack_ack_problems,
    slack_message_refusal,
    slack_view_problems,
)

TEAM_ID = "T1"
BOT_USER_ID = "UBOT"
BOT_ID = "B1"
#: Form fields that slack_sdk sends as JSON text inside a form-encoded body.
JSON_FIELDS = ("blocks", "attachments", "view", "metadata")
#: Methods that take a message's blocks, and those that take a view.
MESSAGE_METHODS = ("chat.postMessage", "chat.postEphemeral", "chat.update")
VIEW_METHODS = ("views.open", "views.push", "views.update", "views.publish")
TRIGGERED = ("views.open", "views.push")


@dataclass(frozen=True)
class Call:
    """One request the bot made: ``method`` is the Web API method ("chat.postMessage"),
    "response" for a POST to a response_url (``params["response_id"]`` says which one), or
    "socket.ack" for an acknowledgement that came back over the Socket Mode socket."""

    method: str
    params: dict[str, Any]
    token: str | None = None
    #: What the fake answered (for a message: its channel and ts).
    answer: dict[str, Any] = field(default_factory=dict)

    def blocks(self) -> list[dict[str, Any]]:
        """The Block Kit blocks sent (of a message, or of the view being opened/published)."""
        if "view" in self.params:
            return list(self.params["view"].get("blocks") or [])
        return list(self.params.get("blocks") or [])


@dataclass
class _Failure:
    status: int
    error: str | None
    retry_after: int | None


@dataclass
class SlackRateLimits:
    """What the fake allows chat.postMessage: per channel and per workspace (token buckets)."""

    channel_per_second: float = 1.0
    channel_burst: int = 3
    workspace_per_second: float | None = None
    #: Default: one second's worth.
    workspace_burst: int | None = None
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self._buckets: dict[str, tuple[float, float]] = {}

    def admit(self, channel: str) -> float:
        """0 and the message counted, or the seconds until it would be admitted."""
        now = self.clock()
        limits = [(f"channel:{channel}", self.channel_per_second, self.channel_burst)]
        if self.workspace_per_second:
            burst = self.workspace_burst or math.ceil(self.workspace_per_second)
            limits.append(("workspace", self.workspace_per_second, burst))
        levels = {}
        for key, rate, burst in limits:
            tokens, then = self._buckets.get(key, (float(burst), now))
            levels[key] = min(float(burst), tokens + max(0.0, now - then) * rate)
        wait = max((1 - levels[key]) / rate for key, rate, _ in limits)
        if wait > 0:
            return wait
        for key, _, _ in limits:
            self._buckets[key] = (levels[key] - 1, now)
        return 0.0


@dataclass
class FakeSlack:
    """The fake. Start and stop it on a running event loop; read and wait from any thread."""

    #: users.info answers: user id -> {"tz", "real_name", "display_name"}.
    users: dict[str, dict[str, str]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    port: int = 0
    limits: SlackRateLimits | None = None
    #: 429s answered because a limit was exceeded (not the ones ``fail_next`` asked for).
    rate_limited: int = 0
    #: Messages posted (answered ok) per channel.
    delivered: Counter[str] = field(default_factory=Counter)
    #: time.monotonic() when the last message was posted.
    last_delivered_at: float = 0.0
    #: Seconds the fake takes to answer a method (a slow users.info), as the network might.
    delays: dict[str, float] = field(default_factory=dict)
    #: An Enterprise Grid organisation the token was installed in, org-wide.
    enterprise_id: str | None = None

    def __post_init__(self) -> None:
        self._condition = threading.Condition()
        self._failures: dict[str, list[_Failure]] = {}
        self._exchanged: set[str] = set()
        self._views: set[str] = set()
        #: method -> the event its held calls wait for (see ``hold``).
        self._held: dict[str, asyncio.Event] = {}
        #: Socket Mode envelopes sent, by id: an ack is checked against what it acks.
        self._envelopes: dict[str, dict[str, Any]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._numbers = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._sockets: list[web.WebSocketResponse] = []
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{response_id}", self._response)
        app.router.add_get("/socket", self._socket)
        self.app = app

    # --- lifecycle (on the event loop) -----------------------------------------------------

    async def start(self) -> FakeSlack:
        self._loop = asyncio.get_running_loop()
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        for socket in self._sockets:
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        """The base URL for slack_sdk (SLACK_API_URL)."""
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, response_id: str) -> str:
        return f"http://127.0.0.1:{self.port}/response/{response_id}"

    # --- what tests use (from any thread) --------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        times: int = 1,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with a failure: ``status`` 429 (with
        ``retry_after``), a 5xx, or 200 with ``{"ok": false, "error": error}``."""
        with self._condition:
            self._failures.setdefault(method, []).extend(
                _Failure(status, error, retry_after) for _ in range(times)
            )

    def calls_to(self, method: str, match: Callable[[Call], bool] | None = None) -> list[Call]:
        with self._condition:
            return [c for c in self.calls if c.method == method and (match is None or match(c))]

    def wait_for(
        self,
        method: str,
        count: int = 1,
        *,
        match: Callable[[Call], bool] | None = None,
        timeout: float = 5.0,
    ) -> list[Call]:
        """Block until ``count`` calls of ``method`` (that ``match``) have arrived; return them.
        Fails the test with what did arrive if they do not come within ``timeout`` seconds."""

        def arrived() -> list[Call]:
            return [c for c in self.calls if c.method == method and (match is None or match(c))]

        with self._condition:
            if not self._condition.wait_for(lambda: len(arrived()) >= count, timeout):
                seen = [c.method for c in self.calls]
                raise AssertionError(f"{count} call(s) of {method} did not arrive; saw {seen}")
            return arrived()

    def wait_delivered(self, total: int, timeout: float) -> bool:
        """Block until ``total`` messages have been posted (False if not within ``timeout``)."""
        with self._condition:
            return self._condition.wait_for(lambda: self.delivered.total() >= total, timeout)

    def clear(self) -> None:
        with self._condition:
            self.calls.clear()

    def hold(self, method: str) -> None:
        """Keep calls of ``method`` waiting, unanswered, until ``release`` (each is recorded as
        "held:METHOD" on arrival, with its parameters)."""
        assert self._loop is not None, "start the fake first"
        self._held[method] = asyncio.Event()

    def release(self, method: str) -> None:
        """Let the held calls of ``method`` (and later ones) through."""
        event = self._held.pop(method, None)
        if event is not None and self._loop is not None:
            self._loop.call_soon_threadsafe(event.set)

    def check_ack(self, ack: Any, submitted: dict[str, Any]) -> list[str]:
        """Check a view_submission's ack that came back over HTTP as Slack would (the
        ``submitted`` view is the one the ack answers); recorded as "view_submission.ack",
        counted in ``refused()`` if Slack would not take it. Returns the problems."""
        problems = slack_ack_problems(ack, submitted)
        answer: dict[str, Any] = {"ok": not problems}
        if problems:
            answer["refused"] = problems
        self._record(Call("view_submission.ack", {"ack": ack}, answer=answer))
        return problems

    async def send_over_socket(self, envelope: dict[str, Any]) -> None:
        """Push a Socket Mode envelope to the connected client (call on the event loop)."""
        assert self._sockets, "no Socket Mode client is connected"
        self._envelopes[str(envelope.get("envelope_id"))] = envelope
        await self._sockets[-1].send_str(json.dumps(envelope))

    def socket_connected(self, timeout: float = 5.0) -> None:
        """Block until a Socket Mode client has connected and been greeted."""
        self.wait_for("socket.connect", timeout=timeout)

    @staticmethod
    def trigger_id(label: str = "", age: float = 0.0) -> str:
        """A trigger id issued ``age`` seconds ago (wall clock, so another process can check
        it): its creation time in milliseconds, then ``label`` (tests find calls by it)."""
        created = int((time.time() - age) * 1000)
        return f"{created}.{label}"

    def known_view(self, view_id: str) -> None:
        """A view Slack is showing (a modal a test submits or presses a button in)."""
        with self._condition:
            self._views.add(view_id)

    def refused(self) -> list[Call]:
        """Calls refused for breaking a documented rule (never the ones ``fail_next`` asked)."""
        with self._condition:
            return [c for c in self.calls if c.answer.get("refused")]

    # --- the fake itself -------------------------------------------------------------------

    def _refusal(self, method: str, params: dict[str, Any]) -> dict[str, Any] | None:
        """Slack's answer to a payload it refuses, or None."""
        if method in MESSAGE_METHODS:
            error, problems = slack_message_refusal(params)
            if error:
                return {"ok": False, "error": error, "refused": problems}
        if method in VIEW_METHODS:
            problems = slack_view_problems(params.get("view"))
            if problems:
                return {"ok": False, "error": "invalid_arguments", "refused": problems}
        if method == "views.update":
            # https://api.slack.com/methods/views.update: view_id or external_id; an id of no
            # view Slack shows is "not_found".
            with self._condition:
                if str(params.get("view_id")) not in self._views:
                    return {"ok": False, "error": "not_found"}
        if method in TRIGGERED:
            trigger = str(params.get("trigger_id", ""))
            created, _, _ = trigger.partition(".")
            if not created.isdigit():
                return {"ok": False, "error": "invalid_trigger_id"}
            if time.time() - int(created) / 1000 > TRIGGER_LIFETIME:
                return {"ok": False, "error": "expired_trigger_id"}
            with self._condition:
                if trigger in self._exchanged:
                    return {"ok": False, "error": "exchanged_trigger_id"}
                self._exchanged.add(trigger)
        return None

    def _record(self, call: Call) -> None:
        with self._condition:
            self.calls.append(call)
            if call.method == "chat.postMessage" and call.answer.get("ok"):
                self.delivered[str(call.params.get("channel"))] += 1
                self.last_delivered_at = time.monotonic()
            self._condition.notify_all()

    def _failure(self, method: str) -> _Failure | None:
        with self._condition:
            queued = self._failures.get(method)
            return queued.pop(0) if queued else None

    @staticmethod
    async def _params(request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        text = await request.text()
        if request.content_type == "application/json" and text:
            params.update(json.loads(text))
        elif text:
            params.update(parse_qsl(text, keep_blank_values=True))
            for name in JSON_FIELDS:
                if isinstance(params.get(name), str) and params[name][:1] in "[{":
                    params[name] = json.loads(params[name])
        return params

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        authorization = request.headers.get("Authorization", "")
        token = authorization.removeprefix("Bearer ") or params.get("token")
        if self.delays.get(method):
            await asyncio.sleep(self.delays[method])
        held = self._held.get(method)
        if held is not None:
            self._record(Call(f"held:{method}", params, token))
            await held.wait()
        failure = self._failure(method)
        if failure is None and method == "chat.postMessage" and self.limits is not None:
            with self._condition:
                wait = self.limits.admit(str(params.get("channel")))
                if wait:
                    self.rate_limited += 1
            if wait:
                headers = {"Retry-After": str(max(1, math.ceil(wait)))}
                return web.json_response(
                    {"ok": False, "error": "ratelimited"}, status=429, headers=headers
                )
        if failure is None:
            refusal = self._refusal(method, params)
            if refusal is not None:
                self._record(Call(method, params, token, refusal))
                messages = refusal.get("refused", [])
                body = {k: v for k, v in refusal.items() if k != "refused"}
                return web.json_response({**body, "response_metadata": {"messages": messages}})
            answer = self._answer(method, params)
            self._record(Call(method, params, token, answer))
            return web.json_response(answer)
        if failure.status == 429:
            answer = {"ok": False, "error": "ratelimited"}
            self._record(Call(method, params, token, answer))
            headers = {"Retry-After": str(failure.retry_after or 1)}
            return web.json_response(answer, status=429, headers=headers)
        if failure.status >= 500:
            self._record(Call(method, params, token, {"status": failure.status}))
            return web.Response(status=failure.status, text="Internal Server Error")
        answer = {"ok": False, "error": failure.error or "fatal_error"}
        self._record(Call(method, params, token, answer))
        return web.json_response(answer)

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        number = next(self._numbers)
        ts = f"{1_700_000_000 + number}.{number:06d}"
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://fake.slack.test/",
                "team": "Fake",
                "team_id": None if self.enterprise_id else TEAM_ID,
                "enterprise_id": self.enterprise_id,
                "user": "inclusion-bot",
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
                "is_enterprise_install": self.enterprise_id is not None,
            }
        if method == "users.info":
            user = params.get("user", "")
            known = self.users.get(user)
            if known is None:
                return {"ok": False, "error": "user_not_found"}
            return {
                "ok": True,
                "user": {
                    "id": user,
                    "team_id": TEAM_ID,
                    "name": user.lower(),
                    "real_name": known.get("real_name", ""),
                    "tz": known.get("tz"),
                    "profile": {
                        "real_name": known.get("real_name", ""),
                        "display_name": known.get("display_name", ""),
                    },
                },
            }
        if method == "chat.postMessage":
            channel = str(params.get("channel", ""))
            if channel.startswith("U"):  # a user id: Slack posts in the DM with them
                channel = "D" + channel[1:]
            message = {"type": "message", "text": params.get("text"), "ts": ts}
            return {"ok": True, "channel": channel, "ts": ts, "message": message}
        if method == "chat.update":
            return {"ok": True, "channel": params.get("channel"), "ts": params.get("ts")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": ts}
        if method in ("views.open", "views.publish", "views.update", "views.push"):
            view = dict(params.get("view") or {})
            view_id = str(params["view_id"]) if method == "views.update" else f"V{number}"
            view.update({"id": view_id, "team_id": TEAM_ID, "hash": f"h{number}"})
            self.known_view(view_id)
            return {"ok": True, "view": view}
        if method == "apps.connections.open":
            return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"}
        return {"ok": False, "error": "unknown_method"}

    async def _response(self, request: web.Request) -> web.Response:
        params = await self._params(request)
        params["response_id"] = request.match_info["response_id"]
        error, problems = slack_message_refusal(params, api=False)
        if error:
            self._record(Call("response", params, answer={"ok": False, "refused": problems}))
            return web.Response(status=400, text=error)
        self._record(Call("response", params, answer={"ok": True}))
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_str(
            json.dumps({"type": "hello", "num_connections": 1, "debug_info": {"host": "fake"}})
        )
        self._record(Call("socket.connect", {}))
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                ack = json.loads(message.data)
                acked = self._envelopes.get(str(ack.get("envelope_id")), {}).get("payload") or {}
                answer: dict[str, Any] = {}
                if acked.get("type") == "view_submission":
                    problems = slack_ack_problems(ack.get("payload"), acked.get("view"))
                    answer = {"refused": problems} if problems else {}
                self._record(Call("socket.ack", ack, answer=answer))
        return socket
