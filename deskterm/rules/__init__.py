"""Pure domain rules of the front desk (DOMAIN.md D-n): no I/O, no database and no clock of their own."""
