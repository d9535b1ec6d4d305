"""Typed settings per function, read from the environment and validated once.

Each Lambda function has its own model with exactly the variables template.yaml gives it;
what the function cannot work without is required, so a missing variable fails at the first
read with its name, and code past that point never checks for ``None``. The models share
fields by inheritance: one declaration per variable.
"""

from __future__ import annotations

import os
from functools import cache
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from articles.constants import (
    DEFAULT_BEDROCK_MODEL_ID,
    DEFAULT_MAX_OBJECT_BYTES,
    DEFAULT_MAX_RECEIVE_COUNT,
    DEFAULT_STALLED_AFTER_MINUTES,
    DEFAULT_SUMMARIZER,
    MIN_STALLED_AFTER_MINUTES,
    SummarizerName,
)
from articles.errors import ConfigurationError
from articles.pricing import Price, parse_price

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Self

__all__ = [
    "SETTINGS_MODELS",
    "ApiSettings",
    "BucketSettings",
    "ConfigurationError",
    "EnvSettings",
    "ExtractSettings",
    "QueueStageSettings",
    "SummarizeSettings",
    "SummarizerSettings",
    "SweepSettings",
    "TableSettings",
    "get_settings",
]


class EnvSettings(BaseModel):
    """Base: fields are declared with their environment variable as alias."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        """Validate the variables this model reads; an empty variable counts as unset."""
        source = os.environ if environ is None else environ
        values = {name: source[name] for name in cls.variables() if source.get(name, "") != ""}
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            missing = [str(e["loc"][0]) for e in exc.errors() if e["type"] == "missing"]
            invalid = [
                f"{e['loc'][0]}: {e['msg']}"
                for e in exc.errors(include_url=False)
                if e["type"] != "missing"
            ]
            problems = []
            if missing:
                problems.append("missing environment variable(s): " + ", ".join(missing))
            if invalid:
                problems.append("invalid configuration: " + "; ".join(invalid))
            raise ConfigurationError("; ".join(problems)) from exc

    @classmethod
    def variables(cls) -> list[str]:
        """The environment variables this model reads, in declaration order."""
        return [field.alias for field in cls.model_fields.values() if field.alias]


class SummarizerSettings(EnvSettings):
    """How key points are written: SummarizeFunction, and ``articles process``."""

    summarizer: SummarizerName = Field(default=DEFAULT_SUMMARIZER, alias="SUMMARIZER")
    bedrock_model_id: str = Field(
        default=DEFAULT_BEDROCK_MODEL_ID, min_length=1, alias="BEDROCK_MODEL_ID"
    )
    key_point_count: int = Field(default=0, ge=0, le=7, alias="KEY_POINT_COUNT")
    # "INPUT,OUTPUT" US dollars per 1,000 tokens; unset: the price table's (articles.pricing)
    bedrock_price: Price | None = Field(default=None, alias="BEDROCK_PRICE_PER_1K_TOKENS")

    @field_validator("bedrock_price", mode="before")
    @classmethod
    def _parse_price(cls, value: object) -> object:
        return parse_price(value) if isinstance(value, str) else value

    @property
    def key_point_target(self) -> int | None:
        """The configured count, or None to let the engine adapt it to the article."""
        return self.key_point_count or None


class TableSettings(EnvSettings):
    """Every function reads and writes the records table."""

    table_name: str = Field(min_length=1, alias="TABLE_NAME")


class BucketSettings(TableSettings):
    """A function that reads or writes objects in the articles bucket."""

    bucket_name: str = Field(min_length=1, alias="BUCKET_NAME")


class QueueStageSettings(BucketSettings):
    """A stage driven by an SQS queue, which delivers a message this many times at most."""

    max_receive_count: int = Field(
        default=DEFAULT_MAX_RECEIVE_COUNT, ge=1, alias="MAX_RECEIVE_COUNT"
    )


class ExtractSettings(QueueStageSettings):
    summarize_queue_url: str = Field(min_length=1, alias="SUMMARIZE_QUEUE_URL")
    max_object_bytes: int = Field(default=DEFAULT_MAX_OBJECT_BYTES, gt=0, alias="MAX_OBJECT_BYTES")


class SummarizeSettings(QueueStageSettings, SummarizerSettings):
    pass


class ApiSettings(BucketSettings):
    pass


class SweepSettings(TableSettings):
    stalled_after_minutes: int = Field(
        default=DEFAULT_STALLED_AFTER_MINUTES,
        ge=MIN_STALLED_AFTER_MINUTES,
        alias="STALLED_AFTER_MINUTES",
    )


SettingsT = TypeVar("SettingsT", bound=EnvSettings)


@cache
def get_settings(model: type[SettingsT]) -> SettingsT:
    """The process's settings of one model, read from the environment on first use."""
    return model.from_env()


# Every function's model, for tools that need all the variables (tests, the template check).
SETTINGS_MODELS: tuple[type[EnvSettings], ...] = (
    ExtractSettings,
    SummarizeSettings,
    ApiSettings,
    SweepSettings,
)
