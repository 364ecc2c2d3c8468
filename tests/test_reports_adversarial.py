"""Issue 11: each way found to identify a reporter or defeat their choices, reproduced.

Every test here failed on the code before the fix and passes after it. They run on SQLite and,
with TEST_DATABASE_URL, on PostgreSQL; the clock is a ManualClock; logs are captured at DEBUG
where what they hold is the point. The Slack and Teams listener findings (1, 6, the Slack DM
part of 10, case views in modals and dialogs) are tested through the platforms' fakes, in
tests/test_slack_replay.py and tests/test_teams_replay.py.
"""

from __future__ import annotations

import asyncio
import logging
import stat
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from adapters.platforms import Settings
from adapters.teams.limits import TeamsLimits
from adapters.teams.sender import TeamsSender
from adapters.teams.wiring import attach_teams, check_exposure
from app.cli import main
from app.runtime import Runtime, open_store
from app.web import Server
from bot import metrics, platforms, redaction
from bot.clock import ManualClock
from bot.config import ConfigurationError, is_loopback_url
from bot.conversation import (
    ActionEvent,
    Address,
    CommandEvent,
    FormErrors,
    FormEvent,
    FormValue,
    OpenForm,
    Say,
    text_message,
)
from bot.pledge.content import Pledge
from bot.reports.load import warn_unreceived
from bot.reports.models import CaseAudit, ReportCase, ReportHandler
from bot.reports.resources import Desk
from bot.resources import Resources
from bot.router import Bot
from bot.store import Store
from bot.store.models import OutboxMessage
from bot.text import clean
from tests.conftest import Harness
from tests.processes import clean_environment
from tests.test_reports import (
    REPORTER,
    WORDS,
    add_handler,
    as_user,
    button,
    case_of,
    count_cases,
    file_event,
    file_report,
    flat,
    follow_up,
    followup_event,
    log_text,
    make_desk,
    receipt,
    said,
    team,
)

NOTHING = "There is nothing here for you."
AFTER_ALERT = timedelta(minutes=31)  # past the longest alert delay (5-30 minutes)


@pytest.fixture
def desk() -> Desk:
    return make_desk()


@pytest.fixture
def make(
    store: Store, clock: ManualClock, settings: Settings, pledge: Pledge, desk: Desk
) -> Callable[..., Harness]:
    """A console Harness with the reports desk; no handlers unless the test adds them."""

    def build(**changes: Any) -> Harness:
        changed = settings.model_copy(update=changes)
        bot = Bot(store, clock, changed, pledge, desk)
        return Harness(Runtime(changed, store, clock, bot), clock)

    return build


def alert_everyone(h: Harness) -> None:
    """Move past the alert delay and run what is due (alerts queued and sent)."""
    h.clock.set(h.clock.now() + AFTER_ALERT)
    h.run_due()


def handler_row(store: Store, who: str) -> ReportHandler:
    address = Address.parse(who)
    with store.session() as session:
        row = session.scalar(
            select(ReportHandler).where(
                ReportHandler.platform == address.platform, ReportHandler.user_id == address.id
            )
        )
        assert row is not None
        return row


def outbox_to(store: Store) -> list[str]:
    with store.session() as session:
        return list(session.scalars(select(OutboxMessage.destination)))


# --- 2. a report with nobody to receive it ------------------------------------------------------


def test_2_report_is_refused_while_nobody_can_receive_it_and_says_nothing_of_keys(
    make: Callable[..., Harness], store: Store
) -> None:
    h = make()
    printed = flat(h.say(f"/as {REPORTER}", "/report"))
    assert "nobody has been designated to receive them" in printed
    assert "Nothing was sent" in printed and "other reporting routes" in printed
    assert "REPORTS_KEY" not in printed and "key" not in printed.lower()
    assert "Case reference" not in printed and count_cases(store) == 0
    # Without a desk at all, the would-be reporter is not sent to an admin for a key either.
    bare = Bot(store, h.clock, h.runtime.settings, h.runtime.need(Pledge))
    answer = said(bare.handle(CommandEvent(actor=as_user(REPORTER), name="report")))
    assert "REPORTS_KEY" not in answer and "administrator" not in answer


