"""Realistic, reproducible demo data: `deskterm demo` (build.py builds it, report.py tells what it made)."""
