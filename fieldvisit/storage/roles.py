"""PostgreSQL least privilege: the grants of the application role the team server runs as.

The owner role (``fieldvisit db upgrade``) owns the schema. The application role reads and
writes the working tables, but may only INSERT into the audit log and the visit records (never
UPDATE, DELETE or TRUNCATE them), owns nothing and cannot CREATE, ALTER or DROP.
"""

from __future__ import annotations

import re

from sqlalchemy import Engine, text

from fieldvisit.domain.errors import ValidationError

APPEND_ONLY = ("audit_log", "visit_records")
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def app_role_sql(role: str, database: str) -> list[str]:
    """The statements, in order (also printed for a DBA who prefers to run them by hand)."""
    if not _NAME.match(role):
        raise ValidationError("server.error.role_name", role=role)
    quoted_db = '"' + database.replace('"', '""') + '"'
    return [
        f"REVOKE ALL ON DATABASE {quoted_db} FROM PUBLIC",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {quoted_db} TO {role}",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {', '.join(APPEND_ONLY)} FROM {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
    ]


def grant_app_role(engine: Engine, role: str) -> list[str]:
    """Apply ``app_role_sql`` as the owner; the role must exist, log in, and not be a superuser."""
    if engine.dialect.name != "postgresql":
        raise ValidationError("server.error.roles_need_postgres")
    with engine.begin() as connection:
        found = connection.execute(
            text("SELECT rolsuper, rolcanlogin FROM pg_roles WHERE rolname = :r"), {"r": role}
        ).first()
        if found is None:
            raise ValidationError("server.error.no_role", role=role)
        if found.rolsuper:
            raise ValidationError("server.error.role_superuser", role=role)
        database = connection.execute(text("SELECT current_database()")).scalar_one()
        statements = app_role_sql(role, database)
        for statement in statements:
            connection.execute(text(statement))
    return statements
