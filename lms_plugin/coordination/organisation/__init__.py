"""Programmes, training centres and schools: the CSV import and export."""
