"""Background jobs: long work (big exports) leaves the request; a page shows progress."""
