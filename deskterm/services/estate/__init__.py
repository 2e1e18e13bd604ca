"""The estate: buildings, units, residents and company tenants, and their import."""
