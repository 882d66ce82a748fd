"""The words demo data is made of, read from `vocabulary.json` (shipped with the package)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True, slots=True)
class Topic:
    """What a video can be about: its hashtags and captions."""

    name: str
    hashtags: tuple[str, ...]
    captions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Vocabulary:
    first_names: tuple[tuple[str, str], ...]  # (username form, display form)
    last_names: tuple[tuple[str, str], ...]
    name_emoji: tuple[str, ...]
    bios: tuple[str, ...]
    topics: tuple[Topic, ...]
    generic_hashtags: tuple[str, ...]
    generic_captions: tuple[str, ...]
    caption_emoji: tuple[str, ...]
    comments: tuple[str, ...]
    replies: tuple[str, ...]

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Vocabulary:
        def strings(name: str) -> tuple[str, ...]:
            values = raw[name]
            if not values or not all(isinstance(value, str) and value for value in values):
                raise ValueError(f"vocabulary: {name} must be a non-empty list of strings")
            return tuple(values)

        return cls(
            first_names=tuple((name.lower(), name) for name in strings("first_names")),
            last_names=tuple((str(plain), str(shown)) for plain, shown in raw["last_names"]),
            name_emoji=strings("name_emoji"),
            bios=strings("bios"),
            topics=tuple(
                Topic(
                    name=str(topic["name"]),
                    hashtags=tuple(topic["hashtags"]),
                    captions=tuple(topic["captions"]),
                )
                for topic in raw["topics"]
            ),
            generic_hashtags=strings("generic_hashtags"),
            generic_captions=strings("generic_captions"),
            caption_emoji=strings("caption_emoji"),
            comments=strings("comments"),
            replies=strings("replies"),
        )


@cache
def vocabulary() -> Vocabulary:
    """The shipped vocabulary."""
    text = (
        resources.files("entrypoints.seed").joinpath("vocabulary.json").read_text(encoding="utf-8")
    )
    return Vocabulary.from_json(json.loads(text))
