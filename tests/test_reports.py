"""Anonymous reports (issue 6): what a reporter leaves behind, the receipt and follow-up,
routing, case work, access, deadlines, encryption, retention, bad input and redaction.

Most tests drive the real console chat (the Harness) against a real database: SQLite by
default, PostgreSQL when TEST_DATABASE_URL is set. The clock is a ManualClock; the reports
desk gets a seeded random generator (alert delays) and a follow-up limiter on that clock.
"""

from __future__ import annotations

import base64
import json
import logging
import random
import re
import stat
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from cryptography.fernet import Fernet
from pydantic import ValidationError
from sqlalchemy import func, select, text

import content
from adapters.platforms import Settings
from app.cli import main
from app.runtime import Runtime
from bot.clock import ManualClock
from bot.conversation import (
    ActionEvent,
    ActionsBlock,
    Actor,
    Address,
    CommandEvent,
    Form,
    FormErrors,
    FormEvent,
    FormValue,
    OpenForm,
    Reply,
    Say,
    TextBlock,
)
from bot.pledge.content import Pledge
from bot.redaction import REDACTED, redact
from bot.reports import registry
from bot.reports.intake import ROLES
from bot.reports.models import CaseAudit, CaseMessage, ReportCase
from bot.reports.resources import Desk, load_categories
from bot.reports.secrets import Vault, VaultError, new_key
from bot.router import Bot
from bot.store import Store
from bot.store.models import OutboxMessage
from tests.conftest import Harness, fresh_store

KEY = new_key()
CATEGORIES = load_categories(content.path("report_categories.yaml"))
REPORTER = "zz-reporter-7f3a"
WORDS = "Quillfeather mocked my accent in the Thursday retro and the room laughed"
MARKUP = "<!channel> <@U123> @everyone [x](https://evil.example)"
NOTHING = "There is nothing here for you."
NOT_FOUND = "No case matches that reference and passphrase."
SETTING_NAMES = [name.upper() for name in Settings.model_fields]
RECEIPT = re.compile(
    r"Case reference: (R-[0-9A-Z]{4}-[0-9A-Z]{4}).*?Passphrase: ([0-9A-Z]{5}(?:-[0-9A-Z]{5}){4})",
    re.DOTALL,
)

# --- building blocks ------------------------------------------------------------------------


def make_desk(*keys: str, seed: int = 7) -> Desk:
    return Desk(Vault.from_keys(list(keys) or [KEY]), CATEGORIES, rng=random.Random(seed))


@pytest.fixture
def desk() -> Desk:
    return make_desk()


@pytest.fixture
def make(
    store: Store, clock: ManualClock, settings: Settings, pledge: Pledge, desk: Desk
) -> Callable[..., Harness]:
    """A console Harness on a Bot with the reports desk and, unless ``staffed=False``, the
    team below (a report with nobody to receive it is refused); keyword arguments change
    settings."""

    def build(staffed: bool = True, **changes: Any) -> Harness:
        if staffed:
            team(store)
        changed = settings.model_copy(update=changes)
        bot = Bot(store, clock, changed, pledge, desk)
        return Harness(Runtime(changed, store, clock, bot), clock)

    return build


def add_handler(
    store: Store, who: str, categories: list[str], *, escalation: bool = False, name: str = ""
) -> int:
    with store.session() as session:
        return registry.add(session, Address.parse(who), categories, escalation, name).id


def team(store: Store) -> None:
    """Hana and Ivan handle racism, Bob bullying; Esme is the escalation contact."""
    add_handler(store, "console:hana", ["racism"], name="Hana")
    add_handler(store, "console:ivan", ["racism"], name="Ivan")
    add_handler(store, "console:bob", ["bullying"], name="Bob")
    add_handler(store, "console:esme", [], escalation=True, name="Esme")


def fill(h: Harness, answers: dict[str, str]) -> str:
    """Answer the open console form field by field (by field name; Enter for the rest)."""
    printed = ""
    me = h.chat.speaker.user_id
    for _ in range(12):
        pending = h.chat.forms.get(me)
        if pending is None:
            return printed
        printed += h.say(answers.get(pending.queue[0].name, ""))
    raise AssertionError(f"the form kept asking:\n{printed}")


def file_report(h: Harness, who: str = REPORTER, **answers: str) -> str:
    """``/report`` in the console as ``who``; the output after the ``/as`` line."""
    h.say(f"/as {who}")
    values = {"category": "Racism", "what": WORDS, "role": "It happened to me", **answers}
    return h.say("/report") + fill(h, values)


def receipt(printed: str) -> tuple[str, str]:
    found = RECEIPT.search(printed)
    assert found, printed
    return found.group(1), found.group(2)


def follow_up(h: Harness, who: str, reference: str, passphrase: str, reply: str = "") -> str:
    h.say(f"/as {who}")
    answers = {"reference": reference, "passphrase": passphrase, "reply": reply}
    return h.say("/report followup") + fill(h, answers)


def button(h: Harness, label: str) -> str:
    """The number of the most recent console button with this label."""
    numbers = [n for n, b in h.chat.book.buttons.items() if b.label == label]
    assert numbers, f"no button {label!r}"
    return str(max(numbers))


def as_user(who: str, platform: str = "console", tenant: str = "", name: str = "") -> Actor:
    return Actor(platform=platform, tenant=tenant, user_id=who, display_name=name or who)


def file_event(bot: Bot, who: Actor | str, **values: FormValue) -> list[Reply]:
    form: dict[str, FormValue] = {
        "category": "racism",
        "what": WORDS,
        "role": "target",
        "identify": "no",
        **values,
    }
    actor = who if isinstance(who, Actor) else as_user(who)
    return bot.handle(FormEvent(actor=actor, form_id="report.file", values=form))


