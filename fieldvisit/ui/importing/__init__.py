"""Importing wing: the import screen and its mapping dialog."""
