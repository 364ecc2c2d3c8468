"""The features this bot is made of, in the order help lists them and the tick runs them.

Adding a feature is a folder in bot/ with its ``feature.py``, and one line here.
"""

from __future__ import annotations

import importlib

from bot.awareness.feature import FEATURE as AWARENESS
from bot.commitments.feature import FEATURE as COMMITMENTS
from bot.dashboard.feature import FEATURE as DASHBOARD
from bot.features import Command, Feature
from bot.pledge.feature import FEATURE as PLEDGE
from bot.reports.feature import FEATURE as REPORTS
from bot.volunteers.feature import FEATURE as VOLUNTEERS

FEATURES: tuple[Feature, ...] = (
    PLEDGE,
    COMMITMENTS,
    AWARENESS,
    REPORTS,
    VOLUNTEERS,
    DASHBOARD,
)


def load_models(features: tuple[Feature, ...]) -> None:
    """Import every feature's models modules, so ``Base.metadata`` holds all their tables
    (what Alembic compares and migrates), whether or not a handler happens to import them."""
    for feature in features:
        for module in feature.models:
            importlib.import_module(module)


load_models(FEATURES)
#: Every command, in help's order: what the platforms' manifests declare.
COMMANDS: tuple[Command, ...] = tuple(c for feature in FEATURES for c in feature.commands)
