"""The volunteer directory: the consenting offers, searched by kind, region and words, paged.

``listed_offers`` is the one place that decides who is listed (consent given, offer not
withdrawn): the chat's search, the operators' export and the web dashboard all read it, so a
withdrawal or a "don't list me" disappears from every one of them at once. Every reader but
the operators' export names a workspace (platform and tenant): an admin of one Slack workspace
or console tenant never sees another's volunteers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from bot.conversation import ActionsBlock, Block, Button, Message, TextBlock
from bot.people import address_of
from bot.store.models import Person
from bot.text import clean
from bot.volunteers.models import VolunteerOffer, VolunteerYear
from bot.volunteers.offers import KINDS, REGIONS, TIMES, kinds_text, regions_text

#: Offers per page of search results: ten fit any platform's message with room to spare
#: (Slack's 50 blocks, Teams' 80 KB), and are as many as a person reads before refining.
PAGE = 10
#: The longest search: it travels on the page buttons, whose value Slack caps at 2,000.
SEARCH_LIMIT = 200
PAGE_ACTION = "volunteer.page"


@dataclass(frozen=True)
class Listing:
    """One listed offer, as every listing shows it."""

    name: str
    address: str
    kinds: tuple[str, ...]
    time: str
    regions: tuple[str, ...]
    about: str
    offered_at: datetime
    updated_at: datetime
    #: The years its volunteer said they gave their time in Careers in Ideas Week.
    gave_time_in: tuple[int, ...]


#: A workspace: (platform, tenant), as the commitments' adoptions are kept apart.
Workspace = tuple[str, str]


def _in_workspace(workspace: Workspace | None) -> list[ColumnElement[bool]]:
    """The conditions that keep a query to one workspace's people; none for the operators'
    export, which is the only reader of the whole directory."""
    if workspace is None:
        return []
    platform, tenant = workspace
    return [Person.platform == platform, Person.tenant == tenant]


def listed_offers(session: Session, workspace: Workspace | None) -> list[Listing]:
    """Every offer in this workspace (None: in every workspace) whose volunteer agreed to be
    listed, by name."""
    rows = session.execute(
        select(VolunteerOffer, Person)
        .join(Person, Person.id == VolunteerOffer.person_id)
        .where(VolunteerOffer.listed.is_(True), *_in_workspace(workspace))
        .order_by(func.lower(Person.display_name), VolunteerOffer.id)
    ).all()
    years: dict[int, list[int]] = {}
    for offer_id, year in session.execute(
        select(VolunteerYear.offer_id, VolunteerYear.year)
        .join(VolunteerOffer, VolunteerOffer.id == VolunteerYear.offer_id)
        .join(Person, Person.id == VolunteerOffer.person_id)
        .where(
            VolunteerOffer.listed.is_(True),
            VolunteerYear.done == "yes",
            *_in_workspace(workspace),
        )
        .order_by(VolunteerYear.year)
    ):
        years.setdefault(offer_id, []).append(year)
    return [
        Listing(
            name=person.display_name or person.user_id,
            address=str(address_of(person)),
            kinds=tuple(offer.kinds),
            time=offer.time,
            regions=tuple(offer.regions),
            about=offer.about,
            offered_at=offer.offered_at,
            updated_at=offer.updated_at,
            gave_time_in=tuple(years.get(offer.id, ())),
        )
        for offer, person in rows
    ]


# --- searching -------------------------------------------------------------------------------


def _phrases() -> list[tuple[str, str, str]]:
    """(phrase, facet, value) for every way a search may name a kind or a region, longest
    first so that "east midlands" is read before "east"."""
    kinds = {k: [k.replace("-", " "), KINDS[k].lower()] for k in KINDS}
    kinds["speaker"] += ["speakers", "speaking", "talks"]
    kinds["mentor"] += ["mentors", "mentoring"]
    kinds["writer"] += ["writers", "writing"]
    kinds["coach"] += ["coaches", "coaching"]
    kinds["careers-clinic"] += ["careers clinics", "clinic", "clinics"]
    regions = {r: [r.replace("-", " "), REGIONS[r].lower()] for r in REGIONS}
    regions["online"] += ["remote", "virtual"]
    regions["abroad"] += ["overseas", "international"]
    regions["yorkshire"] += ["humber"]
    found = [(p, "kind", k) for k, ps in kinds.items() for p in ps]
    found += [(p, "region", r) for r, ps in regions.items() for p in ps]
    return sorted(set(found), key=lambda item: (-len(item[0].split()), item))


_PHRASES = _phrases()
_WORD = re.compile(r"[\w'&.+-]+")


@dataclass(frozen=True)
class Search:
    """What a search asks for: any of these kinds, in any of these regions, with every word."""

    kinds: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()
    words: tuple[str, ...] = ()

    def matches(self, listing: Listing) -> bool:
        """Kinds and regions: any of those asked. An online offer is in every region. Words:
        each in the name, the line about them, or the offer's labels."""
        if self.kinds and not self.kinds & set(listing.kinds):
            return False
        if self.regions and not (self.regions | {"online"}) & set(listing.regions):
            return False
        haystack = " ".join(
            (
                listing.name,
                listing.about,
                kinds_text(list(listing.kinds)),
                TIMES.get(listing.time, ""),
            )
        ).casefold()
        return all(word in haystack for word in self.words)


