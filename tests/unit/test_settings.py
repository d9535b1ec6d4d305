from __future__ import annotations

import pytest

from articles.settings import DEFAULT_MAX_OBJECT_BYTES, ConfigurationError, Settings


def test_defaults() -> None:
    settings = Settings.from_env({})
    assert settings.max_object_bytes == DEFAULT_MAX_OBJECT_BYTES
    assert settings.summarizer == "extractive"
    assert settings.key_point_target is None  # 0 lets the engine adapt the count
    assert settings.stalled_after_minutes == 24 * 60


def test_values_come_from_the_environment() -> None:
    settings = Settings.from_env(
        {"TABLE_NAME": "t", "KEY_POINT_COUNT": "5", "MAX_OBJECT_BYTES": "2048", "OTHER": "x"}
    )
    assert (settings.table_name, settings.key_point_target, settings.max_object_bytes) == (
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
    with pytest.raises(ConfigurationError, match=name):
        Settings.from_env({name: value})


def test_require_lists_missing_variables() -> None:
    with pytest.raises(ConfigurationError, match="TABLE_NAME, SUMMARIZE_QUEUE_URL"):
        Settings.from_env({"BUCKET_NAME": "b"}).require(
            "table_name", "bucket_name", "summarize_queue_url"
        )
