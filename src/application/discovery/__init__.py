"""Use cases of search, hashtags and discovery."""