def test_2_a_kind_nobody_receives_is_not_offered_and_a_stale_form_keeps_the_words(
    make: Callable[..., Harness], store: Store
) -> None:
    h = make()
    add_handler(store, "console:bob", ["bullying"])
    opened = h.runtime.bot.handle(CommandEvent(actor=as_user(REPORTER), name="report"))
    assert isinstance(opened[0], OpenForm)
    offered = [o.value for o in opened[0].form.fields[0].options]
    assert offered == ["bullying"]
    refused = file_event(h.runtime.bot, REPORTER)  # racism: nobody receives it
    assert isinstance(refused[0], FormErrors)
    assert "Nobody can receive reports of this kind" in refused[0].errors["category"]
    assert count_cases(store) == 0


def test_2_a_handler_on_a_platform_this_deployment_does_not_serve_receives_nothing(
    make: Callable[..., Harness], store: Store
) -> None:
    """The README's own example handler is on Slack: in a console-only deployment nobody
    would ever be told, so the report must be refused rather than 'received'."""
    h = make()
    add_handler(store, "slack:T0123:U0456", ["racism"])
    printed = flat(h.say(f"/as {REPORTER}", "/report"))
    assert "nobody has been designated to receive them" in printed
    assert count_cases(store) == 0
    listed = flat(h.say("/as dina", "/report handlers"))
    assert "Nobody receives reports of: racism" in listed
    served = make(slack_bot_token="xoxb-1", slack_signing_secret="s")
    assert platforms.served(served.runtime.settings) == {"slack"}
    assert "Case reference" in said(file_event(served.runtime.bot, REPORTER))


def test_2_removing_the_last_handler_of_an_open_case_warns_and_the_next_one_is_told(
    make: Callable[..., Harness], store: Store
) -> None:
    h = make()
    add_handler(store, "console:hana", ["racism"])
    assert "Case reference" in said(file_event(h.runtime.bot, REPORTER))
    alert_everyone(h)
    assert outbox_to(store) == ["console:hana"]
    printed = flat(h.say("/as dina", "/report handlers remove console:hana"))
    assert "no longer a handler" in printed
    assert "1 open case(s) now have nobody to handle them" in printed
    h.say("/report handlers add console:jo racism")
    h.run_due()
    assert outbox_to(store) == ["console:hana", "console:jo"]
    h.say("/as jo")
    assert "R-" in flat(h.say("/report cases"))


def test_5_a_handler_added_with_nothing_to_handle_is_refused(
    make: Callable[..., Harness], store: Store
) -> None:
    h = make()
    printed = flat(h.say("/as dina", "/report handlers add console:kim"))
    assert "Say what console:kim handles" in printed
    assert "handles escalations" not in printed
    assert "None yet." in flat(h.say("/report handlers"))
    assert "console:kim handles racism and escalations." in flat(
        h.say("/report handlers add console:kim racism escalation")
    )


def test_2_leaving_out_everyone_who_would_receive_it_is_refused(
    make: Callable[..., Harness], store: Store
) -> None:
    h = make()
    hana = add_handler(store, "console:hana", ["racism"], name="Hana")
    refused = file_event(h.runtime.bot, REPORTER, exclude=[str(hana)])
    assert isinstance(refused[0], FormErrors)
    assert "you left out everyone" in refused[0].errors["exclude"]
    assert count_cases(store) == 0


