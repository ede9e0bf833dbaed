"""The one-time link code: easy to type, nothing that looks alike, read however it is typed."""

from __future__ import annotations

from bot.domain.family import CODE_ALPHABET, CODE_LENGTH, new_link_code, typed_code


def test_codes_use_only_letters_and_digits_that_cannot_be_mistaken() -> None:
    codes = {new_link_code() for _ in range(200)}
    assert len(codes) > 190
    assert all(len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET) for code in codes)
    assert not set("01OIL") & set(CODE_ALPHABET)


def test_a_typed_code_is_read_in_any_case_with_spaces_or_a_dash() -> None:
    assert typed_code("k7p3qx") == "K7P3QX"
    assert typed_code(" K7P-3QX ") == "K7P3QX"
    assert typed_code("K7P 3QX") == "K7P3QX"
    assert typed_code("K0P3QX") is None  # a zero is never in a code
    assert typed_code("K7P3Q") is None and typed_code("") is None
