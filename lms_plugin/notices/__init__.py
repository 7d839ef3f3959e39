"""E-mail reminders and notices (issue #17 item 5), sent by the background worker."""
