"""Reusable widgets: safe text, form fields, the paged record list, SLA countdowns, the bars."""
