"""Typed settings per function, read from the environment and validated once.

Each Lambda function has its own model with exactly the variables template.yaml gives it;
what the function cannot work without is required, so a missing variable fails at the first
read with its name, and code past that point never checks for ``None``. The models share
fields by inheritance: one declaration per variable.
"""

from __future__ import annotations

import os
import re
from functools import cache
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from articles.constants import (
    DEFAULT_API_AUTH,
    DEFAULT_BEDROCK_MODEL_ID,
    DEFAULT_EVENT_BUS_NAME,
    DEFAULT_INCOMING_PREFIX,
    DEFAULT_MAX_OBJECT_BYTES,
    DEFAULT_MAX_RECEIVE_COUNT,
    DEFAULT_STALLED_AFTER_MINUTES,
    DEFAULT_SUMMARIZER,
    MIN_STALLED_AFTER_MINUTES,
    ApiAuthName,
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
    "EventSettings",
    "ExtractSettings",
    "QueueStageSettings",
    "SummarizeSettings",
    "SummarizerSettings",
    "SweepSettings",
    "TableSettings",
    "UploadSettings",
    "get_settings",
]


# An allowed CORS origin: scheme, host and an optional port, nothing after it.
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")


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


# An event bus of this account and region, by name (template: EventBusName's AllowedPattern):
# no wildcard or path can widen the IAM resource that names it.
_EVENT_BUS = r"^[A-Za-z0-9._-]{1,256}$"


class EventSettings(EnvSettings):
    """A function that ends records publishes each terminal transition to this bus."""

    event_bus_name: str = Field(
        default=DEFAULT_EVENT_BUS_NAME, pattern=_EVENT_BUS, alias="EVENT_BUS_NAME"
    )


class BucketSettings(TableSettings):
    """A function that reads or writes objects in the articles bucket."""

    bucket_name: str = Field(min_length=1, alias="BUCKET_NAME")


class QueueStageSettings(BucketSettings, EventSettings):
    """A stage driven by an SQS queue, which delivers a message this many times at most."""

    max_receive_count: int = Field(
        default=DEFAULT_MAX_RECEIVE_COUNT, ge=1, alias="MAX_RECEIVE_COUNT"
    )


class UploadSettings(EnvSettings):
    """Where uploads go and how large they may be: read by Extract, and the API's upload form."""

    max_object_bytes: int = Field(default=DEFAULT_MAX_OBJECT_BYTES, gt=0, alias="MAX_OBJECT_BYTES")


class ExtractSettings(QueueStageSettings, UploadSettings):
    summarize_queue_url: str = Field(min_length=1, alias="SUMMARIZE_QUEUE_URL")


class SummarizeSettings(QueueStageSettings, SummarizerSettings):
    pass


class ApiSettings(BucketSettings, UploadSettings):
    """The API function: how callers authenticate (the page adapts to it), whether the page may
    upload (presigned POSTs under the incoming prefix), and which other origins may call it."""

    api_auth: ApiAuthName = Field(default=DEFAULT_API_AUTH, alias="API_AUTH")
    web_uploads: bool = Field(default=False, alias="WEB_UPLOADS")
    incoming_prefix: str = Field(
        default=DEFAULT_INCOMING_PREFIX, min_length=1, alias="INCOMING_PREFIX"
    )
    cors_allow_origins: tuple[str, ...] = Field(default=(), alias="CORS_ALLOW_ORIGINS")

    @field_validator("cors_allow_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        origins = tuple(part.strip().rstrip("/") for part in value.split(",") if part.strip())
        for origin in origins:
            if origin != "*" and not _ORIGIN.match(origin):
                raise ValueError(f"{origin!r} is not an origin like https://example.org")
        return origins


class SweepSettings(TableSettings, EventSettings):
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
