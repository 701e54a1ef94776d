"""Moderation: the policy that decides where a new response goes."""
