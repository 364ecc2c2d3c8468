"""The real web server with the dashboard, in-process on a free port, for the dashboard's HTTP
and browser tests; and a small cookie-aware HTTP client that shows every header it gets."""

from __future__ import annotations

import asyncio
import http.client
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from app.runtime import Runtime
from app.web import Server
from bot.conversation import Address
from bot.dashboard.access import issue_link
from tests.event_loop import Loop


@contextmanager
def serving(runtime: Runtime, loop: Loop) -> Iterator[str]:
    """The server listening on a free port (beside a console, so it does not tick: the test's
    clock decides everything); yields its base URL."""
    server = Server(runtime)
    stop = asyncio.Event()
    running = asyncio.run_coroutine_threadsafe(
        server.run(0, stop, metrics_port=0, beside_console=True), loop.loop
    )
    for _ in range(200):
        if server.port is not None or running.done():
            break
        loop.run(asyncio.sleep(0.02))  # waiting for the socket to be bound, not for time
    assert server.port is not None, running.exception()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        loop.loop.call_soon_threadsafe(stop.set)
        running.result(10)


def link_token(runtime: Runtime, who: str) -> str:
    """A fresh sign-in token for ``who``, as /dashboard makes one."""
    with runtime.store.session() as session:
        return issue_link(session, Address.parse(who, kind="user"), runtime.clock.now())


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: str

    def cookie(self, name: str) -> str | None:
        """The Set-Cookie header for ``name``, as sent."""
        for header in self.headers.get_all("Set-Cookie") or []:
            if header.startswith(f"{name}="):
                return header
        return None

    def field(self, name: str) -> str:
        """A hidden field's value in the page's (first) form with it."""
        found = re.search(rf'name="{name}" value="([^"]*)"', self.body)
        assert found, f"no {name} field in:\n{self.body}"
        return found.group(1)


@dataclass
class Browser:
    """Cookies kept between requests, as a browser would (path /admin/ only)."""

    base: str
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Response:
        host = self.base.removeprefix("http://")
        connection = http.client.HTTPConnection(host, timeout=10)
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        raw = connection.getresponse()
        response = Response(raw.status, raw.headers, raw.read().decode("utf-8"))
        connection.close()
        for header in raw.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, form: dict[str, str]) -> Response:
        return self.request("POST", path, form)

    def sign_in(self, token: str) -> Response:
        page = self.get(f"/admin/sign-in?token={token}")
        return self.post("/admin/sign-in", {"token": token, "csrf": page.field("csrf")})
