"""Geocoding through geopy behind one adapter, with a cache and honest quality flags."""
