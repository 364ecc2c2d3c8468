"""``/report``: file a report, follow one up, and, for handlers and admins, the case list,
handler management and anonymous trends."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from bot import platforms
from bot.conversation import (
    ActionEvent,
    ActionsBlock,
    Address,
    Block,
    Button,
    FormEvent,
    Message,
    OpenForm,
    Reply,
    Say,
    TextBlock,
    text_message,
)
from bot.reports import cases, registry
from bot.reports.followup import FOLLOWUP_FORM, follow_up, followup_form
from bot.reports.intake import FILE_FORM, NOT_RECEIVED, file, file_form, offered
from bot.reports.models import ReportCase
from bot.reports.resources import Desk
from bot.turn import Turn

HELP = (
    "/report: report racism or harassment, anonymously unless you choose otherwise\n"
    "/report followup: read replies to your report and answer, with its reference and "
    "passphrase\n"
    "/report cases [closed]: the cases you handle, open or closed (designated handlers)\n"
    "/report handlers [add ADDRESS CATEGORIES [escalation] | remove ADDRESS]: "
    "who handles what (admins)\n"
    "/report trends: reports by category and month, small numbers hidden (admins)"
)
SMALL = 5  # counts under this are hidden: a small number can point at a person
#: To a would-be reporter: nothing about keys or settings, and no promise anyone will read it.
DISABLED = (
    "Reports cannot be sent here yet. Nothing was sent; please use your organisation's "
    "other reporting routes for now."
)
NOBODY = (
    "Reports cannot be sent here yet: nobody has been designated to receive them, so a report "
    "would reach no one. Nothing was sent; please use your organisation's other reporting "
    "routes for now."
)


def private(text: str, *more: str) -> Say:
    return Say(message=text_message(text, *more), ephemeral=True)


def on_command(turn: Turn, args: str) -> list[Reply]:
    desk = turn.resources.find(Desk)
    if desk is None:
        return [private(DISABLED)]
    word, _, rest = args.strip().partition(" ")
    word = word.lower()
    if word == "":
        if not offered(turn, desk):
            return [private(NOBODY)]
        return [OpenForm(form=file_form(turn, desk))]
    if word == "followup":
        return [OpenForm(form=followup_form())]
    if word == "help":
        return [private(HELP)]
    if word == "cases":
        return [_cases(turn, closed=rest.strip().lower() == "closed")]
    if word in ("handlers", "trends"):
        if not turn.is_admin():
            return [private("Only admins can do that.")]
        return [_handlers(turn, rest) if word == "handlers" else _trends(turn, desk)]
    return [private(f"I don't know “/report {word}”.", HELP)]


def on_action(turn: Turn, action: ActionEvent) -> list[Reply]:
    desk = turn.resources.find(Desk)
    if desk is None:
        return [private(DISABLED)]
    return cases.on_action(turn, desk, action)


def on_form(turn: Turn, form: FormEvent) -> list[Reply]:
    desk = turn.resources.find(Desk)
    if desk is None:
        return [private(NOT_RECEIVED if form.form_id == FILE_FORM else DISABLED)]
    if form.form_id == FILE_FORM:
        return file(turn, desk, form)
    if form.form_id == FOLLOWUP_FORM:
        return follow_up(turn, desk, form)
    return cases.on_form(turn, desk, form)


def _cases(turn: Turn, closed: bool = False) -> Say:
    """The handler's cases, open or closed: only those handlers have been alerted to, so a
    case does not show the moment it is filed (its delayed alert hides that moment)."""
    handler = registry.find(turn.session, turn.actor.address)
    if handler is None:
        return private(cases.NOTHING)
    status = ReportCase.status == "closed" if closed else ReportCase.status != "closed"
    visible = [
        case
        for case in turn.session.scalars(
            select(ReportCase).where(status, ReportCase.alerted).order_by(ReportCase.id)
        )
        if registry.can_see(handler, case)
    ]
    which = "closed" if closed else "open"
    if not visible:
        return private(f"No {which} cases for you.")
    blocks: list[Block] = [TextBlock(text=f"{which.capitalize()} cases", style="heading")]
    for case in visible:
        blocks.append(
            TextBlock(
                text=f"{case.reference}: {case.category}, {cases.STATUSES[case.status].lower()}"
                f", {cases.assigned(turn, case)}"
            )
        )
        blocks.append(
            ActionsBlock(
                buttons=[
                    Button(
                        action_id="report.open",
                        value=str(case.id),
                        label=f"Open {case.reference}",
                        confidential=True,
                    )
                ]
            )
        )
    # Every case, however many: each platform's adapter pages a message past its limits.
    return Say(message=Message(blocks=blocks), ephemeral=True)


def _handlers(turn: Turn, rest: str) -> Say:
    words = rest.split()
    if not words:
        listed = [
            f"{registry.address(h)}{' (' + h.name + ')' if h.name else ''}: "
            f"{', '.join(h.categories) or 'no categories'}"
            f"{'; escalation contact' if h.escalation else ''}"
            for h in registry.everyone(turn.session)
        ]
        lines = ["\n".join(listed) if listed else "None yet."]
        desk = turn.resources.find(Desk)
        if desk is not None:
            nobody = registry.uncovered(
                turn.session,
                [c.id for c in desk.categories],
                platforms.served(turn.settings),
            )
            if nobody:
                lines.append(
                    f"Nobody receives reports of: {', '.join(nobody)}. /report does not offer "
                    "them (and is refused when that is every kind) until a handler or an "
                    "escalation contact is added."
                )
        return private("Handlers:", *lines)
    action, *args = words
    try:
        who = Address.parse(args[0], kind="user") if args else None
    except ValueError as exc:
        return private(str(exc))
    if who is None:
        return private("Name an address, e.g. /report handlers add slack:T0123:U0456 racism")
    if action == "remove":
        if not registry.remove(turn.session, who):
            return private(f"{who} was not a handler.")
        return private(f"{who} is no longer a handler.", *orphaned(registry.orphan(turn.session)))
    if action == "add":
        categories = [c for c in (args[1].split(",") if len(args) > 1 else []) if c]
        desk = turn.resources.find(Desk)
        known = {c.id for c in desk.categories} if desk else set()
        unknown = [c for c in categories if c not in known and c != "escalation"]
        if unknown:
            return private(f"Unknown category {unknown[0]}; categories: {', '.join(sorted(known))}")
        escalation = "escalation" in args[1:] or "escalation" in categories
        kinds = [c for c in categories if c != "escalation"]
        if not kinds and not escalation:
            return private(
                f"Say what {who} handles: categories ({', '.join(sorted(known))}) or "
                f"escalation, e.g. /report handlers add {who} racism,bullying"
            )
        registry.add(turn.session, who, kinds, escalation, "")
        handles = " and ".join(
            part for part in (", ".join(kinds), escalation * "escalations") if part
        )
        return private(f"{who} handles {handles}.")
    return private(
        "Use /report handlers, /report handlers add ADDRESS CATEGORIES or "
        "/report handlers remove ADDRESS."
    )


def orphaned(count: int) -> list[str]:
    """The warning when a removal left open cases with nobody to handle them."""
    if not count:
        return []
    return [
        f"{count} open case(s) now have nobody to handle them. Add a handler for their kind "
        "or an escalation contact: they will be told of them at once."
    ]


def _trends(turn: Turn, desk: Desk) -> Say:
    since = (turn.now.date().replace(day=1) - timedelta(days=335)).replace(day=1)
    counts = Counter(
        (row.category, row.received_on.strftime("%Y-%m"))
        for row in turn.session.execute(
            # Only cases handlers have been told of: a count that moves at filing dates it.
            select(ReportCase.category, ReportCase.received_on).where(
                ReportCase.received_on >= since, ReportCase.alerted
            )
        )
    )
    if not counts:
        return private("No reports in the last twelve months.")
    lines = []
    for category in desk.categories:
        months = sorted((m, n) for (c, m), n in counts.items() if c == category.id)
        if months:
            shown = ", ".join(
                f"{m}: {n if n >= SMALL else f'fewer than {SMALL}'}" for m, n in months
            )
            lines.append(f"{category.label}: {shown}")
    return private("Reports by category and month (counts under 5 are hidden):", "\n".join(lines))
