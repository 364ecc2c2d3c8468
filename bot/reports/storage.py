"""Key rotation for sealed report data."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.reports.models import CaseMessage, ReportCase
from bot.reports.secrets import Vault


def rekey(session: Session, vault: Vault) -> int:
    """Re-encrypt every sealed value with the vault's newest key; return how many."""
    count = 0
    for case in session.scalars(select(ReportCase)):
        for column in ("content", "outcome"):
            value = getattr(case, column)
            if value:
                setattr(case, column, vault.reseal(value))
                count += 1
    for message in session.scalars(select(CaseMessage).where(CaseMessage.body.is_not(None))):
        assert message.body is not None
        message.body = vault.reseal(message.body)
        count += 1
    return count
