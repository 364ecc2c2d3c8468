"""Checking a submitted form against its fields: the rules every surface shares.

Adapters may enforce limits natively too (Slack's max_length, Adaptive Card isRequired), but the
core never trusts that: a console, a JSON-lines script or a stale modal can send anything.
Errors are keyed by field so each surface can show them in place and keep the other values.
"""

from __future__ import annotations

from datetime import date

from bot.conversation import Form, FormField, FormValue
from bot.text import TooLong, clean_limited
from bot.timezones import parse_local_time

DEFAULT_TEXT_LIMIT = 500


def _as_list(value: FormValue | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(part).strip() for part in value if str(part).strip()]


def _check(field: FormField, raw: FormValue | None) -> FormValue:
    """The cleaned value of one field; raise ValueError with a message for the user."""
    if field.kind == "multi_choice":
        chosen = list(dict.fromkeys(_as_list(raw)))
        allowed = {option.value for option in field.options}
        unknown = [value for value in chosen if value not in allowed]
        if unknown:
            raise ValueError(f"{', '.join(unknown)} is not one of the choices.")
        if field.max_selected is not None and len(chosen) > field.max_selected:
            raise ValueError(f"Choose at most {field.max_selected}.")
        if field.required and not chosen:
            raise ValueError("Choose at least one.")
        return chosen
    text = raw if isinstance(raw, str) else ",".join(raw or [])
    limit = field.max_length or DEFAULT_TEXT_LIMIT
    try:
        value = clean_limited(text, limit, multiline=field.kind == "long_text")
    except TooLong as exc:
        raise ValueError(str(exc)) from None
    if not value:
        if field.required:
            raise ValueError("This is required.")
        return ""
    if field.kind == "choice" and value not in {option.value for option in field.options}:
        raise ValueError(f"{value!r} is not one of the choices.")
    if field.kind == "date":
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise ValueError("Use a date like 2027-04-14 (year-month-day).") from None
    if field.kind == "time":
        return parse_local_time(value).strftime("%H:%M")
    return value


def subject(field: FormField) -> str:
    """How an error names its field: the label without "(optional)"."""
    return field.label.removesuffix(" (optional)")


def validate(
    form: Form, values: dict[str, FormValue]
) -> tuple[dict[str, FormValue], dict[str, str]]:
    """Return (cleaned values, errors by field name). Unknown fields are ignored.

    Each error names its field ("Check-in time: This is required."): a surface that cannot
    show errors in place (a JSON-lines script, Slack past its 3 seconds, a Teams card that
    cannot be redrawn) lists the messages alone, and they must still say which answer is wrong.
    """
    cleaned: dict[str, FormValue] = {}
    errors: dict[str, str] = {}
    for field in form.fields:
        try:
            cleaned[field.name] = _check(field, values.get(field.name))
        except ValueError as exc:
            errors[field.name] = f"{subject(field)}: {exc}"
    return cleaned, errors
