"""The dashboard's pages under /admin/, on the bot's own web server (app/web.py).

Every request finds its session from the cookie and checks the admin role again (a role taken
away ends the session at the next click); every form carries the session's CSRF token; without
a session a page says how to sign in and shows nothing else. The core is synchronous, so each
page is built in a worker thread, like the platforms' handlers.
"""

from __future__ import annotations

import asyncio
import io
import re
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from importlib import resources
from typing import Any

import jinja2
from aiohttp import web
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app import exports
from app.dashboard import pages
from app.dashboard.packs import packs_page
from app.runtime import Runtime
from bot.awareness.commands import EDIT_FORM
from bot.conversation import (
    ActionEvent,
    Actor,
    Address,
    Event,
    Form,
    FormErrors,
    FormEvent,
    OpenForm,
    Reply,
    Update,
)
from bot.dashboard import access
from bot.packs.content import Packs
from bot.people import is_admin
from bot.volunteers import directory

COOKIE = "dashboard_session"
#: The sign-in form's own CSRF token (no session exists yet): a cookie the form must repeat.
SIGN_IN_COOKIE = "dashboard_sign_in"
PATH = "/admin/"

#: Nothing but this site's own stylesheet and images (the charts are data: images); no script.
#: No referrer, so a sign-in link's token never leaves in a Referer header; never cached.
HEADERS: Mapping[str, str] = {
    "Content-Security-Policy": (
        "default-src 'none'; img-src 'self' data:; style-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}

NAV = (
    ("/admin/", "Overview"),
    ("/admin/packs", "Packs"),
    ("/admin/awareness", "Awareness"),
    ("/admin/reports", "Reports"),
    ("/admin/people", "People"),
)
#: The People page's downloads: the rows (given the session and the packs) and columns of the
#: operators' exports.
EXPORTS: Mapping[str, tuple[Callable[[Session, Packs], Iterable[exports.Row]], Sequence[str]]] = {
    "checkins": (exports.checkin_rows, exports.CHECKIN_COLUMNS),
    "volunteers": (lambda session, _: directory.export_rows(session), directory.EXPORT_COLUMNS),
}
#: The preview's buttons a form may press (the edit button is a link to the edit page).
AWARENESS_ACTIONS = {"awareness.suppress": "don't send", "awareness.restore": "send after all"}


@dataclass(frozen=True)
class Viewer:
    """The signed-in admin and the CSRF token their forms carry."""

    address: Address
    csrf: str


@dataclass(frozen=True)
class Refused:
    """Why a request shows no data: no session (401) or not an admin any more (403)."""

    status: int
    reason: str


Build = Callable[["Dashboard", Session, Viewer, Mapping[str, str]], Mapping[str, Any]]


@web.middleware
async def _headers(request: web.Request, handler: Any) -> web.StreamResponse:
    response: web.StreamResponse = await handler(request)
    response.headers.update(HEADERS)
    return response


class Dashboard:
    """The /admin/ application: sign-in, sign-out and the pages."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.templates = jinja2.Environment(
            loader=jinja2.PackageLoader("app.dashboard", "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        self.css = (resources.files("app.dashboard") / "dashboard.css").read_bytes()
        self.app = web.Application(middlewares=[_headers])
        routes = self.app.router
        routes.add_get("/", self.page("overview.html", pages.overview))
        routes.add_get("/packs", self.page("packs.html", packs_page))
        routes.add_get("/awareness", self.page("awareness.html", pages.awareness))
        routes.add_post("/awareness/decide", self.awareness_decide)
        routes.add_get("/awareness/edit", self.awareness_edit_form)
        routes.add_post("/awareness/edit", self.awareness_edit)
        routes.add_get("/reports", self.page("reports.html", pages.reports))
        routes.add_get("/people", self.page("people.html", pages.people))
        routes.add_get("/people/{what:checkins|volunteers}.{fmt:csv|json}", self.download)
        routes.add_get("/sign-in", self.sign_in_form)
        routes.add_post("/sign-in", self.sign_in)
        routes.add_post("/sign-out", self.sign_out)
        routes.add_get("/dashboard.css", self.stylesheet)

    @property
    def secure(self) -> bool:
        return self.runtime.settings.public_base.startswith("https://")

    @property
    def idle(self) -> timedelta:
        return timedelta(minutes=self.runtime.settings.dashboard_idle_minutes)

    @property
    def longest(self) -> timedelta:
        return timedelta(hours=self.runtime.settings.dashboard_session_hours)

    def html(self, template: str, status: int = 200, **context: Any) -> web.Response:
        context.setdefault("viewer", None)
        context.setdefault("page", "")
        body = self.templates.get_template(template).render(nav=NAV, **context)
        return web.Response(text=body, status=status, content_type="text/html", charset="utf-8")

    def refused(self, refusal: Refused) -> web.Response:
        return self.html("signed_out.html", status=refusal.status, reason=refusal.reason)

    def viewer(self, session: Session, token: str) -> Viewer | Refused:
        """The admin behind this cookie, checked now; or why there is none."""
        now = self.runtime.clock.now()
        who = access.resume(session, token, now, self.idle, self.longest)
        if who is None:
            return Refused(401, "signed out")
        if not is_admin(session, self.runtime.settings, who):
            access.end(session, token, now)
            access.audit(session, who, "refused", now, "not an admin any more")
            return Refused(403, "not an admin")
        return Viewer(who, access.csrf_token(token))

    def page(self, template: str, build: Build) -> Callable[[web.Request], Any]:
        """A GET handler showing ``template`` with what ``build`` read, for admins only."""

        def work(token: str, path: str, query: Mapping[str, str]) -> web.Response:
            with self.runtime.store.session() as session:
                viewer = self.viewer(session, token)
                if isinstance(viewer, Refused):
                    return self.refused(viewer)
                context = dict(build(self, session, viewer, query))
            return self.html(template, viewer=viewer, page=path, **context)

        async def handler(request: web.Request) -> web.Response:
            token = request.cookies.get(COOKIE, "")
            return await asyncio.to_thread(work, token, request.path, dict(request.query))

        return handler

    def guard(self, token: str) -> Viewer | Refused:
        """``viewer`` in a transaction of its own, committed before the core's work begins
        (SQLite takes its write lock per transaction: nested, they would wait on each other)."""
        with self.runtime.store.session() as session:
            return self.viewer(session, token)

    async def posted(self, request: web.Request) -> tuple[Viewer | Refused | None, dict[str, str]]:
        """A form's sender and fields; None when its CSRF token is not this session's."""
        form = {k: str(v) for k, v in (await request.post()).items()}
        token = request.cookies.get(COOKIE, "")
        viewer = await asyncio.to_thread(self.guard, token)
        if isinstance(viewer, Viewer) and not access.csrf_ok(token, form.get("csrf", "")):
            return None, form
        return viewer, form

    def record(self, viewer: Viewer, action: str, detail: str) -> None:
        with self.runtime.store.session() as session:
            access.audit(session, viewer.address, action, self.runtime.clock.now(), detail)

    async def as_admin(self, viewer: Viewer, make: Callable[[Actor], Event]) -> list[Reply] | None:
        """What the core answers the admin's press or form, exactly as in chat (the same
        checks and rules); None if the request cannot be an event (too long, malformed)."""
        who = viewer.address
        try:
            event = make(Actor(platform=who.platform, tenant=who.tenant, user_id=who.id))
        except ValidationError:
            return None
        return await asyncio.to_thread(self.runtime.bot.handle, event)

    def back_to_awareness(self, month: str, anchor: str = "") -> web.Response:
        """Back to the month's page (at the post just decided): Post/Redirect/Get, so a reload
        repeats nothing."""
        first, _ = pages.month_of(month, self.runtime.clock.now().date())
        fragment = f"#{anchor}" if re.fullmatch(r"post-\d{1,4}", anchor) else ""
        return web.Response(
            status=303, headers={"Location": f"{PATH}awareness?month={first:%Y-%m}{fragment}"}
        )

    async def awareness_decide(self, request: web.Request) -> web.Response:
        """Don't send, or Send after all: the preview's buttons, pressed through the core."""
        viewer, form = await self.posted(request)
        if isinstance(viewer, Refused):
            return self.refused(viewer)
        action_id = form.get("action_id", "")
        if viewer is None or action_id not in AWARENESS_ACTIONS:
            return self.html("expired.html", status=403, what="form")
        value = form.get("value", "")
        replies = await self.as_admin(
            viewer, lambda actor: ActionEvent(actor=actor, action_id=action_id, value=value)
        )
        if replies is None:
            return self.html("expired.html", status=400, what="form")
        if any(isinstance(reply, Update) for reply in replies):
            await asyncio.to_thread(
                self.record, viewer, f"awareness: {AWARENESS_ACTIONS[action_id]}", value
            )
        return self.back_to_awareness(form.get("month", ""), form.get("anchor", ""))

    async def edit_form(self, viewer: Viewer, value: str) -> Form | None:
        """The chat's edit form for the post ``value`` names, from the core."""
        replies = await self.as_admin(
            viewer,
            lambda actor: ActionEvent(actor=actor, action_id="awareness.edit", value=value),
        )
        opened = [reply.form for reply in replies or [] if isinstance(reply, OpenForm)]
        return opened[0] if opened else None

    async def awareness_edit_form(self, request: web.Request) -> web.Response:
        viewer = await asyncio.to_thread(self.guard, request.cookies.get(COOKIE, ""))
        if isinstance(viewer, Refused):
            return self.refused(viewer)
        form = await self.edit_form(viewer, request.query.get("value", ""))
        if form is None:
            return self.html("expired.html", status=404, what="post")
        return self.edit_page(viewer, form, request.query.get("month", ""), {}, None)

    def edit_page(
        self,
        viewer: Viewer,
        form: Form,
        month: str,
        errors: Mapping[str, str],
        typed: str | None,
        status: int = 200,
    ) -> web.Response:
        return self.html(
            "edit.html",
            status=status,
            viewer=viewer,
            page=f"{PATH}awareness",
            title="Edit the post",
            form=form,
            month=month,
            errors=errors,
            typed=typed,
        )

    async def awareness_edit(self, request: web.Request) -> web.Response:
        """The edit form's words, submitted through the core (its checks and limits)."""
        viewer, form = await self.posted(request)
        if isinstance(viewer, Refused):
            return self.refused(viewer)
        if viewer is None:
            return self.html("expired.html", status=403, what="form")
        context, text = form.get("context", ""), form.get("text", "")
        replies = await self.as_admin(
            viewer,
            lambda actor: FormEvent(
                actor=actor, form_id=EDIT_FORM, context=context, values={"text": text}
            ),
        )
        errors = [reply for reply in replies or [] if isinstance(reply, FormErrors)]
        if errors or replies is None:
            shown = await self.edit_form(viewer, context)
            if shown is None:
                return self.html("expired.html", status=404, what="post")
            found = errors[0].errors if errors else {"text": "That is too long."}
            return self.edit_page(viewer, shown, form.get("month", ""), found, text, status=422)
        await asyncio.to_thread(self.record, viewer, "awareness: edited", context)
        return self.back_to_awareness(form.get("month", ""))

    async def download(self, request: web.Request) -> web.Response:
        """The check-in record or the volunteer directory (listed offers only), as
        `inclusion-bot export checkins` and `inclusion-bot volunteers export` write them."""
        what, fmt = request.match_info["what"], request.match_info["fmt"]
        rows, columns = EXPORTS[what]

        def work() -> web.Response:
            viewer = self.guard(request.cookies.get(COOKIE, ""))
            if isinstance(viewer, Refused):
                return self.refused(viewer)
            out = io.StringIO()
            with self.runtime.store.session() as session:
                exports.write(rows(session, self.runtime.need(Packs)), columns, fmt, out)
                access.audit(
                    session, viewer.address, "downloaded", self.runtime.clock.now(), f"{what}.{fmt}"
                )
            return web.Response(
                text=out.getvalue(),
                content_type="text/csv" if fmt == "csv" else "application/json",
                charset="utf-8",
                headers={"Content-Disposition": f'attachment; filename="{what}.{fmt}"'},
            )

        return await asyncio.to_thread(work)

    async def stylesheet(self, _: web.Request) -> web.Response:
        return web.Response(body=self.css, content_type="text/css", charset="utf-8")

    async def sign_in_form(self, request: web.Request) -> web.Response:
        """The link's page: a button that signs in. The token is used only by the POST, so a
        chat platform fetching the link for a preview cannot use it up."""
        csrf = secrets.token_urlsafe(24)
        response = self.html(
            "sign_in.html", token=request.query.get("token", ""), csrf=csrf, viewer=None
        )
        self._cookie(response, SIGN_IN_COOKIE, csrf)
        return response

    async def sign_in(self, request: web.Request) -> web.Response:
        form = await request.post()
        expected = request.cookies.get(SIGN_IN_COOKIE, "")
        given = str(form.get("csrf", ""))
        if not expected or not secrets.compare_digest(expected, given):
            return self.html("expired.html", status=403, what="form")
        token = str(form.get("token", ""))

        def work() -> str | None:
            now = self.runtime.clock.now()
            with self.runtime.store.session() as session:
                who = access.redeem(session, token, now)
                # Refusals are audited too (never the token): a run of them is someone trying
                # links, and the log is where an admin would look.
                if who is None:
                    access.audit(
                        session, "unknown", "sign-in refused", now, "link unknown, used or expired"
                    )
                    return None
                if not is_admin(session, self.runtime.settings, who):
                    access.audit(session, who, "sign-in refused", now, "not an admin")
                    return None
                return access.start(session, who, now)

        session_token = await asyncio.to_thread(work)
        if session_token is None:
            return self.html("expired.html", status=403, what="link")
        response = web.Response(status=303, headers={"Location": PATH})
        self._cookie(response, COOKIE, session_token)
        response.del_cookie(SIGN_IN_COOKIE, path=PATH)
        return response

    async def sign_out(self, request: web.Request) -> web.Response:
        form = await request.post()
        token = request.cookies.get(COOKIE, "")

        def work() -> bool:
            if not access.csrf_ok(token, str(form.get("csrf", ""))):
                return False
            with self.runtime.store.session() as session:
                access.end(session, token, self.runtime.clock.now())
            return True

        if not await asyncio.to_thread(work):
            return self.html("expired.html", status=403, what="form")
        response = self.html("signed_out.html", status=200, reason="signed out by you")
        response.del_cookie(COOKIE, path=PATH)
        return response

    def _cookie(self, response: web.StreamResponse, name: str, value: str) -> None:
        """HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it),
        Secure when the dashboard is served over https; gone when the browser closes."""
        response.set_cookie(
            name, value, path=PATH, httponly=True, samesite="Strict", secure=self.secure
        )


def attach(app: web.Application, runtime: Runtime) -> Dashboard:
    """Serve the dashboard at /admin/ on ``app``."""
    dashboard = Dashboard(runtime)
    app.add_subapp(PATH, dashboard.app)
    return dashboard
