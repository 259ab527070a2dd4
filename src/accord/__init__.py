"""Accord: where product management, marketing and IT plan one product together."""

__version__ = "0.1.0"
