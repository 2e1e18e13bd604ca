"""The shift at a post: check-in and self-check, the handover book, the logbook, the dashboard."""
