"""Visitors (访客登记): slips, expected visitors, the deny list, hosts, history, purge."""
