"""Users, their roles and the launch they are working in."""
