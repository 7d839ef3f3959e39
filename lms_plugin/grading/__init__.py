"""The grading feature."""
