"""Millilitres and ounces (amounts are stored in millilitres and shown in the chat's unit),
and the ways milk is expressed."""

from __future__ import annotations

from enum import StrEnum


class Unit(StrEnum):
    """How a chat shows amounts; amounts are stored in millilitres."""

    ML = "ml"
    OZ = "oz"


class Method(StrEnum):
    """How a session's milk was expressed."""

    PUMP = "pump"
    HAND = "hand"


ML_PER_OZ = 29.5735


def ml_to_unit(ml: float, unit: Unit) -> float:
    return ml / ML_PER_OZ if unit == Unit.OZ else ml


def unit_to_ml(value: float, unit: Unit) -> float:
    return value * ML_PER_OZ if unit == Unit.OZ else value
