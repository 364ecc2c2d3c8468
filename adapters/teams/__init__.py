"""Microsoft Teams: the neutral model rendered as Adaptive Cards, served by the Bot Framework SDK.

botbuilder 4.17 is the Bot Framework SDK's final release. Every import of ``botbuilder`` and
``botframework`` stays inside this folder, so moving to its successor (the Microsoft 365 Agents
SDK, which speaks the same Activity protocol) touches this folder alone.
"""
