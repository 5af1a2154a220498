"""Message catalogues without Qt: the domain returns message ids, every surface translates here.

Catalogues are JSON files ``resources/i18n/<lang>/<namespace>.json`` mapping a message id
to a ``str.format`` template with named parameters; ``<id>#one`` is the form used when the
``count`` parameter is 1 (English singulars). Each feature keeps its own namespace file,
so parallel work never edits the same catalogue.
"""

from __future__ import annotations

import json
import locale
import logging
import os
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from fieldvisit.domain.messages import Message

LANGUAGES: tuple[str, ...] = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

_log = logging.getLogger(__name__)


@cache
def catalogue(lang: str) -> Mapping[str, str]:
    """All messages of one language, merged from its namespace files."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    merged: dict[str, str] = {}
    folder = resources.files("fieldvisit.resources").joinpath("i18n", lang)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        data = json.loads(entry.read_text(encoding="utf-8"))
        duplicated = merged.keys() & data.keys()
        if duplicated:
            raise ValueError(f"{lang}/{entry.name} redefines {sorted(duplicated)}")
        merged.update(data)
    return merged


def translate(message_id: str, lang: str = DEFAULT_LANGUAGE, **params: Any) -> str:
    """The message in ``lang``; a missing id is logged and shown as the id itself, never hidden."""
    messages = catalogue(lang)
    template = messages.get(message_id)
    if params.get("count") == 1:
        # English needs a singular ("1 case"); a catalogue gives it as ``<id>#one``.
        template = messages.get(message_id + "#one", template)
    if template is None:
        _log.warning("missing translation %s for %s", message_id, lang)
        return message_id
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        _log.warning("bad parameters %r for %s/%s", params, lang, message_id)
        return template


def render(message: Message, lang: str = DEFAULT_LANGUAGE) -> str:
    """A domain ``Message`` in ``lang``."""
    return translate(message.id, lang, **dict(message.params))


def decision_reason(reason: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A decision's reason as people read it: the system's own reasons are message ids."""
    key = f"records.decision.reason.{reason}"
    return translate(key, lang) if key in catalogue(lang) else reason


def rule_name(rule: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """``CN.min_gap_days`` as people call it (the code itself is for machines and the audit)."""
    tail = rule.split(".", 1)[-1]
    for key in (f"compliance.rule.{tail}", f"compliance.{tail}"):
        if key in catalogue(lang):
            return translate(key, lang)
    return tail.replace("_", " ")


def system_language() -> str:
    """``zh`` when the system locale is Chinese, otherwise ``en``."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    code = locale.getlocale()[0] or ""
    return "zh" if code.lower().startswith("zh") else "en"
