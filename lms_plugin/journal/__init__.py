"""The practicum and reflective journal."""
