from __future__ import annotations

import pytest

from articles.constants import DEFAULT_MAX_OBJECT_BYTES
from articles.errors import ConfigurationError
from articles.settings import (
    SETTINGS_MODELS,
    ApiSettings,
    ExtractSettings,
    SummarizerSettings,
    SummarizeSettings,
    SweepSettings,
)

EXTRACT_ENV = {"TABLE_NAME": "t", "BUCKET_NAME": "b", "SUMMARIZE_QUEUE_URL": "q"}


def test_defaults() -> None:
    assert ExtractSettings.from_env(EXTRACT_ENV).max_object_bytes == DEFAULT_MAX_OBJECT_BYTES
    settings = SummarizerSettings.from_env({})
    assert settings.summarizer == "extractive"
    assert settings.key_point_target is None  # 0 lets the engine adapt the count
    assert SweepSettings.from_env({"TABLE_NAME": "t"}).stalled_after_minutes == 24 * 60


def test_values_come_from_the_environment() -> None:
    settings = SummarizeSettings.from_env(
        {"TABLE_NAME": "t", "BUCKET_NAME": "b", "KEY_POINT_COUNT": "5", "OTHER": "x"}
    )
    extract = ExtractSettings.from_env({**EXTRACT_ENV, "MAX_OBJECT_BYTES": "2048"})
    assert (settings.table_name, settings.key_point_target, extract.max_object_bytes) == (
        "t",
        5,
        2048,
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("KEY_POINT_COUNT", "9"),
        ("SUMMARIZER", "gpt"),
        ("MAX_OBJECT_BYTES", "lots"),
        ("STALLED_AFTER_MINUTES", "5"),  # shorter than a message's retry cycle
    ],
)
def test_invalid_values_name_the_variable(name: str, value: str) -> None:
    model = next(m for m in SETTINGS_MODELS if name in m.variables())
    environ = {**EXTRACT_ENV, name: value}
    with pytest.raises(ConfigurationError, match=name):
        model.from_env(environ)


def test_missing_required_variables_are_listed() -> None:
    with pytest.raises(ConfigurationError, match="TABLE_NAME, SUMMARIZE_QUEUE_URL"):
        ExtractSettings.from_env({"BUCKET_NAME": "b"})


def test_an_empty_variable_counts_as_missing() -> None:
    with pytest.raises(ConfigurationError, match="BUCKET_NAME"):
        ApiSettings.from_env({"TABLE_NAME": "t", "BUCKET_NAME": ""})


def test_each_function_reads_only_its_own_variables() -> None:
    assert set(ApiSettings.variables()) == {
        "TABLE_NAME",
        "BUCKET_NAME",
        "MAX_OBJECT_BYTES",
        "API_AUTH",
        "WEB_UPLOADS",
        "INCOMING_PREFIX",
        "CORS_ALLOW_ORIGINS",
    }
    assert set(SweepSettings.variables()) == {
        "TABLE_NAME",
        "STALLED_AFTER_MINUTES",
        "EVENT_BUS_NAME",
    }
    assert "SUMMARIZE_QUEUE_URL" not in SummarizeSettings.variables()
    # The functions that end records publish their completion events.
    assert "EVENT_BUS_NAME" in SummarizeSettings.variables()
    assert "EVENT_BUS_NAME" in ExtractSettings.variables()


def test_cors_origins_are_split_checked_and_trimmed() -> None:
    settings = ApiSettings.from_env(
        {
            "TABLE_NAME": "t",
            "BUCKET_NAME": "b",
            "CORS_ALLOW_ORIGINS": " https://a.example , http://127.0.0.1:5700/,",
        }
    )
    assert settings.cors_allow_origins == ("https://a.example", "http://127.0.0.1:5700")
    assert ApiSettings.from_env({"TABLE_NAME": "t", "BUCKET_NAME": "b"}).cors_allow_origins == ()
    with pytest.raises(ConfigurationError, match="CORS_ALLOW_ORIGINS"):
        ApiSettings.from_env(
            {"TABLE_NAME": "t", "BUCKET_NAME": "b", "CORS_ALLOW_ORIGINS": "https://a/b"}
        )