def test_2_admins_are_told_at_start_up_and_in_report_handlers(
    make: Callable[..., Harness],
    store: Store,
    desk: Desk,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.reports.load")
    add_handler(store, "console:bob", ["bullying"])
    with store.session() as session:  # what the reports' registration runs at start
        warn_unreceived(session, datetime.now(UTC), settings, Resources(desk))
    assert "No handler or escalation contact receives reports of: racism" in caplog.text
    assert "bullying" not in caplog.text.split("receives reports of:")[1].split(".")[0]
    h = make()
    printed = flat(h.say("/as dina", "/report handlers"))
    assert "Nobody receives reports of: racism" in printed


def test_2_a_case_whose_handlers_were_all_removed_is_told_to_the_next_one_added(
    make: Callable[..., Harness], store: Store
) -> None:
    h = make()
    add_handler(store, "console:hana", ["racism"])
    receipt(file_report(h))
    h.say("/as dina", "/report handlers remove console:hana")
    alert_everyone(h)
    assert outbox_to(store) == []  # nobody to tell, and nobody told it was alerted
    h.say("/as dina", "/report handlers add console:ivan racism")  # the console ticks after
    printed = h.say("/as ivan", "/report cases")
    assert "console:ivan" in outbox_to(store)
    assert "racism, new" in printed


def test_2_handlers_on_another_platform_than_the_reporter_are_reached(
    make: Callable[..., Harness], store: Store
) -> None:
    h = make(slack_bot_token="xoxb-1", slack_signing_secret="s", microsoft_app_id="app")
    add_handler(store, "teams:tenant-1:29:1abcDEFghiJKLmnoPQR", ["racism"])
    add_handler(store, "slack:T0123ABCD:U0456EFGH", ["racism"])
    slack_reporter = as_user("U0999REPO", platform="slack", tenant="T0123ABCD")
    assert "Case reference" in said(file_event(h.runtime.bot, slack_reporter))
    h.clock.set(h.clock.now() + AFTER_ALERT)
    h.runtime.run_due({})  # queue only: no Slack or Teams here
    destinations = outbox_to(store)
    assert "teams:tenant-1:29:1abcDEFghiJKLmnoPQR" in destinations
    assert "slack:T0123ABCD:U0456EFGH" in destinations


# --- 3. a new case visible at once ---------------------------------------------------------------


def test_3_cases_and_trends_show_nothing_before_the_handlers_are_alerted(
    make: Callable[..., Harness], store: Store
) -> None:
    h = make()
    team(store)
    add_handler(store, "console:dina", ["racism"])  # an admin who also handles
    receipt(file_report(h))
    assert "No open cases for you." in h.say("/as hana", "/report cases")
    assert "No reports in the last twelve months." in h.say("/as dina", "/report trends")
    alert_everyone(h)
    assert "racism, new" in h.say("/as hana", "/report cases")
    assert "Racism: 2027-03: fewer than 5" in h.say("/as dina", "/report trends")


def test_3_a_case_cannot_be_opened_by_its_id_before_the_handlers_are_alerted(
    make: Callable[..., Harness], store: Store
) -> None:
    """Case ids are sequential: a handler pressing "open" on the next id as it appears would
    learn the moment of filing. Until the alert, the case is nothing, as if it did not exist."""
    h = make()
    add_handler(store, "console:hana", ["racism"])
    receipt(file_report(h))
    with store.session() as session:
        [case_id] = session.scalars(select(ReportCase.id)).all()
    press = ActionEvent(actor=as_user("hana"), action_id="report.open", value=str(case_id))
    assert WORDS not in said(h.runtime.bot.handle(press))
    assert "nothing here" in said(h.runtime.bot.handle(press)).lower()
    alert_everyone(h)
    assert WORDS in said(h.runtime.bot.handle(press))


def test_3_metrics_and_health_are_not_on_the_public_port(runtime: Runtime) -> None:
    assert runtime.settings.metrics_host == "127.0.0.1"  # loopback unless set
    server = Server(runtime)
    answers: dict[str, int] = {}

    async def main_() -> None:
        stop = asyncio.Event()
        running = asyncio.create_task(server.run(0, stop, metrics_port=0))
        for _ in range(300):
            if server.metrics_port:
                break
            await asyncio.sleep(0.01)
        try:
            async with aiohttp.ClientSession() as session:
                for name, port, path in [
                    ("public metrics", server.port, "/metrics"),
                    ("public healthz", server.port, "/healthz"),
                    ("metrics", server.metrics_port, "/metrics"),
                    ("healthz", server.metrics_port, "/healthz"),
                ]:
                    async with session.get(f"http://127.0.0.1:{port}{path}") as response:
                        answers[name] = response.status
        finally:
            stop.set()
            await asyncio.wait_for(running, 60)

    asyncio.run(main_())
    assert answers == {"public metrics": 404, "public healthz": 404, "metrics": 200, "healthz": 200}


def test_3_a_report_form_carries_no_label_of_its_own_in_the_metrics(
    make: Callable[..., Harness], store: Store
) -> None:
    h = make()
    add_handler(store, "console:hana", ["racism"])
    file_event(h.runtime.bot, REPORTER)
    exposed = metrics.exposition(store, h.clock).decode()
    event_lines = [line for line in exposed.splitlines() if line.startswith("inclusion_bot_event")]
    assert event_lines and not any("report" in line for line in event_lines)


# --- 4. exclusions undone by a new row id ---------------------------------------------------------


def test_4_an_excluded_handler_removed_and_re_added_still_cannot_read_the_case(
    make: Callable[..., Harness], store: Store
) -> None:
    h = make()
    team(store)
    hana = handler_row(store, "console:hana")
    printed = file_event(h.runtime.bot, REPORTER, exclude=[str(hana.id)])
    reference = receipt(said(printed))[0]
    assert case_of(store, reference).excluded == ["console:hana"]  # the address, not an id
    h.say("/as dina", "/report handlers remove console:hana")
    h.say("/report handlers add console:hana racism")
    alert_everyone(h)
    assert "No open cases for you." in h.say("/as hana", "/report cases")
    case_id = case_of(store, reference).id
    h.say("/as hana")
    answer = h.runtime.bot.handle(
        ActionEvent(actor=as_user("hana"), action_id="report.open", value=str(case_id))
    )
    assert said(answer) == NOTHING
    assert "console:hana" not in outbox_to(store)
    assert "racism, new" in h.say("/as ivan", "/report cases")  # the others still see it


# --- 5. removing a handler who acted on a case ---------------------------------------------------


def test_5_a_handler_who_acted_is_deactivated_and_sees_and_is_told_nothing_more(
    make: Callable[..., Harness], store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    h = make()
    team(store)
    reference, passphrase = receipt(file_report(h))
    alert_everyone(h)
    h.say("/as hana")
    h.say(button(h, "Open the case"))
    h.say(button(h, "Assign to me"))
    h.say(button(h, "Message the reporter"), "We are on it.")
    opened = button(h, "Open the case")
    printed = h.say("/as dina", "/report handlers remove console:hana")
    assert "console:hana is no longer a handler." in printed
    assert "Sorry" not in printed and "Traceback" not in log_text(caplog)
    assert NOTHING in h.say("/as hana", opened)
    assert NOTHING in h.say("/report cases")
    before = len(outbox_to(store))
    follow_up(h, REPORTER, reference, passphrase, reply="Thank you")
    alert_everyone(h)
    told = outbox_to(store)[before:]
    assert told and "console:hana" not in told
    assert handler_row(store, "console:hana").active is False  # kept: the case points at it


def test_5_removing_a_handler_from_the_command_line_gives_no_traceback(
    make: Callable[..., Harness], store: Store, tmp_path: Path, database_url: str
) -> None:
    h = make()
    team(store)
    receipt(file_report(h))
    alert_everyone(h)
    h.say("/as hana", button(h, "Open the case"))
    h.say(button(h, "Assign to me"))
    env = {"DATA_DIR": str(tmp_path), "DATABASE_URL": database_url}
    result = CliRunner().invoke(main, ["handlers", "remove", "console:hana"], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "console:hana is no longer a handler."
    listed = CliRunner().invoke(main, ["handlers", "list"], env=env).output
    assert "console:hana" not in listed and "console:ivan" in listed


# --- 7. a reference's reporter locked out by guessers ---------------------------------------------


def test_7_wrong_guesses_slow_the_guesser_never_the_case_on_the_injected_clock(
    make: Callable[..., Harness], store: Store
) -> None:
    h = make()
    team(store)
    reference, passphrase = receipt(file_report(h))
    bot = h.runtime.bot
    for _ in range(5):
        followup_event(bot, "mallory", reference, "CCCCC")
    refused = followup_event(bot, "mallory", reference, passphrase)
    assert isinstance(refused[0], FormErrors)  # the guesser is slowed down...
    assert "Too many attempts" in refused[0].errors["reference"]
    opened = followup_event(bot, REPORTER, reference, passphrase)
    assert isinstance(opened[0], Say)  # ...the reporter is not
    h.say("/clock +16m")  # the console's clock is the limiter's clock
    assert isinstance(followup_event(bot, "mallory", reference, passphrase)[0], Say)


# --- 8. what DEBUG logs hold ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "library",
    [
        "slack_sdk.web.base_client",
        "slack_bolt.App",
        "botbuilder.core",
        "botframework.connector",
        "msrest.http_logger",
        "urllib3.connectionpool",
        "aiohttp.access",
        "requests_oauthlib.oauth2_session",
        "msal.application",
    ],
)
def test_8_library_loggers_stay_at_warning_whatever_log_level_says(
    make: Callable[..., Harness], caplog: pytest.LogCaptureFixture, library: str
) -> None:
    caplog.set_level(logging.DEBUG)
    make()  # a Bot installs the redaction and quiets the libraries
    redaction.install()
    logging.getLogger(library).debug("request body: %s", WORDS)
    logging.getLogger(library).info("response body: %s", WORDS)
    assert "Quillfeather" not in log_text(caplog)
    logging.getLogger(library).warning("a warning still shows")
    assert "a warning still shows" in caplog.text


@pytest.mark.parametrize(
    "module",
    [
        "slack_sdk.web.async_base_client",
        "slack_sdk.web.base_client",
        "slack_sdk.webhook.async_client",
        "slack_bolt.AsyncApp",
    ],
)
def test_8_slack_module_loggers_have_their_own_level_so_no_debug_text_is_built(
    make: Callable[..., Harness], module: str
) -> None:
    # slack_sdk and Bolt test ``logger.level <= DEBUG`` (the logger's own level, not its
    # parents') before formatting every request and response for DEBUG; unset, it is 0.
    make()
    redaction.install()
    assert logging.getLogger(module).level >= logging.WARNING


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        ("GET /v3/conversations/a%3A1Xy2Zw3Vu4Ts5Rq6Po7Nm/activities", "1Xy2Zw3Vu4Ts5Rq6Po7Nm"),
        ("POST /v3/conversations/29%253A1abcDEF-ghiJKL_mnoPQRstu", "1abcDEF-ghiJKL_mnoPQRstu"),
        ('{"response_url": "https://hooks.slack.com/actions/T1/2/abc"}', "hooks.slack.com"),
        ("response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1%2F9%2Fx", "hooks.slack"),
        ('"trigger_id": "13345224609.738474920.8088930838d88f008e0"', "8088930838d88f008e0"),
        ("trigger_id=12345.98765.abcd2358fdea", "abcd2358fdea"),
    ],
)
def test_8_redaction_decodes_escapes_and_removes_response_urls_and_trigger_ids(
    line: str, secret: str
) -> None:
    assert secret not in redaction.redact(line)


