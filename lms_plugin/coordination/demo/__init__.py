"""Demo data sets: the pilot and the national scale."""
