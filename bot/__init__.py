"""pumpbot: a Telegram bot for parents who pump breast milk."""

__version__ = "0.1.0"
