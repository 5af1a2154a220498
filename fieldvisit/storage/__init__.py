"""Database: SQLAlchemy models, repositories, Alembic migrations."""
