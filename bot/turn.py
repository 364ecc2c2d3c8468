"""One event's unit of work: the event, its transaction, the instant, the configuration and
what the features were loaded with."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from sqlalchemy.orm import Session

from bot.config import Settings
from bot.conversation import Actor, Event, Message, Say
from bot.people import is_admin
from bot.resources import Resources

T = TypeVar("T")


@dataclass
class Turn:
    session: Session
    event: Event
    now: datetime
    settings: Settings
    resources: Resources = field(default_factory=Resources)

    @property
    def actor(self) -> Actor:
        return self.event.actor

    def need(self, kind: type[T]) -> T:
        """What a feature was loaded with (its content, calendar or keys)."""
        return self.resources.need(kind)

    def is_admin(self) -> bool:
        return is_admin(self.session, self.settings, self.actor.address)

    def say(self, message: Message) -> Say:
        """Reply; privately when the event came from a channel, since replies are personal."""
        return Say(message=message, ephemeral=self.event.place.kind == "channel")
