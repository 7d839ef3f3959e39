"""The certification feature."""
