"""The audit log of every read and change of a peer helper's data."""
