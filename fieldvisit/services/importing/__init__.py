"""Importing wing: case, contact and payment files in, all-or-nothing."""
