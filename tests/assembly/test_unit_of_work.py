"""One unit of work per update: a typed log costs at most two database transactions."""

from __future__ import annotations

import sqlalchemy as sa

from tests.support.kit import BotHarness


def count_transactions(bot: BotHarness) -> list[str]:
    """Every transaction begun on the bot's engine from now on (a connection checked out and
    its work committed or rolled back counts once)."""
    begun: list[str] = []
    sa.event.listen(bot.services.db.engine, "begin", lambda conn: begun.append("begin"))
    return begun


async def test_a_typed_log_costs_at_most_two_transactions(bot: BotHarness) -> None:
    await bot.say("120 ml")  # the chat exists, as it does for every log but the first
    begun = count_transactions(bot)
    reply = await bot.say("L 60 R 70 20min")
    assert "130" in reply.text
    assert len(begun) <= 2, begun
