"""Complaints (投诉): intake and handling, categories, queries, the communication log."""
