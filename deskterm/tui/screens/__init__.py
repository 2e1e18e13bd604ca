"""One module per screen. Area screens subclass `base.AreaScreen` (see tui/README.md)."""
