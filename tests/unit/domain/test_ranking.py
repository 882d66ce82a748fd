"""The For You ranking: engagement worth halving every 12 hours, as a rank that can be stored."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.ranking import FORMULA, HALF_LIFE_HOURS, engagement_points, rank

START = datetime(2026, 1, 1, tzinfo=UTC)

points = st.integers(min_value=0, max_value=10**9)
moments = st.integers(min_value=0, max_value=3 * 365 * 24 * 3600).map(
    lambda seconds: START + timedelta(seconds=seconds)
)


def _log_score(points: int, published_at: datetime, now: datetime) -> float:
    """ln of the score the formula states, (1 + points) * 2 ^ (-age_hours / 12), computed as a
    logarithm (the score itself underflows for old videos)."""
    age_hours = (now - published_at).total_seconds() / 3600
    return math.log(1 + points) - age_hours / HALF_LIFE_HOURS * math.log(2)


def test_a_view_earns_1_point_a_like_3_and_a_comment_5() -> None:
    assert engagement_points() == 0
    assert engagement_points(views=1) == 1
    assert engagement_points(likes=1) == 3
    assert engagement_points(comments=1) == 5
    assert engagement_points(views=7, likes=2, comments=3) == 7 + 6 + 15


def test_the_formula_states_the_half_life_and_the_weights() -> None:
    assert "every 12 hours" in FORMULA
    assert "1 per counted view, 3 per like and 5 per comment" in FORMULA


def test_engagement_is_worth_half_as_much_12_hours_later() -> None:
    # A video published 12 hours earlier needs twice the (1 + points) to rank the same.
    assert rank(2 * (1 + 10) - 1, START) == pytest.approx(rank(10, START + timedelta(hours=12)))


def test_a_new_video_without_engagement_outranks_a_day_old_one_with_two_points() -> None:
    # (1 + 2) * 2^-2 = 0.75 < 1
    assert rank(0, START + timedelta(hours=24)) > rank(2, START)


@given(a=points, b=points, published=moments)
def test_at_the_same_age_more_points_rank_higher(a: int, b: int, published: datetime) -> None:
    if a != b:
        assert (rank(a, published) > rank(b, published)) is (a > b)


@given(p=points, earlier=moments, later=moments)
def test_with_the_same_points_the_newer_video_ranks_higher(
    p: int, earlier: datetime, later: datetime
) -> None:
    if earlier != later:
        assert (rank(p, later) > rank(p, earlier)) is (later > earlier)


@given(a=points, b=points, published_a=moments, published_b=moments, hours_later=st.floats(0, 240))
def test_ranks_order_videos_as_their_scores_do_at_any_moment(
    a: int, b: int, published_a: datetime, published_b: datetime, hours_later: float
) -> None:
    now = max(published_a, published_b) + timedelta(hours=hours_later)
    # ln(score_a / score_b) is the same at every moment, and it is the difference of the ranks.
    assert rank(a, published_a) - rank(b, published_b) == pytest.approx(
        _log_score(a, published_a, now) - _log_score(b, published_b, now), abs=1e-6
    )
