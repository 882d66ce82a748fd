"""The words of a caption, as caption search matches them."""

from __future__ import annotations

import re

WORD_MAX = 100
_WORD_RE = re.compile(r"\w+")


def caption_words(text: str) -> tuple[str, ...]:
    """Distinct lower-cased words (letters, digits, '_'), in order, each cut to 100 characters."""
    return tuple(dict.fromkeys(word[:WORD_MAX] for word in _WORD_RE.findall(text.lower())))
