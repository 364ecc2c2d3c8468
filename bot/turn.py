"""One event's unit of work: the event, its transaction, the instant and the configuration."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.awareness.calendar import EMPTY_CALENDAR, Calendar
from bot.config import Settings
from bot.conversation import Actor, Event, Message, Say
from bot.people import is_admin
from bot.pledge.content import Pledge
from bot.reports.resources import Desk


@dataclass
class Turn:
    session: Session
    event: Event
    now: datetime
    settings: Settings
    pledge: Pledge
    calendar: Calendar = EMPTY_CALENDAR
    reports: Desk | None = None

    @property
    def actor(self) -> Actor:
        return self.event.actor

    def is_admin(self) -> bool:
        return is_admin(self.session, self.settings, self.actor.address)

    def say(self, message: Message) -> Say:
        """Reply; privately when the event came from a channel, since replies are personal."""
        return Say(message=message, ephemeral=self.event.place.kind == "channel")