@pytest.mark.parametrize(
    "receipt",
    [
        "r-q00c-jye4",
        "R Q00C JYE4",
        "abcde-fghij-klmno-pqrst-uvwxy",
        "ABCDE FGHIJ KLMNO PQRST UVWXY",
        "abcdefghijklmnopqrstuvwxy",
        "https://hooks.slack-gov.com/actions/T0/1/abc",
    ],
)
def test_8_a_receipt_is_redacted_however_it_was_typed(receipt: str) -> None:
    """Follow-up accepts any case, spaces or no dashes; so must the redaction."""
    assert redaction.redact(f"followup with {receipt} now") == "followup with [redacted] now"


# --- 9. TEAMS_ALLOW_UNAUTHENTICATED off loopback --------------------------------------------------


def test_9_unauthenticated_teams_refuses_to_start_unless_on_loopback(tmp_path: Path) -> None:
    exposed = Settings(_env_file=None, data_dir=tmp_path, teams_allow_unauthenticated=True)  # type: ignore[call-arg]
    assert exposed.host is None  # all interfaces by default
    with pytest.raises(ConfigurationError) as refused:
        check_exposure(exposed)
    assert "TEAMS_ALLOW_UNAUTHENTICATED" in str(refused.value) and "HOST" in str(refused.value)
    for host in ("127.0.0.1", "::1", "localhost"):
        check_exposure(exposed.model_copy(update={"host": host}))
    env = clean_environment(DATA_DIR=str(tmp_path), TEAMS_ALLOW_UNAUTHENTICATED="1", HOST="")
    result = CliRunner().invoke(main, ["run"], env=env)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "TEAMS_ALLOW_UNAUTHENTICATED=1 needs HOST=127.0.0.1" in result.output


