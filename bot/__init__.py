"""pumpbot: a Telegram bot for parents who pump breast milk."""

from bot.http_client import use_httpx2

# Before python-telegram-bot, or anything else, imports httpx (bot/http_client.py says why).
use_httpx2()

__version__ = "0.1.0"
