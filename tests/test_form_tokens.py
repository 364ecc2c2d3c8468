"""Form tokens live in the database: another Store (a replica, or this one restarted) serves
them, they expire on the injected clock, a taken token is gone, and only a hash is stored."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.clock import ManualClock
from bot.conversation import Form, FormField
from bot.form_tokens import FormTokens
from bot.store import Store
from bot.store.models import FormToken
from tests.conftest import START

FORM = Form(
    form_id="pledge.sign",
    title="Sign the pledge",
    fields=[FormField(name="step", label="Your step")],
)


def test_a_token_put_by_one_replica_is_served_by_another(store: Store) -> None:
    clock = ManualClock(START)
    token = FormTokens(store, clock).put(FORM, {"origin": "abc"})
    other = Store(store.url)
    try:
        assert FormTokens(other, clock).get(token) == (FORM, {"origin": "abc"})
    finally:
        other.dispose()


def test_only_the_hash_of_a_token_is_stored(store: Store) -> None:
    token = FormTokens(store, ManualClock(START)).put(FORM)
    with store.session() as session:
        stored = session.scalars(select(FormToken.token_hash)).all()
    assert len(stored) == 1
    assert token not in stored[0]


def test_tokens_expire_on_the_injected_clock(store: Store) -> None:
    clock = ManualClock(START)
    tokens = FormTokens(store, clock, ttl=timedelta(hours=1))
    token = tokens.put(FORM)
    clock.set(START + timedelta(minutes=59))
    assert tokens.get(token) is not None
    clock.set(START + timedelta(hours=1))
    assert tokens.get(token) is None
    assert tokens.replace(token, FORM) is False


def test_expired_rows_are_deleted_when_new_ones_are_written(store: Store) -> None:
    clock = ManualClock(START)
    tokens = FormTokens(store, clock, ttl=timedelta(hours=1))
    tokens.put(FORM)
    clock.set(START + timedelta(hours=2))
    tokens.put(FORM)
    with store.session() as session:
        assert len(session.scalars(select(FormToken)).all()) == 1


def test_take_uses_a_token_up_and_replace_keeps_it(store: Store) -> None:
    tokens = FormTokens(store, ManualClock(START))
    token = tokens.put(FORM)
    following = FORM.model_copy(update={"title": "Check-in notes"})
    assert tokens.replace(token, following, {"page": 2}) is True
    assert tokens.take(token) == (following, {"page": 2})
    assert tokens.take(token) is None
    assert tokens.get("") is None
    assert tokens.get("not-a-token") is None


def test_an_anonymous_forms_expiry_does_not_date_its_opening_to_the_second(store: Store) -> None:
    """A report form's row says only the hour it expires, not when someone opened it."""
    clock = ManualClock(START + timedelta(minutes=17, seconds=23))
    report = FORM.model_copy(update={"form_id": "report.file", "anonymous": True})
    FormTokens(store, clock).put(report)
    FormTokens(store, clock).put(FORM)
    with store.session() as session:
        expiries = sorted(session.scalars(select(FormToken.expires_at)))
    assert expiries == [
        clock.now() + timedelta(hours=24),  # an ordinary form: to the second
        START + timedelta(hours=25),  # a report form: the next whole hour
    ]
