"""Alembic migrations; the bot runs `upgrade head` at start."""