def followup_event(bot: Bot, who: str, reference: str, passphrase: str) -> list[Reply]:
    values: dict[str, FormValue] = {"reference": reference, "passphrase": passphrase}
    return bot.handle(FormEvent(actor=as_user(who), form_id="report.followup", values=values))


def said(replies: list[Reply]) -> str:
    return "\n".join(r.message.plain_text() for r in replies if isinstance(r, Say))


def database_text(store: Store) -> str:
    """Everything the database holds, as text: the SQLite files' raw bytes (with the -wal
    and -shm files), or every PostgreSQL table's rows via SELECT * (a dump without pg_dump)."""
    if store.dialect == "sqlite":
        path = Path(str(store.engine.url.database))
        files = sorted(path.parent.glob(path.name + "*"))
        assert path in files
        return "".join(f.read_bytes().decode("latin-1") for f in files)
    parts = []
    with store.engine.connect() as connection:
        tables = connection.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        ).scalars()
        for table in list(tables):
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                parts.append(f"{table}: " + " | ".join(str(value) for value in row))
    return "\n".join(parts)


def outbox_text(store: Store) -> str:
    with store.session() as session:
        rows = session.scalars(select(OutboxMessage)).all()
        return json.dumps(
            [[r.idempotency_key, r.destination, r.payload, str(r.created_at)] for r in rows]
        )


def log_text(caplog: pytest.LogCaptureFixture) -> str:
    return caplog.text + "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)


def flat(printed: str) -> str:
    """Console output with its line wrapping undone, to look for whole sentences."""
    return " ".join(printed.split())


def bot_output(printed: str) -> str:
    """What the bot printed, without the console's own "(you are now NAME)" lines."""
    return "\n".join(line for line in printed.splitlines() if not line.startswith("(you are"))


def sealed_times(store: Store) -> list[int]:
    """The time written (unencrypted) into every sealed value in the database."""
    with store.session() as session:
        tokens = [
            *session.scalars(select(ReportCase.content)),
            *session.scalars(select(ReportCase.outcome)),
            *session.scalars(select(CaseMessage.body)),
        ]
    return [int.from_bytes(base64.urlsafe_b64decode(t)[1:9], "big") for t in tokens if t]


def case_of(store: Store, reference: str) -> ReportCase:
    with store.session() as session:
        case = session.scalar(select(ReportCase).where(ReportCase.reference == reference))
        assert case is not None
        return case


def count_cases(store: Store) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(ReportCase)) or 0


# --- the done-when proof: nothing of the reporter is kept ----------------------------------


