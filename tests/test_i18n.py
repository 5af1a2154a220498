"""Every message exists in Simplified Chinese and English, with the same parameters."""

from __future__ import annotations

import string

import pytest

from fieldvisit.domain.messages import Message
from fieldvisit.i18n import LANGUAGES, catalogue, render, translate


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_both_languages_have_the_same_keys() -> None:
    zh, en = catalogue("zh"), catalogue("en")
    assert sorted(zh.keys() - en.keys()) == [], "missing in English"
    assert sorted(en.keys() - zh.keys()) == [], "missing in Chinese"


def test_translations_use_the_same_parameters() -> None:
    zh, en = catalogue("zh"), catalogue("en")
    mismatched = [key for key in zh if _fields(zh[key]) != _fields(en[key])]
    assert mismatched == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_empty_translation(lang: str) -> None:
    assert [key for key, value in catalogue(lang).items() if not value.strip()] == []


def test_render_fills_parameters() -> None:
    assert render(Message("main.status.cases", {"count": 3}), "en") == "3 cases"
    assert render(Message("main.status.cases", {"count": 3}), "zh") == "共 3 个案件"


def test_a_missing_id_is_shown_not_hidden() -> None:
    assert translate("no.such.message", "en") == "no.such.message"


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        catalogue("fr")
