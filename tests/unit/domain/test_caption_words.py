"""The words of a caption that caption search matches."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from domain.words import WORD_MAX, caption_words


def test_words_are_lower_cased_distinct_and_in_order_of_first_use() -> None:
    assert caption_words("Cats, DOGS and cats; dogs!") == ("cats", "dogs", "and")


def test_letters_digits_and_underscores_make_words_and_the_rest_separates_them() -> None:
    assert caption_words("#snake_case 2026-01 café/Ünïcode") == (
        "snake_case",
        "2026",
        "01",
        "café",
        "ünïcode",
    )


def test_a_caption_without_words_has_none() -> None:
    assert caption_words("") == ()
    assert caption_words(" #! -- ... ") == ()


def test_a_long_word_is_cut_to_100_characters() -> None:
    assert caption_words("x" * (WORD_MAX + 1)) == ("x" * WORD_MAX,)


def test_words_equal_after_the_cut_count_once() -> None:
    assert caption_words("a" * WORD_MAX + "b " + "a" * WORD_MAX + "c") == ("a" * WORD_MAX,)


@given(st.text(max_size=400))
def test_every_word_is_a_distinct_word_of_the_lower_cased_caption(text: str) -> None:
    words = caption_words(text)
    assert len(set(words)) == len(words)
    lowered = text.lower()
    for word in words:
        assert 1 <= len(word) <= WORD_MAX
        assert re.fullmatch(r"\w+", word)
        assert word in lowered
