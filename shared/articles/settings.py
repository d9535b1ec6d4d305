"""One settings model, read from the environment once per process.

Each Lambda function sets only the variables its own work needs (template.yaml); a component
asks for what it uses with :meth:`Settings.require`, so a missing variable fails loudly at the
first call that needs it rather than as an obscure boto3 error later.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from articles.errors import ArticleError
from articles.pricing import Price, parse_price

if TYPE_CHECKING:
    from collections.abc import Mapping

DEFAULT_MAX_OBJECT_BYTES = 10 * 1024 * 1024
DEFAULT_BEDROCK_MODEL_ID = "amazon.nova-lite-v1:0"
# A record with no progress for this long is marked FAILED (stalled); see articles.pipeline.sweep.
DEFAULT_STALLED_AFTER_MINUTES = 24 * 60
# Extracted text lives beside the uploads, under a prefix the bucket notifications ignore.
TEXT_PREFIX = "texts/"


class ConfigurationError(ArticleError):
    code = "configuration_error"


class Settings(BaseModel):
    """Every environment variable the pipeline reads, with its default."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")

    table_name: str | None = Field(default=None, alias="TABLE_NAME")
    bucket_name: str | None = Field(default=None, alias="BUCKET_NAME")
    summarize_queue_url: str | None = Field(default=None, alias="SUMMARIZE_QUEUE_URL")
    max_object_bytes: int = Field(default=DEFAULT_MAX_OBJECT_BYTES, gt=0, alias="MAX_OBJECT_BYTES")
    key_point_count: int = Field(default=0, ge=0, le=7, alias="KEY_POINT_COUNT")
    summarizer: Literal["extractive", "bedrock"] = Field(default="extractive", alias="SUMMARIZER")
    bedrock_model_id: str = Field(default=DEFAULT_BEDROCK_MODEL_ID, alias="BEDROCK_MODEL_ID")
    # "INPUT,OUTPUT" US dollars per 1,000 tokens; unset: the price table's (articles.pricing)
    bedrock_price: Price | None = Field(default=None, alias="BEDROCK_PRICE_PER_1K_TOKENS")
    max_receive_count: int = Field(default=5, ge=1, alias="MAX_RECEIVE_COUNT")
    stalled_after_minutes: int = Field(
        default=DEFAULT_STALLED_AFTER_MINUTES, ge=60, alias="STALLED_AFTER_MINUTES"
    )

    @field_validator("bedrock_price", mode="before")
    @classmethod
    def _parse_price(cls, value: object) -> object:
        return parse_price(value) if isinstance(value, str) else value

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        source = os.environ if environ is None else environ
        names = {field.alias for field in cls.model_fields.values() if field.alias}
        values = {name: source[name] for name in names if source.get(name, "") != ""}
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            problems = "; ".join(
                f"{err['loc'][0]}: {err['msg']}" for err in exc.errors(include_url=False)
            )
            raise ConfigurationError(f"invalid configuration: {problems}") from exc

    def require(self, *fields: str) -> None:
        """Fail with the environment variable names of any unset required field."""
        missing = [
            type(self).model_fields[name].alias or name
            for name in fields
            if getattr(self, name) in (None, "")
        ]
        if missing:
            raise ConfigurationError("missing environment variable(s): " + ", ".join(missing))

    @property
    def key_point_target(self) -> int | None:
        """The configured count, or None to let the engine adapt it to the article."""
        return self.key_point_count or None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