def test_9_unauthenticated_teams_answers_and_posts_only_to_loopback(
    runtime: Runtime, store: Store, clock: ManualClock
) -> None:
    settings = runtime.settings.model_copy(
        update={"teams_allow_unauthenticated": True, "host": "127.0.0.1"}
    )
    server = Server(runtime)
    attach_teams(server, runtime.bot, settings)
    statuses: list[int] = []

    async def main_() -> None:
        stop = asyncio.Event()
        running = asyncio.create_task(server.run(0, stop, metrics_port=0))
        for _ in range(300):
            if server.metrics_port:
                break
            await asyncio.sleep(0.01)
        activity = {
            "type": "message",
            "text": "report cases",
            "serviceUrl": "https://attacker.example/",
            "from": {"id": "29:1forgedHANDLERidxyz"},
            "conversation": {"id": "a:1forgedCONVERSATION"},
        }
        try:
            async with aiohttp.ClientSession() as session:
                url = f"http://127.0.0.1:{server.port}/api/messages"
                async with session.post(url, json=activity) as response:
                    statuses.append(response.status)
        finally:
            stop.set()
            await asyncio.wait_for(running, 60)

    asyncio.run(main_())
    assert statuses == [403]

    sender = TeamsSender(None, "", store, settings, clock, TeamsLimits(clock))  # type: ignore[arg-type]
    binder = threading.Thread(target=sender.bind, args=(asyncio.new_event_loop(),))
    binder.start()
    binder.join()
    from adapters.teams import references

    handler = Address.parse("teams:tenant-1:29:1abcDEFghiJKLmnoPQR")
    references.remember(
        store,
        handler,
        {"serviceUrl": "https://attacker.example/", "conversation": {"id": "a:1xyzXYZ0123456"}},
        clock.now(),
    )
    result = sender.send(handler, text_message("A new report arrived"))
    assert not result.ok and "loopback" in (result.error or "")


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://127.0.0.1:3978/", True),
        ("http://localhost:3978", True),
        ("http://[::1]:80/", True),
        # urlsplit reads the host as 127.0.0.1; an HTTP client sends to 192.0.2.2
        ("http://192.0.2.2:18100\\@127.0.0.1:18101/", False),
        ("http://someone@127.0.0.1/", False),
        ("http://127.0.0.1%2e/", False),
        ("http://127.0.0.1 .example/", False),
        ("https://smba.trafficmanager.net/emea/", False),
        ("ftp://127.0.0.1/", False),
    ],
)
def test_9_a_service_url_counts_as_loopback_only_when_every_parser_agrees(
    url: str, allowed: bool
) -> None:
    assert is_loopback_url(url) is allowed


