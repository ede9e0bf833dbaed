"""The reminder plans a parent picks from (/remind): a name each, stored with the plan.

Here rather than in `bot.domain.planning`, which times them, because the domain reads them too
(a nudge about few sessions means something else on the building plan)."""

from __future__ import annotations

from enum import StrEnum


class Preset(StrEnum):
    BUILDING = "building"  # building supply, or a premature or sick baby
    ESTABLISHED = "established"  # established supply, nights off
    OCCASIONAL = "occasional"  # once a day at a chosen time
    CUSTOM = "custom"  # typed by the parent
