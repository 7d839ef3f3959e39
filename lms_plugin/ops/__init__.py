"""Operations: database tuning, backup and restore."""
