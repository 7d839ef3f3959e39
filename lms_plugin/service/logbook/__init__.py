"""The mentor's logbook: helper-training sessions, supervision meetings, monthly summaries."""
