"""Key points, lede and keywords for an article: extractive by default, Bedrock optional.

    from articles.keypoints import summarize
    result = summarize(title, text)            # KeyPoints, backend from $SUMMARIZER
    result = summarize(title, text, count=5, backend="bedrock")
    result = summarize(title, text, description=page_description)  # the standfirst as lede

Importing this package never imports boto3; the Bedrock backend does, on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from articles.constants import SUMMARIZERS
from articles.keypoints.extractive import ExtractiveSummarizer, adaptive_count
from articles.keypoints.keywords import extract_keywords
from articles.keypoints.lede import points_besides_lede, standfirst
from articles.keypoints.sentences import Sentence, split_sentences
from articles.models import KeyPoints
from articles.settings import SummarizerSettings

if TYPE_CHECKING:
    from mypy_boto3_bedrock_runtime import BedrockRuntimeClient

    from articles.keypoints.bedrock import BedrockSummarizer
    from articles.pricing import Price

__all__ = [
    "BACKENDS",
    "ExtractiveSummarizer",
    "KeyPoints",
    "Sentence",
    "Summarizer",
    "adaptive_count",
    "extract_keywords",
    "get_summarizer",
    "points_besides_lede",
    "split_sentences",
    "summarize",
]

BACKENDS = SUMMARIZERS


@runtime_checkable
class Summarizer(Protocol):
    """What every backend offers."""

    @property
    def name(self) -> str: ...

    def summarize(
        self, title: str | None, text: str, *, count: int | None = None, language: str | None = None
    ) -> KeyPoints: ...


_EXTRACTIVE = ExtractiveSummarizer()
# One Bedrock backend per model id (and price), so a warm Lambda reuses its client and what
# it learnt about the model's tool use.
_BEDROCK: dict[tuple[str, Price | None], BedrockSummarizer] = {}


def get_summarizer(
    backend: str | None = None,
    *,
    bedrock_client: BedrockRuntimeClient | None = None,
    model_id: str | None = None,
    price: Price | None = None,
) -> Summarizer:
    """The backend by name; unset means $SUMMARIZER, then extractive (see SummarizerSettings).
    ``price`` overrides the price table's entry for the Bedrock model; unset means
    $BEDROCK_PRICE_PER_1K_TOKENS, then the table."""
    name = (backend or SummarizerSettings.from_env().summarizer).strip().lower()
    if name == "extractive":
        return _EXTRACTIVE
    if name == "bedrock":
        # Imported here so that boto3 loads only when the Bedrock backend is first used.
        from articles.keypoints.bedrock import BedrockSummarizer

        settings = SummarizerSettings.from_env()
        model = model_id or settings.bedrock_model_id
        price = price or settings.bedrock_price
        if bedrock_client is not None:
            return BedrockSummarizer(bedrock_client, model_id=model, price=price)
        key = (model, price)
        if key not in _BEDROCK:
            _BEDROCK[key] = BedrockSummarizer(model_id=model, price=price)
        return _BEDROCK[key]
    raise ValueError(f"unknown summarizer {name!r}; choose one of {', '.join(BACKENDS)}")


def summarize(
    title: str | None,
    text: str,
    *,
    count: int | None = None,
    backend: str | None = None,
    language: str | None = None,
    description: str | None = None,
    bedrock_client: BedrockRuntimeClient | None = None,
    model_id: str | None = None,
    price: Price | None = None,
) -> KeyPoints:
    """Key points (3-7 by length unless ``count`` is given), lede and keywords.

    ``description``: the page's own standfirst; the lede when it is a whole sentence about
    the story and not a cut-off copy of its opening.
    """
    if count is not None and count < 1:
        raise ValueError("count must be at least 1")
    summarizer = get_summarizer(
        backend, bedrock_client=bedrock_client, model_id=model_id, price=price
    )
    result = summarizer.summarize(title, text, count=count, language=language)
    lede = standfirst(description, text)
    return result.model_copy(update={"summary": lede}) if lede else result
