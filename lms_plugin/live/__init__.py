"""Live sessions (workshops, online seminars) and attendance."""
