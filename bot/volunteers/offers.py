"""An offer of time: its words (kinds, amounts, regions), its form, and saving or withdrawing it.

The kinds are the think tank's own list (mentors, speakers, writers, coaches, work experience,
careers clinics); the amounts start at its "say, half a day". Regions are where in the UK
someone can help, plus online and outside the UK, since the programme's charities work by
region and a school wants someone who can come.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.conversation import Actor, Form, FormField, FormValue, Option, TextBlock
from bot.people import find_person, person_for
from bot.volunteers.models import VolunteerOffer, VolunteerYear

KINDS: dict[str, str] = {
    "speaker": "Speaker",
    "mentor": "Mentor",
    "writer": "Writer",
    "coach": "Coach",
    "work-experience": "Work experience",
    "careers-clinic": "Careers clinic",
}
#: What each kind means, in the form (the directory shows the short label).
KIND_HINTS: dict[str, str] = {
    "speaker": "Speaker: talks at schools, universities or events",
    "mentor": "Mentor: regular conversations with a student or career changer",
    "writer": "Writer: an article or your own career story",
    "coach": "Coach: help with applications and interviews",
    "work-experience": "Work experience: host a student, in person or online",
    "careers-clinic": "Careers clinic: answer questions at a careers event",
}
TIMES: dict[str, str] = {
    "hours": "An hour or two",
    "half-day": "Half a day",
    "day": "A day",
    "days": "Two to five days",
    "more": "More than five days",
}
REGIONS: dict[str, str] = {
    "london": "London",
    "south-east": "South East",
    "south-west": "South West",
    "east": "East of England",
    "east-midlands": "East Midlands",
    "west-midlands": "West Midlands",
    "north-east": "North East",
    "north-west": "North West",
    "yorkshire": "Yorkshire and the Humber",
    "wales": "Wales",
    "scotland": "Scotland",
    "northern-ireland": "Northern Ireland",
    "online": "Online",
    "abroad": "Outside the UK",
}
ABOUT_LIMIT = 300
OFFER_FORM = "volunteer.offer"


def offer_form(offer: VolunteerOffer | None) -> Form:
    """The offer form, filled in with the current offer when there is one. Consent is asked
    afresh, with no default, every time: being listed is always a choice made just now."""
    return Form(
        form_id=OFFER_FORM,
        title="Offer your time",
        intro=[
            TextBlock(
                text="Offer some of your time to help people from every background into "
                "careers like ours. Half a day makes a difference."
            ),
            TextBlock(
                text="The volunteer directory is seen only by admins and the outreach team, "
                "who may contact you about a school, university or charity project. You can "
                "withdraw at any time with /volunteer withdraw, and your offer is deleted.",
                style="context",
            ),
        ],
        fields=[
            FormField(
                name="kinds",
                label="What would you like to do? (choose any)",
                kind="multi_choice",
                options=[Option(value=k, label=KIND_HINTS[k]) for k in KINDS],
                default=list(offer.kinds) if offer else None,
            ),
            FormField(
                name="time",
                label="How much time can you give this year?",
                kind="choice",
                options=[Option(value=k, label=v) for k, v in TIMES.items()],
                default=offer.time if offer else "half-day",
            ),
            FormField(
                name="regions",
                label="Where can you help? (choose any)",
                kind="multi_choice",
                options=[Option(value=k, label=v) for k, v in REGIONS.items()],
                default=list(offer.regions) if offer else None,
            ),
            FormField(
                name="about",
                label="A line about you for the outreach team (optional)",
                hint="For example: patent attorney, came into IP through an apprenticeship.",
                required=False,
                max_length=ABOUT_LIMIT,
                default=offer.about if offer and offer.about else None,
            ),
            FormField(
                name="listed",
                label="May we list you in the volunteer directory?",
                kind="choice",
                options=[
                    Option(value="yes", label="Yes, list me in the directory"),
                    Option(value="no", label="No, just remind me before Careers in Ideas Week"),
                ],
            ),
        ],
        submit_label="Save my offer",
    )


def offer_of(session: Session, actor: Actor) -> VolunteerOffer | None:
    person = find_person(session, actor)
    if person is None:
        return None
    return session.scalar(select(VolunteerOffer).where(VolunteerOffer.person_id == person.id))


def save(
    session: Session, actor: Actor, values: dict[str, FormValue], now: datetime
) -> VolunteerOffer:
    """Record the offer from a validated form: a new one, or the person's own changed."""
    offer = offer_of(session, actor)
    if offer is None:
        offer = VolunteerOffer(person_id=person_for(session, actor).id, offered_at=now)
        session.add(offer)
    else:
        person_for(session, actor)  # the display name follows the platform
    offer.kinds = [k for k in KINDS if k in values["kinds"]]
    offer.time = str(values["time"])
    offer.regions = [r for r in REGIONS if r in values["regions"]]
    offer.about = str(values.get("about") or "")
    offer.listed = values["listed"] == "yes"
    offer.updated_at = now
    session.flush()
    return offer


def withdraw(session: Session, actor: Actor) -> bool:
    """Delete the person's offer and its years at once; False if there was none. Queued
    nudges render as nothing once their offer is gone, so the outbox cancels them."""
    offer = offer_of(session, actor)
    if offer is None:
        return False
    session.execute(delete(VolunteerYear).where(VolunteerYear.offer_id == offer.id))
    session.execute(delete(VolunteerOffer).where(VolunteerOffer.id == offer.id))
    return True


def _listed(labels: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(labels) < 2:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


#: How a kind reads in a sentence ("half a day as a speaker and work experience host").
_ROLES = {"work-experience": "work experience host", "careers-clinic": "careers clinic volunteer"}


def describe(offer: VolunteerOffer) -> str:
    """``Half a day as a speaker and mentor, in London and Scotland, and online.``"""
    kinds = _listed([_ROLES.get(k, KINDS[k].lower()) for k in offer.kinds if k in KINDS])
    places = [REGIONS[r] for r in offer.regions if r in REGIONS and r not in ("online", "abroad")]
    parts = [f"in {_listed(places)}"] if places else []
    parts += [
        w for r, w in (("abroad", "outside the UK"), ("online", "online")) if r in offer.regions
    ]
    joiner = ", and " if any(" and " in part for part in parts[:-1]) else " and "
    where = ", ".join(parts[:-1]) + joiner + parts[-1] if len(parts) > 1 else "".join(parts)
    return f"{TIMES.get(offer.time, offer.time)} as a {kinds}, {where}."


def lowered(sentence: str) -> str:
    """A sentence to follow other words: "Half a day ..." as "half a day ..."."""
    return sentence[:1].lower() + sentence[1:]


def kinds_text(kinds: list[str]) -> str:
    return ", ".join(KINDS[k] for k in kinds if k in KINDS)


def regions_text(regions: list[str]) -> str:
    return ", ".join(REGIONS[r] for r in regions if r in REGIONS)
