"""The courses feature."""
