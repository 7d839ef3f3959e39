"""The matcher (pure, `matcher.py`), its drafts, review and publication."""
