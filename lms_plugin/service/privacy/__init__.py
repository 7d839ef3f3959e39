"""Retention of logbook details, the data-protection notice, a helper's data-subject export."""
