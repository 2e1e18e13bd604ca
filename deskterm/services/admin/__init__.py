"""Administration: accounts, database care, setup, imports and reference data."""
