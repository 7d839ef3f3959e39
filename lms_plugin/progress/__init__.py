"""The progress feature."""
