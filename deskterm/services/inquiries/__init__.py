"""Inquiries (问询): the inquiry log, messages, promised replies, the directory and the search box."""