def parse_search(text: str) -> Search:
    words = _WORD.findall(clean(text).casefold())
    kinds: set[str] = set()
    regions: set[str] = set()
    for phrase, facet, value in _PHRASES:
        wanted = phrase.split()
        at = _find(words, wanted)
        while at is not None:
            del words[at : at + len(wanted)]
            (kinds if facet == "kind" else regions).add(value)
            at = _find(words, wanted)
    noise = {"and", "or", "in", "the", "a", "of"}
    return Search(frozenset(kinds), frozenset(regions), tuple(w for w in words if w not in noise))


def _find(words: list[str], wanted: list[str]) -> int | None:
    for at in range(len(words) - len(wanted) + 1):
        if words[at : at + len(wanted)] == wanted:
            return at
    return None


def search(session: Session, workspace: Workspace, text: str) -> list[Listing]:
    query = parse_search(text)
    return [listing for listing in listed_offers(session, workspace) if query.matches(listing)]


# --- showing a page ----------------------------------------------------------------------------


def page_value(text: str, page: int) -> str:
    return json.dumps({"q": text, "p": page}, ensure_ascii=False)


def read_page_value(value: str) -> tuple[str, int] | None:
    """The search and page a page button carries; None if it is not one of ours."""
    try:
        data = json.loads(value)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    text, page = data.get("q"), data.get("p")
    if not isinstance(text, str) or len(text) > SEARCH_LIMIT:
        return None
    if not isinstance(page, int) or isinstance(page, bool) or not 0 <= page < 10_000:
        return None
    return text, page


def page_message(found: list[Listing], text: str, page: int, summary: str | None) -> Message:
    """One page of results, with Earlier and More buttons when there are other pages."""
    pages = max(1, -(-len(found) // PAGE))
    page = min(page, pages - 1)
    shown = found[page * PAGE : (page + 1) * PAGE]
    asked = f" match “{text}”" if text else " are listed"
    if not found:
        head = (
            f"No offers match “{text}”. Try fewer words: search by kind (speaker, mentor, "
            "writer, coach, work experience, careers clinic), region or any word."
            if text
            else "Nobody is listed in the volunteer directory yet."
        )
    else:
        head = f"{len(found)} offer(s){asked}."
        if pages > 1:
            head += f" Page {page + 1} of {pages}."
    blocks: list[Block] = [
        TextBlock(text="Volunteer directory", style="heading"),
        TextBlock(text=head),
    ]
    if summary and page == 0:
        blocks.append(TextBlock(text=summary, style="context"))
    for listing in shown:
        blocks += list(_listing_blocks(listing))
    buttons = []
    if page > 0:
        buttons.append(
            Button(action_id=PAGE_ACTION, value=page_value(text, page - 1), label="Earlier")
        )
    if page < pages - 1:
        buttons.append(
            Button(action_id=PAGE_ACTION, value=page_value(text, page + 1), label="More")
        )
    if buttons:
        blocks.append(ActionsBlock(buttons=buttons))
    return Message(blocks=blocks)


def _listing_blocks(listing: Listing) -> Iterator[Block]:
    offer = (
        f"{listing.name}: {kinds_text(list(listing.kinds))}. "
        f"{TIMES.get(listing.time, listing.time)}. {regions_text(list(listing.regions))}."
    )
    yield TextBlock(text=offer)
    if listing.about:
        yield TextBlock(text=listing.about, style="quote")


def week_summary(session: Session, workspace: Workspace) -> str | None:
    """How the latest Careers in Ideas Week went in this workspace, in counts (nobody named):
    what a programme lead reports on."""
    years = (
        select(VolunteerYear)
        .join(VolunteerOffer, VolunteerOffer.id == VolunteerYear.offer_id)
        .join(Person, Person.id == VolunteerOffer.person_id)
        .where(*_in_workspace(workspace))
    )
    year = session.scalar(years.with_only_columns(func.max(VolunteerYear.year)))
    if year is None:
        return None
    counts = dict(
        session.execute(
            years.with_only_columns(VolunteerYear.done, func.count())
            .where(VolunteerYear.year == year)
            .group_by(VolunteerYear.done)
        ).all()
    )
    reminded = sum(counts.values())
    return (
        f"Careers in Ideas Week {year}: {reminded} volunteer(s) reminded; "
        f"{counts.get('yes', 0)} gave their time, {counts.get('no', 0)} did not this time, "
        f"{counts.get(None, 0)} have not said."
    )


# --- exporting -----------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    "name",
    "address",
    "kinds",
    "time",
    "regions",
    "about",
    "offered_at",
    "updated_at",
    "gave_time_in",
]


def export_rows(
    session: Session, workspace: Workspace | None = None
) -> Iterator[dict[str, str | list[str] | list[int]]]:
    """Listed offers only: of every workspace for operators (``inclusion-bot volunteers
    export``), of one for the dashboard's download."""
    for listing in listed_offers(session, workspace):
        yield {
            "name": listing.name,
            "address": listing.address,
            "kinds": list(listing.kinds),
            "time": listing.time,
            "regions": list(listing.regions),
            "about": listing.about,
            "offered_at": listing.offered_at.isoformat(),
            "updated_at": listing.updated_at.isoformat(),
            "gave_time_in": list(listing.gave_time_in),
        }
