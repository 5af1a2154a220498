"""Every message exists in Simplified Chinese and English, with the same parameters."""

from __future__ import annotations

import string

import pytest

from fieldvisit.domain.messages import Message
from fieldvisit.i18n import LANGUAGES, catalogue, render, translate


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _base(messages: dict[str, str] | object) -> set[str]:
    return {key for key in messages if "#" not in key}  # type: ignore[union-attr]


def test_both_languages_have_the_same_keys() -> None:
    zh, en = catalogue("zh"), catalogue("en")
    assert sorted(_base(zh) - _base(en)) == [], "missing in English"
    assert sorted(_base(en) - _base(zh)) == [], "missing in Chinese"


def test_translations_use_the_same_parameters() -> None:
    zh, en = catalogue("zh"), catalogue("en")
    mismatched = [key for key in _base(zh) if _fields(zh[key]) != _fields(en[key])]
    assert mismatched == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_singular_form_belongs_to_a_message_and_uses_no_new_parameter(lang: str) -> None:
    messages = catalogue(lang)
    singulars = [key for key in messages if key.endswith("#one")]
    orphans = [key for key in singulars if key.removesuffix("#one") not in messages]
    extra = [
        key
        for key in singulars
        if not _fields(messages[key]) <= _fields(messages[key.removesuffix("#one")])
    ]
    assert (orphans, extra) == ([], [])


def test_english_says_one_case_not_one_cases() -> None:
    assert translate("main.status.cases", "en", count=1) == "1 case"
    assert translate("main.status.cases", "en", count=2) == "2 cases"


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
