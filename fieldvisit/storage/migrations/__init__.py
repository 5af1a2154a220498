"""Alembic migrations of the FieldVisit schema."""
