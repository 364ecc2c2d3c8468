"""The shipped awareness calendar: the dates it gives for 2026-2028, and the content rules.

Expected dates are the published ones, to the best of current knowledge. Where they could be
checked against an independent source they were; the rest are the libraries' own tables:

- Fixed dates, nth weekdays, whole months and Easter are arithmetic and certain.
- Hebrew dates (Passover, Rosh Hashanah, Yom Kippur, Hanukkah) follow the fixed Hebrew
  calendar, so they are certain; observance begins the evening before each date.
- Islamic dates are the Umm al-Qura calendar's (hijridate). They were not confirmed against an
  independent source for 2027 and 2028, and communities that follow local moon sighting may
  keep a day earlier or later.
- Chinese New Year, Korean New Year (Seollal), Diwali, Holi and Vaisakhi come from the
  `holidays` package. Seollal falls a day after Chinese New Year in 2027 and 2028 because the
  new moon comes just after midnight Korean time but before midnight in China; the rule is
  well documented, but the 2027 and 2028 dates themselves were not confirmed by search. Some
  Indian states kept Holi on 3 March in 2026.
- South Asian Heritage Month moved to 1-31 July from 2026 (announced by its organisers; it ran
  18 July-17 August from 2020 to 2025).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import yaml

import content
from bot.awareness.calendar import Calendar, load_calendar, occurrences

PATH = content.path("awareness.yaml")


@pytest.fixture(scope="module")
def calendar() -> Calendar:
    return load_calendar([PATH])


@pytest.fixture(scope="module")
def raw_entries() -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = yaml.safe_load(PATH.read_text(encoding="utf-8"))["entries"]
    return entries


def spans_starting_in(calendar: Calendar, entry_id: str, year: int) -> list[tuple[date, date]]:
    """(start, end) of each occurrence of ``entry_id`` that starts in ``year``."""
    found = occurrences(calendar, date(year, 1, 1), date(year, 12, 31))
    return [(o.start, o.end) for o in found if o.entry.id == entry_id and o.start.year == year]


D = date
EXPECTED = [
    # Fixed day.
    ("international-womens-day", D(2026, 3, 8), D(2026, 3, 8)),
    ("international-womens-day", D(2027, 3, 8), D(2027, 3, 8)),
    ("international-womens-day", D(2028, 3, 8), D(2028, 3, 8)),
    # Nth weekday: the first Thursday of February.
    ("time-to-talk-day", D(2026, 2, 5), D(2026, 2, 5)),
    ("time-to-talk-day", D(2027, 2, 4), D(2027, 2, 4)),
    ("time-to-talk-day", D(2028, 2, 3), D(2028, 2, 3)),
    # Whole months, including February in a leap year.
    ("lgbt-history-month-uk", D(2026, 2, 1), D(2026, 2, 28)),
    ("lgbt-history-month-uk", D(2027, 2, 1), D(2027, 2, 28)),
    ("lgbt-history-month-uk", D(2028, 2, 1), D(2028, 2, 29)),
    ("black-history-month-uk", D(2026, 10, 1), D(2026, 10, 31)),
    ("black-history-month-uk", D(2027, 10, 1), D(2027, 10, 31)),
    ("black-history-month-uk", D(2028, 10, 1), D(2028, 10, 31)),
    ("south-asian-heritage-month", D(2026, 7, 1), D(2026, 7, 31)),
    ("south-asian-heritage-month", D(2027, 7, 1), D(2027, 7, 31)),
    ("south-asian-heritage-month", D(2028, 7, 1), D(2028, 7, 31)),
    # A fixed span across two months.
    ("hispanic-heritage-month", D(2026, 9, 15), D(2026, 10, 15)),
    ("hispanic-heritage-month", D(2027, 9, 15), D(2027, 10, 15)),
    ("hispanic-heritage-month", D(2028, 9, 15), D(2028, 10, 15)),
    # Islamic (Umm al-Qura). Ramadan is listed for 29 days so that it never overlaps Eid.
    ("ramadan", D(2026, 2, 18), D(2026, 3, 19)),  # to the eve of this calendar's Eid
    ("ramadan", D(2027, 2, 8), D(2027, 3, 8)),
    ("ramadan", D(2028, 1, 28), D(2028, 2, 25)),
    ("eid-al-fitr", D(2026, 3, 20), D(2026, 3, 20)),
    ("international-holocaust-remembrance-day", D(2027, 1, 27), D(2027, 1, 27)),
    ("international-holocaust-remembrance-day", D(2028, 1, 27), D(2028, 1, 27)),
    ("intersex-awareness-day", D(2026, 10, 26), D(2026, 10, 26)),
    ("intersex-awareness-day", D(2027, 10, 26), D(2027, 10, 26)),
    ("eid-al-fitr", D(2027, 3, 9), D(2027, 3, 9)),
    ("eid-al-fitr", D(2028, 2, 26), D(2028, 2, 26)),
    ("eid-al-adha", D(2026, 5, 27), D(2026, 5, 27)),
    ("eid-al-adha", D(2027, 5, 16), D(2027, 5, 16)),
    ("eid-al-adha", D(2028, 5, 5), D(2028, 5, 5)),
    # Hebrew: Passover lasts eight days outside Israel, Rosh Hashanah two.
    ("passover", D(2026, 4, 2), D(2026, 4, 9)),
    ("passover", D(2027, 4, 22), D(2027, 4, 29)),
    ("passover", D(2028, 4, 11), D(2028, 4, 18)),
    ("rosh-hashanah", D(2026, 9, 12), D(2026, 9, 13)),
    ("rosh-hashanah", D(2027, 10, 2), D(2027, 10, 3)),
    ("rosh-hashanah", D(2028, 9, 21), D(2028, 9, 22)),
    ("yom-kippur", D(2026, 9, 21), D(2026, 9, 21)),
    ("yom-kippur", D(2027, 10, 11), D(2027, 10, 11)),
    ("yom-kippur", D(2028, 9, 30), D(2028, 9, 30)),
    ("hanukkah", D(2026, 12, 5), D(2026, 12, 12)),
    ("hanukkah", D(2027, 12, 25), D(2028, 1, 1)),
    ("hanukkah", D(2028, 12, 13), D(2028, 12, 20)),
    # Chinese and Korean New Year: the same day in 2026, a day apart in 2027 and 2028. The
    # holidays package lists three days of Spring Festival; the entry is its first day only.
    ("lunar-new-year", D(2026, 2, 17), D(2026, 2, 17)),
    ("lunar-new-year", D(2027, 2, 6), D(2027, 2, 6)),
    ("lunar-new-year", D(2028, 1, 26), D(2028, 1, 26)),
    ("korean-new-year", D(2026, 2, 17), D(2026, 2, 17)),
    ("korean-new-year", D(2027, 2, 7), D(2027, 2, 7)),
    ("korean-new-year", D(2028, 1, 27), D(2028, 1, 27)),
    # Hindu and Sikh festivals (Vaisakhi is an optional holiday, sometimes under a shared name).
    ("diwali", D(2026, 11, 8), D(2026, 11, 8)),
    ("diwali", D(2027, 10, 29), D(2027, 10, 29)),
    ("diwali", D(2028, 10, 17), D(2028, 10, 17)),
    ("holi", D(2026, 3, 4), D(2026, 3, 4)),
    ("holi", D(2027, 3, 22), D(2027, 3, 22)),
    ("holi", D(2028, 3, 11), D(2028, 3, 11)),
    ("vaisakhi", D(2026, 4, 14), D(2026, 4, 14)),
    ("vaisakhi", D(2027, 4, 14), D(2027, 4, 14)),
    ("vaisakhi", D(2028, 4, 13), D(2028, 4, 13)),
    # Western Easter Sunday, and Orthodox Easter (Pascha) where it falls on another day: in
    # 2028 both fall on 16 April, and the one Easter post greets everyone celebrating.
    ("easter", D(2026, 4, 5), D(2026, 4, 5)),
    ("easter", D(2027, 3, 28), D(2027, 3, 28)),
    ("easter", D(2028, 4, 16), D(2028, 4, 16)),
    ("orthodox-easter", D(2026, 4, 12), D(2026, 4, 12)),
    ("orthodox-easter", D(2027, 5, 2), D(2027, 5, 2)),
]


@pytest.mark.parametrize(
    ("entry_id", "start", "end"),
    EXPECTED,
    ids=[f"{entry_id}-{start.year}" for entry_id, start, _ in EXPECTED],
)
def test_the_calendar_gives_the_published_dates(
    calendar: Calendar, entry_id: str, start: date, end: date
) -> None:
    assert spans_starting_in(calendar, entry_id, start.year) == [(start, end)]


def test_south_asian_heritage_month_uses_the_new_dates_only_from_2026(calendar: Calendar) -> None:
    assert spans_starting_in(calendar, "south-asian-heritage-month", 2025) == []


def test_black_history_month_is_a_separate_entry_for_each_country(calendar: Calendar) -> None:
    us_february = {o.entry.id for o in occurrences(calendar, D(2027, 2, 1), D(2027, 2, 28), "us")}
    assert "black-history-month-us" in us_february
    assert "black-history-month-ca" not in us_february
    us_october = {o.entry.id for o in occurrences(calendar, D(2027, 10, 1), D(2027, 10, 31), "us")}
    assert "black-history-month-uk" not in us_october
    assert "lgbt-history-month-us" in us_october
    uk_october = {o.entry.id for o in occurrences(calendar, D(2027, 10, 1), D(2027, 10, 31), "uk")}
    assert {"black-history-month-uk", "world-mental-health-day"} <= uk_october


def test_remembrance_days_are_commemorated(calendar: Calendar) -> None:
    tones = {entry.id: entry.tone for entry in calendar.entries}
    assert tones["holocaust-memorial-day"] == "commemorate"
    assert tones["transgender-day-of-remembrance"] == "commemorate"
    assert tones["yom-kippur"] != "celebrate"


def test_there_are_at_least_forty_entries_with_unique_ids(
    calendar: Calendar, raw_entries: list[dict[str, Any]]
) -> None:
    ids = [entry["id"] for entry in raw_entries]
    assert len(ids) >= 40
    assert len(set(ids)) == len(ids)
    assert len(calendar.entries) == len(ids)


def test_every_entry_has_a_link_a_tone_and_two_or_three_actions(
    raw_entries: list[dict[str, Any]],
) -> None:
    for entry in raw_entries:
        assert entry["link"].startswith("https://"), entry["id"]
        assert entry["tone"] in {"celebrate", "mark", "commemorate"}, entry["id"]
        assert 2 <= len(entry["actions"]) <= 3, entry["id"]
        assert entry["description"].strip(), entry["id"]


def test_no_description_or_action_says_happy(raw_entries: list[dict[str, Any]]) -> None:
    for entry in raw_entries:
        for text in [entry["description"], *entry["actions"]]:
            assert "happy" not in text.lower(), entry["id"]


def test_organiser_dates_cover_2026_to_2028_and_say_where_they_come_from(
    raw_entries: list[dict[str, Any]],
) -> None:
    organised = [e for e in raw_entries if e["rule"]["type"] == "organiser"]
    assert {e["id"] for e in organised} >= {
        "neurodiversity-celebration-week",
        "national-inclusion-week",
        "social-mobility-day",
        "careers-in-ideas-week",
        "uk-disability-history-month",
        "inter-faith-week",
    }
    for entry in organised:
        dates = entry["rule"]["dates"]
        assert {2026, 2027, 2028} <= set(dates), entry["id"]
        for span in dates.values():
            assert isinstance(span["confirmed"], bool), entry["id"]
            assert span["source"].strip(), entry["id"]


def test_ramadan_ends_the_day_before_the_calendars_own_eid(calendar: Calendar) -> None:
    eids = {
        start
        for year in range(2026, 2036)  # the holidays tables end in 2035
        for start, _ in spans_starting_in(calendar, "eid-al-fitr", year)
    }
    ramadans = [
        span for year in range(2026, 2035) for span in spans_starting_in(calendar, "ramadan", year)
    ]
    assert len(ramadans) == 10  # 2030 has two
    for start, last in ramadans:
        assert last + timedelta(days=1) in eids, start
        assert 29 <= (last - start).days + 1 <= 30, start


def test_holocaust_remembrance_reaches_us_and_global_channels_and_uk_ones_once(
    calendar: Calendar,
) -> None:
    day = D(2027, 1, 27)
    found = occurrences(calendar, day, day)
    ihrd = next(o for o in found if o.entry.id == "international-holocaust-remembrance-day")
    hmd = next(o for o in found if o.entry.id == "holocaust-memorial-day")
    assert ihrd.covers_any(["us"]) and ihrd.covers_any(["global"])
    assert not ihrd.covers_any(["uk", "global"]) and hmd.covers_any(["uk", "global"])
    assert ihrd.entry.tone == "commemorate"


# --- the words of posts (issue 17) -----------------------------------------------------------


def _day_post(calendar: Calendar, entry_id: str, year: int, on_the_day: bool = True) -> str:
    from bot.awareness.posts import post_message

    found = [o for o in occurrences(calendar, D(year, 1, 1), D(year, 12, 31))]
    occurrence = next(o for o in found if o.entry.id == entry_id)
    on = occurrence.start if on_the_day else occurrence.start - timedelta(days=1)
    return post_message(occurrence, "day", on=on).plain_text()


def test_faith_festivals_are_greeted_for_those_celebrating_never_we_celebrate(
    calendar: Calendar,
) -> None:
    festivals = [
        e for e in calendar.entries if e.category == "faith-and-culture" and e.tone == "celebrate"
    ]
    assert len(festivals) >= 10
    assert all(e.greeting for e in festivals), [e.id for e in festivals if not e.greeting]
    for entry in festivals:
        for on_the_day in (True, False):
            text = _day_post(calendar, entry.id, 2027, on_the_day)
            assert "we celebrate" not in text.lower(), (entry.id, text)
            assert f"{entry.greeting} to everyone celebrating." in text, entry.id
    diwali = _day_post(calendar, "diwali", 2027)
    assert diwali.startswith("Today is Diwali. Happy Diwali to everyone celebrating.")


def test_eid_on_the_day_is_still_expected_with_the_other_possible_day(calendar: Calendar) -> None:
    text = _day_post(calendar, "eid-al-fitr", 2027)
    assert text.startswith(
        "Eid al-Fitr is expected today. Eid Mubarak to everyone celebrating. The date depends "
        "on the sighting of the moon, so some will mark it on Wednesday 10 March."
    )
    assert "More from the organisers" not in text  # explainers, not organisers
    assert "Muslim Council of Britain: https://mcb.org.uk/" in text


def test_un_days_take_the_and_a_day_of_remembrance_is_said_once(calendar: Calendar) -> None:
    text = _day_post(calendar, "international-day-of-persons-with-disabilities", 2027)
    assert text.startswith("Today marks the International Day of Persons with Disabilities.")
    assert "organisers of the International Day" in text
    slavery = _day_post(calendar, "international-day-of-remembrance-of-slavery-victims", 2027)
    assert slavery.split("\n", 1)[0].lower().count("remembrance") == 1
    ihrd = _day_post(calendar, "international-holocaust-remembrance-day", 2027)
    assert ihrd.startswith("Today is International Holocaust Remembrance Day.\n")
    assert ihrd.split("\n", 1)[0].lower().count("remembrance") == 1


def test_no_action_asks_people_to_represent_their_culture_or_bring_food(
    raw_entries: list[dict[str, Any]],
) -> None:
    for entry in raw_entries:
        words = " ".join(entry["actions"]).lower()
        for othering in (
            "from their culture",
            "share food",
            "sweets",
            "diverse inventor",
            "colleagues with caribbean heritage to share",
            "invite colleagues who celebrate",
        ):
            assert othering not in words, (entry["id"], othering)
        if "global" in entry["regions"]:
            assert "real living wage" not in words, entry["id"]
    by_id = {e["id"]: e for e in raw_entries}
    assert by_id["national-inclusion-week"]["category"] == "inclusion"
    assert "parinirvana" in by_id["vesak"]["description"]
    assert "acceptance" in by_id["world-autism-awareness-day"]["description"]
    assert by_id["non-binary-peoples-day"]["link"].split("www.")[-1] != "stonewall.org.uk/"


# --- the review of issue 17's wording (item 9 a-d, h) ----------------------------------------


def _opening(calendar: Calendar, entry_id: str, year: int, on_the_day: bool = True) -> str:
    return _day_post(calendar, entry_id, year, on_the_day).split("\n", 1)[0]


def test_a_remembrance_day_says_remembrance_once(calendar: Calendar) -> None:
    remembered = [e for e in calendar.entries if e.tone == "commemorate"]
    assert len(remembered) >= 6
    for entry in remembered:
        for on_the_day in (True, False):
            opening = _opening(calendar, entry.id, 2027, on_the_day)
            assert opening.lower().count("remembrance") == 1, opening
    assert _opening(calendar, "transgender-day-of-remembrance", 2027) == (
        "Today is Transgender Day of Remembrance."
    )
    assert _opening(calendar, "international-day-of-remembrance-of-slavery-victims", 2027) == (
        "Today is the International Day of Remembrance of the Victims of Slavery and the "
        "Transatlantic Slave Trade."
    )
    assert _opening(calendar, "international-holocaust-remembrance-day", 2027, False) == (
        "Wednesday 27 January is International Holocaust Remembrance Day."
    )
    assert _opening(calendar, "holocaust-memorial-day", 2027) == (
        "Today is Holocaust Memorial Day, a day of remembrance."
    )


def test_names_that_need_the_take_it(calendar: Calendar) -> None:
    """A name headed by a common noun ("the International Day of ...", "the ... Festival")
    takes "the" in running text: "Today is Mid-Autumn Festival" reads wrong."""
    needs_the = [
        e
        for e in calendar.entries
        if e.name.startswith(("International Day", "World Day", "National Day"))
        or e.name.endswith("Festival")
    ]
    assert len(needs_the) >= 9
    assert [e.id for e in needs_the if not e.definite] == []
    assert _opening(calendar, "mid-autumn-festival", 2027) == (
        "Today is the Mid-Autumn Festival. Happy Mid-Autumn Festival to everyone celebrating."
    )
    truth = next(o for o in occurrences(calendar, D(2027, 9, 30), D(2027, 9, 30), "ca"))
    assert truth.entry.id == "national-day-for-truth-and-reconciliation"
    assert _opening(calendar, truth.entry.id, 2027) == (
        "Today is the National Day for Truth and Reconciliation, a day of remembrance."
    )
    assert _opening(calendar, "idahobit", 2027).startswith(
        "Today marks the International Day Against Homophobia"
    )


def test_easter_and_orthodox_easter_are_greeted_like_the_other_festivals(
    calendar: Calendar,
) -> None:
    from dateutil.easter import EASTER_ORTHODOX, EASTER_WESTERN, easter

    diwali = calendar.entry("diwali")
    for entry_id in ("easter", "orthodox-easter"):
        entry = calendar.entry(entry_id)
        assert entry is not None and diwali is not None
        assert (entry.category, entry.tone, entry.greeting) == (
            diwali.category,
            diwali.tone,
            "Happy Easter",
        )
        assert entry.regions == ("global",)
    assert _opening(calendar, "easter", 2027) == (
        "Today is Easter Sunday. Happy Easter to everyone celebrating."
    )
    assert _opening(calendar, "orthodox-easter", 2027) == (
        "Today is Orthodox Easter (Pascha). Happy Easter to everyone celebrating."
    )
    assert _opening(calendar, "orthodox-easter", 2026, on_the_day=False) == (
        "Sunday 12 April is Orthodox Easter (Pascha). Happy Easter to everyone celebrating."
    )
    # Orthodox Easter is dateutil's EASTER_ORTHODOX date; in a year it is also Western
    # Easter's, one post greets everyone rather than two posts on the same morning.
    for year in range(2026, 2036):
        orthodox, western = easter(year, EASTER_ORTHODOX), easter(year, EASTER_WESTERN)
        expected = [] if orthodox == western else [(orthodox, orthodox)]
        assert spans_starting_in(calendar, "orthodox-easter", year) == expected, year
        assert spans_starting_in(calendar, "easter", year) == [(western, western)], year
    assert spans_starting_in(calendar, "orthodox-easter", 2028) == []
    both = [o.entry.id for o in occurrences(calendar, D(2028, 4, 16), D(2028, 4, 16))]
    assert both.count("easter") == 1 and "orthodox-easter" not in both


def test_we_celebrate_only_heritage_months_pride_and_womens_days(calendar: Calendar) -> None:
    """The style guide's rule: "we celebrate" presumes the whole organisation celebrates, so
    it is kept for heritage and history months, Pride and women's days. A day that recalls an
    injustice (Windrush Day, Juneteenth) or a visibility day is marked."""
    celebrated = []
    for entry in calendar.entries:
        for on_the_day in (True, False):
            if "we celebrate" in _day_post(calendar, entry.id, 2027, on_the_day).lower():
                celebrated.append(entry)
                ok = entry.kind == "month" or entry.category == "gender" or "Pride" in entry.name
                assert ok, entry.id
    assert {"international-womens-day", "ada-lovelace-day"} <= {e.id for e in celebrated}
    for entry_id in ("windrush-day", "juneteenth", "trans-day-of-visibility"):
        assert calendar.entry(entry_id) not in celebrated, entry_id
    assert _opening(calendar, "windrush-day", 2027) == "Today marks Windrush Day."
    assert _opening(calendar, "juneteenth", 2027) == "Today marks Juneteenth."
    assert _opening(calendar, "trans-day-of-visibility", 2027) == (
        "Today marks International Transgender Day of Visibility."
    )


#: Sites of one faith organisation: a post that links one offers a neutral explainer too.
FAITH_BODIES = ("hinducounciluk.org", "churchofengland.org", "mcb.org.uk")
EXPLAINERS = ("https://www.britannica.com/", "https://en.wikipedia.org/")


def test_a_faith_bodys_page_has_a_neutral_explainer_beside_it(calendar: Calendar) -> None:
    linking = [
        e
        for e in calendar.entries
        if any(
            body in url for body in FAITH_BODIES for url in (e.link, *(m.url for m in e.more_links))
        )
    ]
    assert {"diwali", "holi", "easter", "eid-al-fitr"} <= {e.id for e in linking}
    for entry in linking:
        urls = [entry.link, *(m.url for m in entry.more_links)]
        assert any(url.startswith(EXPLAINERS) for url in urls), entry.id
    holi = _day_post(calendar, "holi", 2027)
    assert "Find out more: https://www.britannica.com/topic/Holi" in holi
    assert "Hindu Council UK: https://www.hinducounciluk.org/" in holi
