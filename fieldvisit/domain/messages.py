"""Translatable messages: an id plus parameters, rendered by ``fieldvisit.i18n``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Message:
    """A message the user will read, in whatever language the caller chooses."""

    id: str
    params: Mapping[str, Any] = field(default_factory=dict)
