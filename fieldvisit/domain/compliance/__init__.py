"""Compliance engine: rule profiles as data, every visit checked and explained."""
