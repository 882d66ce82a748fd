"""Use cases of follows, likes, comments, views and feeds."""