def test_a_reporter_leaves_no_trace_in_the_database_logs_or_outbox(
    make: Callable[..., Harness], store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")  # every statement, its values
    h = make()
    add_handler(store, "console:hana", ["racism"], name="Hana")
    h.say("/clock 2027-03-01T10:17Z")
    printed = file_report(h, where="The Thursday retro, room 4")
    reference, passphrase = receipt(printed)
    printed += h.say("/clock 2027-03-01T11:00Z")  # the delayed alert reaches Hana
    assert "bot → hana (direct message):" in printed
    printed += h.say("/as hana", button(h, "Open the case"))
    assert WORDS in printed  # the handler reads the report, decrypted
    printed += follow_up(h, REPORTER, reference, passphrase, reply="It happened again today")
    assert "Your answer was sent to the people handling your report." in printed
    printed += h.say("/clock 2027-03-01T12:00Z")
    assert f"The reporter of case {reference} has written again." in printed

    dump = database_text(store)
    assert reference in dump and "report_cases" in dump  # the dump holds the case
    for secret in (REPORTER, "Quillfeather", "room 4", "It happened again", passphrase):
        assert secret not in dump, secret
    assert "10:17:" not in dump  # the minute it was filed is nowhere, only the date
    assert sealed_times(store) == [0, 0]  # nor in the encrypted tokens' own timestamps
    logs = log_text(caplog)
    assert "INSERT INTO report_cases" in logs  # SQL was captured, so absence means something
    for secret in (REPORTER, "Quillfeather", "room 4", "It happened again", passphrase):
        assert secret not in logs, secret
    outbox = outbox_text(store)
    assert "hana" in outbox
    for secret in (REPORTER, "Quillfeather", "It happened again"):
        assert secret not in outbox, secret
    assert REPORTER not in bot_output(printed)


def test_an_identified_reporter_is_named_to_handlers_and_sealed_in_the_database(
    make: Callable[..., Harness], store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    h = make()
    add_handler(store, "console:hana", ["racism"], name="Hana")
    printed = file_report(h, identify="2")  # "Yes, they may know it is me"
    reference, _ = receipt(printed)
    alert = h.say("/clock +31m")
    assert REPORTER not in alert  # the alert names nobody, whatever the choice
    view = h.say("/as hana", button(h, "Open the case"))
    assert f"reporter: {REPORTER} (console:{REPORTER})" in view
    assert reference in database_text(store)
    assert REPORTER not in database_text(store)
    assert REPORTER not in log_text(caplog)
    assert REPORTER not in outbox_text(store)


def test_a_slack_reporters_user_team_and_name_are_not_stored(
    make: Callable[..., Harness], store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    h = make()
    add_handler(store, "slack:T0HANDLERS:U0HANDLER1", ["racism"], name="Hana")
    reporter = as_user("U0ZZREPORT9", platform="slack", tenant="T0ZZTEAM42", name="Zed Zebrafish")
    replies = file_event(h.runtime.bot, reporter)
    assert "Case reference" in said(replies)
    h.tick_at(datetime(2027, 3, 1, 9, 0, tzinfo=UTC))  # the alert is queued for Hana
    assert "slack:T0HANDLERS:U0HANDLER1" in outbox_text(store)
    dump, logs = database_text(store), log_text(caplog)
    for secret in ("U0ZZREPORT9", "T0ZZTEAM42", "Zed Zebrafish", "Quillfeather"):
        assert secret not in dump, secret
        assert secret not in logs, secret


# --- the receipt and follow-up --------------------------------------------------------------


def test_the_receipt_is_private_shown_once_and_opens_the_case_however_it_is_typed(
    make: Callable[..., Harness], store: Store
) -> None:
    h = make()
    add_handler(store, "console:hana", ["racism"], name="Hana")
    printed = file_report(h)
    assert "bot (only you can see this):" in printed
    reference, passphrase = receipt(printed)
    h.say("/clock +31m", "/as hana")
    h.say(button(h, "Open the case"))
    h.say(button(h, "Acknowledge"))
    h.say(button(h, "Message the reporter"), "Thank you. Which team was it in?")
    h.say(button(h, "Add a private note"), "Check the retro notes for 4 March")

    typed_ref = reference.lower().replace("-", " ")  # "r abcd efgh"
    typed_pass = passphrase.lower().replace("-", "")
    printed = follow_up(h, REPORTER, typed_ref, typed_pass, reply="The platform team.")
    assert f"Case {reference}" in printed
    assert "Status: Acknowledged." in printed
    assert "Thank you. Which team was it in?" in printed  # the handler's message
    assert "retro notes" not in printed  # a private note stays private
    assert "Your answer was sent to the people handling your report." in printed
    assert passphrase not in printed  # shown once, at filing only
    again = follow_up(h, REPORTER, reference[2:], passphrase)  # no "R-" either
    assert "The platform team." in again and "You wrote" in again

    h.say("/clock +31m")
    view = h.say("/as hana", button(h, "Open the case"))
    assert "From the reporter" in view and "The platform team." in view
    assert "Private note" in view and "retro notes" in view
    replies = file_event(h.runtime.bot, "rosa")
    assert len(replies) == 1 and isinstance(replies[0], Say) and replies[0].ephemeral


def test_a_wrong_reference_and_a_wrong_passphrase_get_the_same_answer(
    make: Callable[..., Harness],
) -> None:
    h = make()
    reference, passphrase = receipt(file_report(h))
    bot = h.runtime.bot
    wrong_ref = followup_event(bot, "rosa", "R-0000-0000", passphrase)
    wrong_pass = followup_event(bot, "tom", reference, "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA")
    assert wrong_ref == wrong_pass
    assert isinstance(wrong_ref[0], FormErrors)
    assert set(wrong_ref[0].errors.values()) == {NOT_FOUND}
    # In the console both answers are asked again, so a mistyped passphrase can be fixed.
    h.say("/as uma", "/report followup")
    printed = h.say(reference, "not the passphrase", "")
    assert NOT_FOUND in printed
    assert [f.name for f in h.chat.forms["uma"].queue] == ["reference", "passphrase"]
    printed = h.say(reference, passphrase)
    assert f"Case {reference}" in printed


def test_repeated_wrong_guesses_are_refused_for_fifteen_minutes(
    make: Callable[..., Harness], clock: ManualClock
) -> None:
    h = make()
    reference, passphrase = receipt(file_report(h))
    bot = h.runtime.bot
    for _ in range(5):
        assert said(followup_event(bot, "mallory", reference, "BBBBB-BBBBB")) == ""
    refused = followup_event(bot, "mallory", reference, passphrase)
    assert isinstance(refused[0], FormErrors)
    assert "Too many attempts" in refused[0].errors["reference"]
    clock.set(clock.now().replace(minute=14))  # 14 minutes on: still refused
    assert isinstance(followup_event(bot, "mallory", reference, passphrase)[0], FormErrors)
    clock.set(clock.now().replace(minute=16))
    assert f"Case {reference}" in said(followup_event(bot, "mallory", reference, passphrase))


def test_guesses_against_one_reference_never_lock_its_reporter_out(
    make: Callable[..., Harness],
) -> None:
    h = make()
    reference, passphrase = receipt(file_report(h))
    bot = h.runtime.bot
    spellings = [reference, reference[2:], reference.lower(), reference[2:].replace("-", " ")]
    for number in range(10):  # ten people, each guessing once, in different spellings
        followup_event(bot, f"guesser{number}", spellings[number % 4], "CCCCC")
    opened = followup_event(bot, REPORTER, reference, passphrase)
    assert isinstance(opened[0], Say) and "Status: New." in said(opened)


# --- routing --------------------------------------------------------------------------------


def test_handlers_are_alerted_after_the_delay_minus_the_excluded(
    make: Callable[..., Harness], store: Store
) -> None:
    h = make()
    team(store)
    printed = file_report(h, exclude="Ivan")  # at 08:00
    reference, _ = receipt(printed)
    assert "bot →" not in h.say("/clock +4m")  # the window is 5 to 30 minutes
    alert = h.say("/clock 2027-03-01T08:30Z")
    assert "bot → hana (direct message):" in alert
    assert f"A new report arrived on Monday 1 March 2027: case {reference}." in alert
    assert "racism" not in alert  # what it is about stays in the case, out of chat history
    assert "Quillfeather" not in alert
    for other in ("ivan", "bob", "esme"):
        assert f"bot → {other}" not in alert
    # Ivan, excluded, sees nothing: not in his list, not with the button Hana got.
    listed = h.say("/as ivan", "/report cases")
    assert reference not in listed and "No open cases for you." in listed
    assert NOTHING in h.say(button(h, "Open the case"))
    later = h.say("/clock 2027-03-03T09:00Z", "/clock 2027-03-08T09:00Z")  # reminder, escalation
    assert "bot → hana (direct message):" in later
    assert "bot → esme (direct message):" in later
    assert "bot → ivan" not in later


def test_with_every_category_handler_excluded_the_escalation_contacts_get_it(
    make: Callable[..., Harness], store: Store
) -> None:
    h = make()
    team(store)
    reference, _ = receipt(file_report(h, exclude="Hana, Ivan"))
    alert = h.say("/clock +31m")
    assert "bot → esme (direct message):" in alert and reference in alert
    for other in ("hana", "ivan", "bob"):
        assert f"bot → {other}" not in alert
    assert NOTHING in h.say("/as hana", button(h, "Open the case"))
    assert WORDS in h.say("/as esme", button(h, "Open the case"))


def test_a_handlers_channel_gets_the_alert_unless_someone_was_excluded(
    make: Callable[..., Harness], store: Store
) -> None:
    h = make(reports_handlers_channel="console:#handlers")
    team(store)
    first, _ = receipt(file_report(h))
    alert = h.say("/clock +31m")
    assert "bot → #handlers (channel):" in alert and first in alert
    assert "(direct message)" not in alert and "Quillfeather" not in alert
    # An excluded handler may read the channel: that case's alerts go by direct message.
    second, _ = receipt(file_report(h, exclude="Ivan"))
    alert = h.say("/clock +31m")
    assert "(channel)" not in alert and second in alert
    assert "bot → hana (direct message):" in alert and "bot → ivan" not in alert


# --- case work and the audit log -------------------------------------------------------------


def test_case_work_from_chat_is_audited_and_the_reporters_entries_keep_only_a_date(
    make: Callable[..., Harness], store: Store
) -> None:
    h = make()
    team(store)
    h.say("/clock 2027-03-01T10:17Z")
    reference, passphrase = receipt(file_report(h))
    h.say("/clock 2027-03-01T11:00Z", "/as hana")
    view = h.say(button(h, "Open the case"))
    assert "Status: New; not assigned." in view and "the reporter chose to stay anonymous" in view
    assert "Status: Acknowledged; not assigned." in h.say(button(h, "Acknowledge"))
    assert "Status: Acknowledged; assigned to Hana." in h.say(button(h, "Assign to me"))
    h.say(button(h, "Message the reporter"), "We have started looking into it.")
    h.say(button(h, "Add a private note"), "Quillfeather's manager is on leave")
    printed = h.say(button(h, "Set status"), "Closed", "")
    assert "Say what the outcome was before closing the case." in printed
    assert case_of(store, reference).status == "acknowledged"
    printed = h.say("Training booked; a formal warning given")
    assert "Status: Closed; assigned to Hana." in printed
    assert "Outcome: Training booked" in printed
    h.say("/clock 2027-03-02T15:45Z")
    seen = follow_up(h, REPORTER, reference, passphrase)
    assert "Status: Closed." in seen and "We have started looking into it." in seen
    assert "Outcome: Training booked; a formal warning given" in seen
    assert "on leave" not in seen

    case = case_of(store, reference)
    assert case.assignee_id is not None and case.closed_on == date(2027, 3, 1)
    assert sealed_times(store) == [0, 0, 0, 0]  # content, outcome, message, note: undated
    with store.session() as session:
        audit = session.execute(
            select(CaseAudit.actor, CaseAudit.action, CaseAudit.at).order_by(CaseAudit.id)
        ).all()
    at_11 = datetime(2027, 3, 1, 11, 0, tzinfo=UTC)
    assert [tuple(row) for row in audit] == [
        ("reporter", "filed", datetime(2027, 3, 1, tzinfo=UTC)),
        ("console:hana", "viewed", at_11),
        ("console:hana", "acknowledged", at_11),
        ("console:hana", "assigned to self", at_11),
        ("console:hana", "messaged the reporter", at_11),
        ("console:hana", "added a note", at_11),
        ("console:hana", "status: closed", at_11),
        ("reporter", "followed up", datetime(2027, 3, 2, tzinfo=UTC)),
    ]


# --- access control and trends --------------------------------------------------------------


def test_only_a_cases_handlers_can_open_it(make: Callable[..., Harness], store: Store) -> None:
    h = make()
    team(store)
    reference, _ = receipt(file_report(h))
    h.say("/clock +31m")
    listed = h.say("/as hana", "/report cases")
    assert f"{reference}: racism, new" in listed
    number = button(h, f"Open {reference}")
    assert NOTHING in h.say("/as dina", number)  # an admin, not a handler
    assert NOTHING in h.say("/report cases")
    assert NOTHING in h.say("/as mallory", number)  # anyone else
    assert NOTHING in h.say("/as bob", number)  # a handler of another category
    case_id = case_of(store, reference).id
    bot = h.runtime.bot
    for value in (str(case_id), "999999", "1 OR 1=1", "-1"):
        forged = ActionEvent(actor=as_user("mallory"), action_id="report.ack", value=value)
        assert said(bot.handle(forged)) == NOTHING
    forged_form = FormEvent(
        actor=as_user("dina"),
        form_id="report.message",
        context=str(case_id),
        values={"text": "hello"},
    )
    assert said(bot.handle(forged_form)) == NOTHING
    assert "Only admins can do that." in h.say("/as mallory", "/report trends")
    assert WORDS in h.say("/as esme", button(h, f"Open {reference}"))  # escalation contact
    with store.session() as session:
        viewers = session.scalars(select(CaseAudit.actor).where(CaseAudit.action == "viewed")).all()
    assert viewers == ["console:esme"]


def test_admins_manage_handlers_in_chat(make: Callable[..., Harness]) -> None:
    h = make(staffed=False)
    h.say("/as dina")
    assert "console:hana handles racism, bullying." in h.say(
        "/report handlers add console:hana racism,bullying"
    )
    assert "Unknown category" in h.say("/report handlers add console:ivan racsim")
    assert "console:hana: bullying, racism" in h.say("/report handlers")
    assert "console:hana is no longer a handler." in h.say("/report handlers remove console:hana")
    assert "Only admins can do that." in h.say("/as hana", "/report handlers")


def test_trends_show_counts_of_five_or_more_and_hide_smaller_ones(
    make: Callable[..., Harness],
) -> None:
    h = make()
    bot = h.runtime.bot
    for number in range(5):
        file_event(bot, f"person{number}")
    for number in range(2):
        file_event(bot, f"other{number}", category="bullying")
    h.say("/clock +31m")  # trends count what handlers have been told of
    printed = h.say("/as dina", "/report trends")
    assert "Racism: 2027-03: 5" in printed
    assert "Bullying: 2027-03: fewer than 5" in printed
    assert "Discrimination" not in printed
    assert "2027-03: 2" not in printed


# --- deadlines and retention as the clock moves ---------------------------------------------


def test_deadlines_remind_escalate_and_closed_cases_are_purged(
    make: Callable[..., Harness], store: Store
) -> None:
    h = make(reports_retention_days=30)
    team(store)
    h.say("/clock 2027-03-05T10:00Z")  # a Friday
    reference, passphrase = receipt(file_report(h))
    alert = h.say("/clock 2027-03-05T11:00Z")
    assert "bot → hana" in alert and "bot → esme" not in alert
    assert "not been acknowledged" not in h.say("/clock 2027-03-09T08:59Z")
    reminder = flat(h.say("/clock 2027-03-09T09:00Z"))  # Tuesday: 2 working days
    assert f"Case {reference} has not been acknowledged yet." in reminder
    assert "Please acknowledge it by Friday 12 March 2027 (within 7 days: our standard)." in (
        reminder
    )
    assert "legal" not in reminder.lower()  # the EU directive does not cover these reports
    assert "bot → hana (direct message):" in reminder and "bot → esme" not in reminder
    assert "Escalation" not in h.say("/clock 2027-03-12T08:59Z")
    escalation = flat(h.say("/clock 2027-03-12T09:00Z"))  # 7 days after receipt
    assert "bot → esme (direct message):" in escalation
    assert f"Escalation: case {reference} was not acknowledged within 7 days" in escalation
    assert "legal" not in escalation.lower()
    assert "bot → hana" not in escalation

    h.say("/clock 2027-03-12T10:00Z", "/as hana", button(h, "Open the case"))
    h.say(button(h, "Acknowledge"), "/as dina")  # feedback due Saturday 12 June 2027
    assert "feedback" not in h.say("/clock 2027-05-29T08:59Z")
    reminder = flat(h.say("/clock 2027-05-29T09:00Z"))  # 14 days before
    assert "bot → hana (direct message):" in reminder
    assert "please give the reporter feedback by Saturday 12 June 2027" in reminder
    assert "(within 3 months of acknowledging it: our standard)" in reminder
    escalation = flat(h.say("/clock 2027-06-12T09:00Z"))
    assert "bot → esme (direct message):" in escalation
    assert f"Escalation: case {reference} passed its feedback deadline, 3 months" in escalation

    h.say("/clock 2027-06-14T10:00Z", "/as hana", button(h, "Open the case"))
    h.say(button(h, "Message the reporter"), "We have finished.")
    h.say(button(h, "Set status"), "Closed", "Apology and training", "/as dina")
    assert case_of(store, reference).content is not None
    h.say("/clock 2027-07-14T08:59Z")
    assert case_of(store, reference).content is not None
    h.say("/clock 2027-07-14T09:00Z")  # 30 days after closing
    case = case_of(store, reference)
    assert case.purged and case.content is None and case.outcome is None
    assert case.category == "racism" and case.received_on == date(2027, 3, 5)
    with store.session() as session:
        bodies = session.scalars(select(CaseMessage.body)).all()
    assert bodies and all(body is None for body in bodies)
    view = h.say("/as esme", button(h, "Open the case"))
    assert "The content was deleted after the retention period." in view
    assert "Apology" not in view
    trends = h.say("/as dina", "/report trends")
    assert "Racism: 2027-03: fewer than 5" in trends
    seen = follow_up(h, REPORTER, reference, passphrase, reply="Thank you")
    assert "Status: Closed." in seen and "Apology" not in seen and "finished" not in seen
    assert "Your answer was sent" not in seen and "was not sent" in seen
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(CaseMessage)) == 1


# --- encryption and keys --------------------------------------------------------------------


@pytest.fixture
def cli_env(
    tmp_path: Path,
    database_url: str,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[dict[str, str | None], str]:
    """A clean environment for the CLI and the database URL it will use."""
    monkeypatch.chdir(tmp_path)  # no stray .env file
    env: dict[str, str | None] = dict.fromkeys(SETTING_NAMES)
    env["DATA_DIR"] = str(tmp_path / "data")
    if database_url.startswith("postgresql"):
        request.getfixturevalue("store")  # emptied
        env["DATABASE_URL"] = database_url
        return env, database_url
    (tmp_path / "data").mkdir()
    url = f"sqlite:///{tmp_path / 'data' / 'inclusion-bot.db'}"
    fresh_store(url).dispose()
    return env, url


def invoke(env: dict[str, str | None], *args: str, **more: str | None) -> Result:
    return CliRunner().invoke(main, list(args), env={**env, **more})


def test_rekey_moves_every_sealed_value_to_the_new_key(
    cli_env: tuple[dict[str, str | None], str],
    clock: ManualClock,
    settings: Settings,
    pledge: Pledge,
) -> None:
    env, url = cli_env
    old, new = new_key(), new_key()
    store = Store(url)
    try:
        add_handler(store, "console:hana", ["racism"], name="Hana")
        bot = Bot(store, clock, settings, pledge, make_desk(old))
        reference, passphrase = receipt(said(file_event(bot, REPORTER)))
        with store.session() as session:
            case_id = session.scalar(select(ReportCase.id))
            session.add(
                CaseMessage(
                    case_id=case_id,
                    kind="to_reporter",
                    body=Fernet(old.encode()).encrypt(b"We are on it.").decode(),  # dated
                    sent_on=date(2027, 3, 1),
                )
            )
        result = invoke(env, "reports", "rekey", REPORTS_KEY=f"{new},{old}")
        assert result.exit_code == 0, result.output
        assert "Re-encrypted 2 item(s) with the newest key." in result.output
        case = case_of(store, reference)
        assert case.content is not None
        with pytest.raises(VaultError):
            Vault.from_keys([old]).open(case.content)
        assert WORDS in Vault.from_keys([new]).open(case.content)
        with store.session() as session:
            body = session.scalar(select(CaseMessage.body))
        assert body is not None and Vault.from_keys([new]).open(body) == "We are on it."
        assert sealed_times(store) == [0, 0]  # rotation also scrubbed the old token's time
        fresh = Bot(store, clock, settings, pledge, make_desk(new))
        assert "We are on it." in said(followup_event(fresh, "rosa", reference, passphrase))
    finally:
        store.dispose()


def test_a_missing_key_with_an_external_database_stops_the_start(
    cli_env: tuple[dict[str, str | None], str],
) -> None:
    env, url = cli_env
    result = invoke(env, "tick", "--now", "2027-03-01T09:00:00Z", DATABASE_URL=url)
    assert result.exit_code == 1, result.output
    assert "REPORTS_KEY is required with DATABASE_URL" in result.output
    assert "inclusion-bot reports new-key" in result.output
    assert "Traceback" not in result.output
    bad = invoke(env, "tick", "--now", "2027-03-01T09:00:00Z", DATABASE_URL=url, REPORTS_KEY="x")
    assert bad.exit_code == 1 and "not a list of Fernet keys" in bad.output


def test_the_embedded_default_generates_its_key_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    monkeypatch.chdir(tmp_path)
    env: dict[str, str | None] = dict.fromkeys(SETTING_NAMES)
    env["DATA_DIR"] = str(tmp_path / "embedded")
    result = invoke(env, "tick", "--now", "2027-03-01T09:00:00Z")
    assert result.exit_code == 0, result.output
    key_file = tmp_path / "embedded" / "reports.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    Vault.from_keys([key_file.read_text().strip()])  # a real key
    assert f"No REPORTS_KEY: generated one at {key_file}" in caplog.text
    key = key_file.read_text()
    caplog.clear()
    assert invoke(env, "tick", "--now", "2027-03-01T09:05:00Z").exit_code == 0
    assert key_file.read_text() == key and "generated" not in caplog.text


def test_handlers_are_managed_from_the_command_line(
    cli_env: tuple[dict[str, str | None], str],
) -> None:
    env, _ = cli_env
    added = invoke(
        env,
        "handlers",
        "add",
        "slack:T0123:U0456",
        "--category",
        "racism,bullying",
        "--name",
        "Hana",
    )
    assert added.exit_code == 0, added.output
    assert "slack:T0123:U0456 handles bullying, racism." in added.output
    escalation = invoke(env, "handlers", "add", "console:esme", "--escalation")
    assert "is an escalation contact" in escalation.output
    unknown = invoke(env, "handlers", "add", "console:ivan", "--category", "racsim")
    assert unknown.exit_code == 2 and "unknown category racsim" in unknown.output
    listed = invoke(env, "handlers", "list").output
    assert "slack:T0123:U0456\tbullying,racism\t\tHana" in listed
    assert "console:esme\t-\tescalation" in listed
    removed = invoke(env, "handlers", "remove", "slack:T0123:U0456")
    assert "slack:T0123:U0456 is no longer a handler." in removed.output
    assert "slack:T0123:U0456" not in invoke(env, "handlers", "list").output


# --- bad input ------------------------------------------------------------------------------


def test_empty_or_oversized_reports_are_refused_and_nothing_is_stored(
    make: Callable[..., Harness], store: Store
) -> None:
    h = make(staffed=False)
    add_handler(store, "console:hana", ["racism"])  # unnamed: no question about leaving out
    h.say(f"/as {REPORTER}", "/report")
    printed = h.say("Racism", "", "", "", "It happened to me", "")
    assert "What happened?: This is required." in printed
    printed = h.say("x" * 3001)
    assert "That is 3001 characters; the limit is 3000. Please shorten it." in printed
    assert "Case reference" not in printed
    assert count_cases(store) == 0
    assert "Case reference" in h.say("x" * 3000)
    assert count_cases(store) == 1


def test_markup_and_mentions_reach_handlers_as_the_plain_text_that_was_typed(
    make: Callable[..., Harness], store: Store
) -> None:
    h = make()
    add_handler(store, "console:hana", ["racism"], name="Hana")
    reference, _ = receipt(file_report(h, what=MARKUP))
    alert = h.say("/clock +31m")
    assert "evil.example" not in alert and "@everyone" not in alert
    assert MARKUP in h.say("/as hana", button(h, "Open the case"))
    case_id = case_of(store, reference).id
    replies = h.runtime.bot.handle(
        ActionEvent(actor=as_user("hana"), action_id="report.open", value=str(case_id))
    )
    assert isinstance(replies[0], Say)
    quoted = [b for b in replies[0].message.blocks if isinstance(b, TextBlock)]
    assert TextBlock(text=MARKUP, style="quote") in quoted


def test_a_report_that_cannot_be_stored_is_never_given_a_receipt(
    tmp_path: Path,
    clock: ManualClock,
    settings: Settings,
    pledge: Pledge,
    desk: Desk,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    broken = fresh_store(f"sqlite:///{tmp_path / 'broken.db'}")
    try:
        with broken.engine.begin() as connection:
            connection.execute(text("DROP TABLE report_cases"))
        add_handler(broken, "console:hana", ["racism"])
        bot = Bot(broken, clock, settings, pledge, desk)
        h = Harness(Runtime(settings, broken, clock, bot), clock)
        printed = file_report(h)
        assert "Your report was NOT received" in printed
        assert "Case reference" not in printed and "Passphrase" not in printed
        assert "handling a form event failed" in caplog.text
        assert REPORTER not in log_text(caplog) and "Quillfeather" not in log_text(caplog)
    finally:
        broken.dispose()


# --- redaction and abuse --------------------------------------------------------------------


@pytest.mark.parametrize(
    "identifier",
    [
        "U0123ABCD",  # Slack user
        "W0123ABCDEF",  # Slack Enterprise Grid user
        "T0123ABCD",  # Slack workspace
        "E0123ABCD",  # Slack organisation
        "D0123ABCD",  # the reporter's direct-message channel with the bot
        "29:1abcDEF-ghiJKL_mnoPQRstu",  # Teams user
        "a:1Xy2Zw3Vu4Ts5Rq6Po7Nm",  # Teams personal conversation
        "8a0f5a44-1c39-4b7e-9d0e-7a4c1f0b2e11",  # Azure AD object id
        "jo.bloggs+hr@example.co.uk",  # e-mail
        "R-7K2M-9QXD",  # a case reference
        "7K2M9-QXD4A-BCDEF-GHJKM-NPQRS",  # a passphrase
    ],
)
def test_redact_removes_identifiers(identifier: str) -> None:
    redacted = redact(f"user {identifier} did something")
    assert identifier not in redacted
    assert redacted == f"user {REDACTED} did something"


def test_redact_leaves_times_and_ordinary_words_alone() -> None:
    line = "Tick at 2027-03-01T10:29:45 for 8:30 meetings, sent 28: ok"
    assert redact(line) == line


def test_every_log_record_is_redacted_once_a_bot_exists(
    make: Callable[..., Harness], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    make()
    logging.getLogger("slack_bolt.App").warning("payload %s", {"user": {"id": "U0ZZREPORT"}})
    assert "U0ZZREPORT" not in caplog.text
    assert f"payload {{'user': {{'id': '{REDACTED}'}}}}" in caplog.text


def test_the_sixth_report_in_an_hour_is_refused_with_the_words_kept(
    make: Callable[..., Harness], store: Store
) -> None:
    h = make(staffed=False)
    add_handler(store, "console:hana", ["racism"])  # unnamed: no question about leaving out
    bot = h.runtime.bot
    for _ in range(5):
        assert "Case reference" in said(file_event(bot, REPORTER))
    refused = file_event(bot, REPORTER)
    assert len(refused) == 1 and isinstance(refused[0], FormErrors)
    assert "your words are still here" in refused[0].errors["what"]
    assert count_cases(store) == 5
    h.say(f"/as {REPORTER}", "/report")  # in the console the form stays open, answers kept
    printed = h.say("Racism", WORDS, "", "", "It happened to me", "")
    assert "You have sent several reports in the last hour." in printed
    assert h.chat.forms[REPORTER].values["what"] == WORDS
    assert "Case reference" in said(file_event(bot, "someone-else"))
    assert count_cases(store) == 6
    command = bot.handle(CommandEvent(actor=as_user(REPORTER), name="report"))
    assert isinstance(command[0], OpenForm)  # the form itself still opens


# --- the words (issue 17): safety and support first, no legal claim that does not apply,
# --- nothing forced; the people reading may have just been harassed ------------------------


def report_form(h: Harness) -> Form:
    [reply] = h.runtime.bot.handle(CommandEvent(actor=as_user(REPORTER), name="report", args=""))
    assert isinstance(reply, OpenForm)
    return reply.form


def intro(form: Form) -> str:
    return "\n".join(block.text for block in form.intro if hasattr(block, "text"))


def test_the_form_puts_safety_and_support_first_and_makes_no_legal_claim(
    make: Callable[..., Harness],
) -> None:
    h = make(reports_retention_days=400)
    form = report_form(h)
    words = intro(form)
    first = [block.text for block in form.intro if hasattr(block, "text")][1]
    assert "emergency" in first and "not watched around the clock" in first
    assert "Support is available whether or not you report" in words
    assert "acknowledge it within 7 days" in words and "within 3 months" in words
    assert "our organisation's own standard" in words
    assert "legal" not in words.lower() and "law" not in words.lower()
    assert "Nobody should be treated badly for reporting" in words
    assert "deleted 400 days after the case is closed" in words
    assert "You will not be notified of replies" in words and "/report followup" in words
    assert "may still point to you" in words  # what anonymity cannot do


def test_an_organisations_support_text_and_legal_deadlines_are_shown_when_configured(
    make: Callable[..., Harness],
) -> None:
    support = "Call the Employee Assistance Programme on 0800 000 000, day or night."
    h = make(reports_support_text=support, reports_deadlines_are_legal=True)
    words = intro(report_form(h))
    assert support in words and "Samaritans" not in words
    assert "as the law requires where it applies" in words
    receipt_words = said(file_event(h.runtime.bot, REPORTER))
    assert support in receipt_words and "as the law requires where it applies" in receipt_words


def test_each_kind_of_report_is_described_in_plain_words_sexist_remarks_included(
    make: Callable[..., Harness],
) -> None:
    words = intro(report_form(make()))
    assert "What each kind of report covers" in words
    assert "Racism: Someone being treated badly because of their race" in words
    assert "sexist remarks" in words
    for legalese in ("conduct of a sexual nature", "protected characteristic"):
        assert legalese not in words


def test_how_the_reporter_knows_is_optional_with_four_answers(
    make: Callable[..., Harness], store: Store
) -> None:
    h = make()
    form = report_form(h)
    role = next(f for f in form.fields if f.name == "role")
    assert not role.required
    assert [o.label for o in role.options] == [
        "It happened to me",
        "I saw or heard it",
        "Someone told me about it",
        "I'd rather not say",
    ]
    when = next(f for f in form.fields if f.name == "when")
    assert when.hint and "more than once" in when.hint
    # Filed without saying, and with "someone told me": both arrive, and handlers read which.
    silent = said(file_event(h.runtime.bot, REPORTER, role=""))
    told = said(file_event(h.runtime.bot, "another", role="told"))
    refused = file_event(h.runtime.bot, "a-third", role="boss")
    assert isinstance(refused[0], FormErrors)
    assert set(ROLES) == {"target", "witness", "told", "not_say"}
    h.say("/clock +31m")
    views = []
    for printed in (silent, told):
        reference, _ = receipt(printed)
        h.say("/as hana")
        h.say("/report cases")
        views.append(flat(h.say(button(h, f"Open {reference}"))))
    assert "the reporter did not say how they know" in views[0]
    assert "someone told the reporter about it" in views[1]


def test_the_receipt_thanks_first_then_says_what_happens_next(
    make: Callable[..., Harness],
) -> None:
    printed = flat(file_report(make()))
    thanks = printed.index("Thank you for telling us.")
    assert thanks < printed.index("Your report has been received.")
    assert thanks < printed.index("What happens next")
    assert "The people handling your report will be told about it shortly" in printed
    assert "Support is available whether or not you report" in printed
    assert "legal" not in printed.lower()


def test_the_alert_asks_for_acknowledgement_without_calling_anyone_the_target(
    make: Callable[..., Harness],
) -> None:
    h = make()
    h.say("/clock 2027-03-05T10:00Z")
    file_report(h)
    alert = flat(h.say("/clock 2027-03-05T11:00Z"))
    assert "Please acknowledge it within 2 working days." in alert
    assert "target" not in alert


def test_legal_deadlines_are_named_only_where_an_organisation_says_so(
    make: Callable[..., Harness],
) -> None:
    h = make(reports_deadlines_are_legal=True)
    h.say("/clock 2027-03-05T10:00Z")
    file_report(h)
    h.say("/clock 2027-03-05T11:00Z")
    reminder = flat(h.say("/clock 2027-03-09T09:00Z"))
    assert "Please acknowledge it by Friday 12 March 2027 (within 7 days: a legal requirement)" in (
        reminder
    )


def test_an_organisations_own_timings_are_used_and_a_target_past_them_refused(
    make: Callable[..., Harness], store: Store
) -> None:
    h = make(reports_ack_days=10, reports_feedback_months=1)
    assert "acknowledge it within 10 days" in intro(report_form(h))
    assert "feedback within 1 month of that" in intro(report_form(h))
    h.say("/clock 2027-03-05T10:00Z")
    reference, _ = receipt(file_report(h))
    h.say("/clock 2027-03-05T11:00Z", "/clock 2027-03-09T09:00Z")
    escalation = flat(h.say("/clock 2027-03-15T09:00Z"))
    assert f"Escalation: case {reference} was not acknowledged within 10 days" in escalation
    assert case_of(store, reference).received_on == date(2027, 3, 5)
    with pytest.raises(ValidationError, match="REPORTS_ACK_DAYS"):
        Settings(reports_ack_target_days=5, reports_ack_days=6)


def test_when_reports_are_not_set_up_nobody_is_told_to_ask_for_a_key(
    store: Store, clock: ManualClock, settings: Settings, pledge: Pledge
) -> None:
    bot = Bot(store, clock, settings, pledge)
    event = CommandEvent(actor=as_user(REPORTER), name="report", args="")
    words = said(bot.handle(event))
    assert "Nothing was sent" in words and "other reporting routes" in words
    for hint in ("key", "administrator", "admin", "REPORTS_"):
        assert hint not in words


def test_every_open_case_is_listed_however_many(make: Callable[..., Harness], store: Store) -> None:
    """Thirty open cases, thirty Open buttons: the core cuts nothing; each adapter pages a
    message past its platform's limits (Slack's 50 blocks, Teams' message size)."""
    h = make()
    for n in range(30):
        assert "Case reference" in said(file_event(h.runtime.bot, f"reporter-{n}"))
    h.clock.set(h.clock.now() + timedelta(hours=1))
    h.run_due()
    [listed] = h.runtime.bot.handle(
        CommandEvent(actor=as_user("hana"), name="report", args="cases")
    )
    assert isinstance(listed, Say)
    opened = [
        button.value
        for block in listed.message.blocks
        if isinstance(block, ActionsBlock)
        for button in block.buttons
    ]
    assert len(set(opened)) == 30
