"""Coverage figures: country, centre and school."""
