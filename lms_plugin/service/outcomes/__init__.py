"""Outcome indicators, the dashboard beside coverage, and the year report."""
