"""Student peer helpers: least data, consent, links to mentors, erasure."""
