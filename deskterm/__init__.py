"""deskterm: the terminal application of a property-management front desk."""

__version__ = "0.1.0"
