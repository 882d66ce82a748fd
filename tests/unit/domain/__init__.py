"""The domain's rules, directly."""
