"""``/volunteer`` (offer, see, change or withdraw your time) and ``/volunteers`` (search the
directory: admins and the OUTREACH setting's people), their buttons and the offer form."""

from __future__ import annotations

from bot.conversation import (
    ActionEvent,
    ActionsBlock,
    Button,
    FormErrors,
    FormEvent,
    Message,
    OpenForm,
    Reply,
    TextBlock,
    Update,
    text_message,
)
from bot.forms import validate
from bot.people import address_of
from bot.store.models import Person
from bot.text import clean
from bot.turn import Turn
from bot.volunteers import directory, offers
from bot.volunteers.models import VolunteerOffer, VolunteerYear
from bot.volunteers.nudges import DONE_ACTION, SHOW_ACTION, answered_message

HELP = (
    "/volunteer: offer your time as a speaker, mentor, writer or coach, or see your offer\n"
    "/volunteer withdraw: take back your offer; it leaves the directory at once\n"
    "/volunteers WORDS: search the volunteer directory by kind, region or any word "
    "(admins and the outreach team)"
)
EDIT_ACTION = "volunteer.edit"
WITHDRAW_ACTION = "volunteer.withdraw"
NO_OFFER = "You haven't offered any time yet. Type /volunteer to make an offer."
EXPIRED = "That question has expired, so I left everything as it is."
REFUSED = (
    "Only admins and the outreach team can search the volunteer directory. "
    "To offer your own time, type /volunteer."
)


def on_volunteer(turn: Turn, args: str) -> list[Reply]:
    word = args.strip().lower()
    if word == "help":
        return [turn.say(text_message(HELP))]
    if word == "withdraw":
        return [turn.say(_withdraw(turn))]
    offer = offers.offer_of(turn.session, turn.actor)
    if word == "edit" or offer is None:
        if word not in ("", "edit"):
            return [turn.say(text_message(f"I don't know “/volunteer {word}”.", HELP))]
        return [OpenForm(form=offers.offer_form(offer))]
    if word:
        return [turn.say(text_message(f"I don't know “/volunteer {word}”.", HELP))]
    return [turn.say(_card(offer))]


def _card(offer: VolunteerOffer) -> Message:
    listed = (
        "You are listed in the volunteer directory, so the outreach team may get in touch."
        if offer.listed
        else "You are not listed in the directory; I'll remind you before Careers in Ideas Week."
    )
    blocks = [
        TextBlock(text=f"Your offer: {offers.describe(offer)}"),
    ]
    if offer.about:
        blocks.append(TextBlock(text=offer.about, style="quote"))
    return Message(
        blocks=[
            *blocks,
            TextBlock(text=listed, style="context"),
            ActionsBlock(
                buttons=[
                    Button(action_id=EDIT_ACTION, label="Change my offer", style="primary"),
                    Button(action_id=WITHDRAW_ACTION, label="Withdraw my offer", style="danger"),
                ]
            ),
        ]
    )


def _withdraw(turn: Turn) -> Message:
    if not offers.withdraw(turn.session, turn.actor):
        return text_message(NO_OFFER)
    return text_message(
        "Your offer is withdrawn and deleted, and you are no longer in the directory. "
        "Thank you for offering. Type /volunteer if you'd like to offer again."
    )


def _may_search(turn: Turn) -> bool:
    return str(turn.actor.address) in turn.settings.outreach or turn.is_admin()


def on_volunteers(turn: Turn, args: str) -> list[Reply]:
    if not _may_search(turn):
        return [turn.say(text_message(REFUSED))]
    text = clean(" ".join(args.split()))
    if text.lower() == "help":
        return [turn.say(text_message(HELP))]
    if len(text) > directory.SEARCH_LIMIT:
        return [
            turn.say(
                text_message(
                    f"That search is {len(text)} characters; please use at most "
                    f"{directory.SEARCH_LIMIT}: a kind, a region or a few words."
                )
            )
        ]
    return [turn.say(_page(turn, text, 0))]


def _page(turn: Turn, text: str, page: int) -> Message:
    """A page of the asker's own workspace's directory: never another workspace's people."""
    workspace = (turn.actor.platform, turn.actor.tenant)
    found = directory.search(turn.session, workspace, text)
    return directory.page_message(
        found, text, page, directory.week_summary(turn.session, workspace)
    )


def on_action(turn: Turn, action: ActionEvent) -> list[Reply]:
    if action.action_id == directory.PAGE_ACTION:
        if not _may_search(turn):
            return [turn.say(text_message(REFUSED))]
        asked = directory.read_page_value(action.value)
        if asked is None:
            return [turn.say(text_message("That page has expired. Type /volunteers to search."))]
        return [Update(message=_page(turn, *asked))]
    if action.action_id == DONE_ACTION:
        return _answer(turn, action.value)
    offer = offers.offer_of(turn.session, turn.actor)
    if action.action_id == WITHDRAW_ACTION:
        return [Update(message=_withdraw(turn))]
    if offer is None:
        return [turn.say(text_message(NO_OFFER))]
    if action.action_id == EDIT_ACTION:
        return [OpenForm(form=offers.offer_form(offer))]
    if action.action_id == SHOW_ACTION:
        return [turn.say(_card(offer))]
    return [turn.say(text_message("That button has expired. Type /volunteer to start again."))]


def _answer(turn: Turn, value: str) -> list[Reply]:
    """ "Did it happen?": yes or no, from the volunteer whose question it is."""
    ident, _, done = value.partition(":")
    row = (
        turn.session.get(VolunteerYear, int(ident))
        if ident.isascii() and ident.isdigit() and len(ident) < 10
        else None
    )
    offer = turn.session.get(VolunteerOffer, row.offer_id) if row is not None else None
    person = turn.session.get(Person, offer.person_id) if offer is not None else None
    if row is None or done not in ("yes", "no") or person is None:
        return [turn.say(text_message(EXPIRED))]
    if address_of(person) != turn.actor.address:
        return [turn.say(text_message("That question was for someone else, so I left it."))]
    if row.done is not None:
        # The first answer is the one counted: a second press (or the other button) would
        # quietly rewrite the week's figures.
        said = "you gave your time" if row.done == "yes" else "not this time"
        return [
            turn.say(
                text_message(
                    f"You already answered for Careers in Ideas Week {row.year} ({said}), "
                    "so I left it as it is."
                )
            )
        ]
    row.done = done
    row.answered_at = turn.now
    return [Update(message=answered_message(row))]


def on_form(turn: Turn, form: FormEvent) -> list[Reply]:
    if form.form_id != offers.OFFER_FORM:
        return [turn.say(text_message("That form has expired. Type /volunteer to start again."))]
    definition = offers.offer_form(offers.offer_of(turn.session, turn.actor))
    values, errors = validate(definition, form.values)
    if errors:
        return [FormErrors(form_id=form.form_id, errors=errors)]
    offer = offers.save(turn.session, turn.actor, values, turn.now)
    listed = (
        "You are in the volunteer directory, so the outreach team may get in touch."
        if offer.listed
        else "You are not in the directory: only you see this offer."
    )
    return [
        turn.say(
            text_message(
                f"Thank you for offering your time: {offers.lowered(offers.describe(offer))}",
                f"{listed} Before Careers in Ideas Week I'll send you a short reminder. "
                "/volunteer shows or changes your offer; /volunteer withdraw takes it back.",
            )
        )
    ]
