"""Callbacks (回访): the shared queue of repair and complaint callbacks and what their outcomes do."""
