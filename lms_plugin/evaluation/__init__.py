"""The course's own evaluation: entry and exit self-assessment, the anonymous survey."""
