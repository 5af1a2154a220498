"""Prepare a PostgreSQL server for a demo team server and print the URLs (``make serve`` runs it).

Creates the database and an application login role when missing; prints two lines: the owner's
URL (for ``fieldvisit db upgrade`` and ``db grant-app-role``) and the application role's URL (for
``fieldvisit serve``). The role's password is its name: a throwaway server on loopback only.
"""

from __future__ import annotations

import sys

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def main(admin_url: str, database: str, role: str) -> None:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        if not connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": database}
        ).first():
            connection.execute(text(f'CREATE DATABASE "{database}"'))
        if not connection.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}
        ).first():
            connection.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD '{role}'"))
    engine.dispose()
    owner = make_url(admin_url).set(database=database)
    print(owner.render_as_string(hide_password=False))
    print(owner.set(username=role, password=role).render_as_string(hide_password=False))


if __name__ == "__main__":
    main(*sys.argv[1:4])
