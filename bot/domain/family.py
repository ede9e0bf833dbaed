"""A family group linked to the parent who pumps: the one-time link code.

The parent asks for a code in her private chat (/link) and sends it in the group
(`/link K7P3QX`). The code is short enough to type on a phone, and without letters that look
alike (0/O, 1/I/L); it is used once and kept for `CODE_FOR`. Codes are compared as typed,
folded to upper case, spaces and dashes dropped.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
CODE_FOR = timedelta(hours=1)


def new_link_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def typed_code(text: str) -> str | None:
    """The code in what follows /link (`k7p3qx`, `K7P-3QX`), or None when it is not one."""
    code = "".join(text.split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code
