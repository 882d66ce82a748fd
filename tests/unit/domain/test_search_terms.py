"""What a search query means (domain.search)."""

from __future__ import annotations

from domain.search import MAX_TERMS, fold, parse_search, search_words


def test_words_are_folded_runs_of_letters_and_digits() -> None:
    assert search_words("Café_au-LAIT 42x") == ("cafe", "au", "lait", "42x")
    assert fold("ÉCOLE Straße") == "ecole strasse"


def test_plain_words_are_one_word_phrases_and_the_last_is_a_prefix() -> None:
    terms = parse_search("funny cat")

    assert terms.phrases == (("funny",), ("cat",))
    assert terms.prefix


def test_quoted_phrases_exclusions_and_hashtags() -> None:
    terms = parse_search('"Funny Dog" -spam -"buy now" #Cats')

    assert terms.phrases == (("funny", "dog"), ("cats",))
    assert terms.excluded == (("spam",), ("buy", "now"))
    assert terms.hashtags == ("cats",)
    assert not terms.prefix  # the last term is a hashtag


def test_an_unterminated_quote_runs_to_the_end() -> None:
    assert parse_search('"open phrase').phrases == (("open", "phrase"),)


def test_a_repeated_last_word_stays_the_prefix() -> None:
    terms = parse_search("cat dog cat")

    assert terms.phrases == (("dog",), ("cat",))
    assert terms.prefix


def test_exclusions_alone_find_nothing() -> None:
    assert not parse_search("-spam -ham").finds_anything
    assert not parse_search("!!! ---").finds_anything


def test_only_the_first_terms_count() -> None:
    terms = parse_search(" ".join(f"w{i}" for i in range(MAX_TERMS + 10)))

    assert len(terms.phrases) == MAX_TERMS