# --- 10. smaller ---------------------------------------------------------------------------------


def test_10_alert_delay_from_the_environment_and_at_least_a_minute(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("REPORTS_ALERT_DELAY_MINUTES", "5,30")
    assert Settings(_env_file=None, data_dir=tmp_path).reports_alert_delay_minutes == [5, 30]  # type: ignore[call-arg]
    for window in ("0,0", "1,1", "1,100000000", "10000000000,10000000000", "30,5"):
        monkeypatch.setenv("REPORTS_ALERT_DELAY_MINUTES", window)
        with pytest.raises(ValueError, match="at least 1"):
            Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    monkeypatch.setenv("REPORTS_ALERT_DELAY_MINUTES", "1,240")
    assert Settings(_env_file=None, data_dir=tmp_path).reports_alert_delay_minutes == [1, 240]  # type: ignore[call-arg]


def test_10_a_replayed_form_files_one_case(make: Callable[..., Harness], store: Store) -> None:
    h = make()
    add_handler(store, "console:hana", ["racism"])
    values: dict[str, FormValue] = {
        "category": "racism",
        "what": WORDS,
        "role": "target",
        "identify": "no",
    }
    event = FormEvent(
        actor=as_user(REPORTER), form_id="report.file", values=values, instance="V0123ABCDEF"
    )
    first = h.runtime.bot.handle(event)
    again = h.runtime.bot.handle(event)
    assert "Case reference" in said(first)
    assert "already sent" in said(again) and "Case reference" not in said(again)
    assert count_cases(store) == 1
    other = event.model_copy(update={"instance": "V0123ABCDEG"})
    assert "Case reference" in said(h.runtime.bot.handle(other))  # another form instance
    assert count_cases(store) == 2


def test_10_the_deadline_check_does_not_repeat_the_filing_time(
    make: Callable[..., Harness], store: Store
) -> None:
    h = make()
    add_handler(store, "console:hana", ["racism"])
    h.say("/clock 2027-03-01T14:32:17Z")
    reference, _ = receipt(file_report(h))
    case = case_of(store, reference)
    assert case.deadline_check_at == datetime(2027, 3, 3, 9, 0, tzinfo=UTC)  # 2 working days
    assert case.alert_at is not None and case.alert_at != case.deadline_check_at


def test_10_the_data_folder_and_database_are_private(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")  # type: ignore[call-arg]
    store = open_store(settings)
    try:
        mode = stat.S_IMODE((tmp_path / "data").stat().st_mode)
        assert mode == 0o700
        for path in (tmp_path / "data").glob("inclusion-bot.db*"):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    finally:
        store.dispose()


@pytest.mark.parametrize(
    "hidden",
    [
        *("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\U000e0041", "\U000e007f"),
        *("\u202e", "\ud800", "\udfff", "\u034f", "\u3164", "\uffa0", "\u2800", "\u17b4"),
    ],
)
def test_10_zero_width_tag_and_separator_characters_are_cleaned(hidden: str) -> None:
    assert clean(f"mocked{hidden}me") == "mockedme"
    assert clean("line\u2028two\u2029three", multiline=True) == "line\ntwo\nthree"
    assert clean("line\u2028two") == "line two"


def test_10_a_variation_selector_keeps_its_emoji_but_a_run_of_them_hides_nothing() -> None:
    assert clean("thanks \u2764\ufe0f") == "thanks \u2764\ufe0f"
    assert clean("a" + "\ufe01" * 40 + "b") == "a\ufe01b"  # one selector, not 40 hidden bytes
    assert clean("\U000e0101" * 8) == ""


# --- case work -----------------------------------------------------------------------------------


def test_case_work_assignment_outcome_closed_list_and_an_audited_reopening(
    make: Callable[..., Harness], store: Store
) -> None:
    h = make()
    team(store)
    reference, _ = receipt(file_report(h))
    alert_everyone(h)
    h.say("/as hana")
    h.say(button(h, "Open the case"))
    assert "assigned to Hana" in h.say(button(h, "Assign to me"))
    assert "racism, new, assigned to Hana" in h.say("/as ivan", "/report cases")
    status_form = h.say("/as hana", button(h, "Set status"))
    assert "Acknowledged" in status_form and "New" not in status_form  # no way back to "new"
    assert "the reporter will see it" in h.say("Closed")
    h.say("Training booked")
    assert case_of(store, reference).status == "closed"
    assert "No open cases" in h.say("/report cases")
    assert reference in h.say("/report cases closed")
    reopened = h.say(button(h, "Reopen the case"))
    assert "Status: Investigating" in reopened
    case = case_of(store, reference)
    assert case.status == "investigating" and case.closed_on is None
    with store.session() as session:
        actions = list(session.scalars(select(CaseAudit.action).order_by(CaseAudit.id)))
    assert actions[-1] == "reopened"


def test_case_work_the_receipt_of_an_identified_reporter_and_a_future_date(
    make: Callable[..., Harness], store: Store
) -> None:
    h = make()
    add_handler(store, "console:hana", ["racism"])
    named = said(file_event(h.runtime.bot, REPORTER, identify="yes"))
    assert "Nobody can find this report from your account" not in named
    assert "the people handling your report will see it" in named
    anonymous = said(file_event(h.runtime.bot, "someone-else"))
    assert "Nobody can find this report from your account" in anonymous
    # 08:00 UTC on 1 March: 2 March has begun nowhere yet (UTC+14 is at 22:00 on the 1st)
    future = file_event(h.runtime.bot, "a-third", when="2027-03-02")
    assert isinstance(future[0], FormErrors) and "still to come" in future[0].errors["when"]
    slip = file_event(h.runtime.bot, "a-fourth", when="0001-01-01")
    assert isinstance(slip[0], FormErrors) and "year-month-day" in slip[0].errors["when"]
    assert count_cases(store) == 2
    # 10:01 UTC: it is already 2 March in Kiritimati, so a reporter there may mean today
    h.clock.set(h.clock.now() + timedelta(hours=2, minutes=1))
    assert "Case reference" in said(file_event(h.runtime.bot, "in-kiribati", when="2027-03-02"))


def test_case_work_follow_up_shows_the_messages_and_status_before_asking_for_an_answer(
    make: Callable[..., Harness], store: Store
) -> None:
    h = make()
    add_handler(store, "console:hana", ["racism"])
    reference, passphrase = receipt(file_report(h))
    printed = flat(follow_up(h, REPORTER, reference, passphrase))
    assert "you will see the status and any messages" in printed
    assert "Leave this empty the first time" in printed
    assert "Status: New" in printed and "No messages yet." in printed
    assert "To answer, type /report followup again" in printed
