"""Sign-in sessions of the team server: only hashes of the tokens are kept."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from fieldvisit.storage.base import Base


class ServerSession(Base):
    """One signed-in client; its access token is short-lived, its refresh token rotates on use."""

    __tablename__ = "server_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # SHA-256 of random 256-bit tokens: a stolen copy of the table signs nobody in.
    access_hash: Mapped[str] = mapped_column(String(64), unique=True)
    refresh_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime]
    access_expires_at: Mapped[datetime]
    refresh_expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    host: Mapped[str | None] = mapped_column(String(128))
