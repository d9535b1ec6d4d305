"""What a Bedrock call costs: a small price table, overridable by configuration.

Prices are Amazon Bedrock's published on-demand prices in US dollars per 1,000 tokens for US
East (N. Virginia), as listed on the Bedrock pricing page (PRICES_AS_OF). Other regions and
batch or provisioned throughput are priced differently: set ``BEDROCK_PRICE_PER_1K_TOKENS``
(the template's ``BedrockPricePer1kTokens``) to the prices that apply to you. A cross-region
inference profile ("us.amazon.nova-lite-v1:0") is billed as its model in the calling region.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The list as published since December 2024 (Nova launch, Claude 3.5 Haiku price cut).
PRICES_AS_OF = "2024-12"


@dataclass(frozen=True)
class Price:
    """US dollars per 1,000 input and per 1,000 output tokens."""

    input_per_1k: float
    output_per_1k: float

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        """The estimate in US dollars, rounded to a millionth of a cent."""
        dollars = input_tokens / 1000 * self.input_per_1k
        dollars += output_tokens / 1000 * self.output_per_1k
        return round(dollars, 8)


PRICES: dict[str, Price] = {
    "amazon.nova-micro-v1:0": Price(0.000035, 0.00014),
    "amazon.nova-lite-v1:0": Price(0.00006, 0.00024),
    "amazon.nova-pro-v1:0": Price(0.0008, 0.0032),
    "anthropic.claude-3-haiku-20240307-v1:0": Price(0.00025, 0.00125),
    "anthropic.claude-3-5-haiku-20241022-v1:0": Price(0.0008, 0.004),
    "anthropic.claude-3-5-sonnet-20240620-v1:0": Price(0.003, 0.015),
    "anthropic.claude-3-5-sonnet-20241022-v2:0": Price(0.003, 0.015),
    "meta.llama3-1-8b-instruct-v1:0": Price(0.00022, 0.00022),
    "meta.llama3-1-70b-instruct-v1:0": Price(0.00072, 0.00072),
}

# The geography prefix of a cross-region inference profile id.
_PROFILE_PREFIX = re.compile(r"^(?:us|us-gov|eu|apac|jp|au|ca|global)\.")
_PRICE_PAIR = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+)\s*,\s*(\d+(?:\.\d+)?|\.\d+)\s*$")


def parse_price(text: str) -> Price:
    """``"INPUT,OUTPUT"`` in US dollars per 1,000 tokens, e.g. ``"0.00006,0.00024"``."""
    match = _PRICE_PAIR.match(text)
    if match is None:
        raise ValueError(
            f"price {text!r} is not 'INPUT,OUTPUT' in US dollars per 1,000 tokens, "
            "e.g. '0.00006,0.00024'"
        )
    return Price(float(match.group(1)), float(match.group(2)))


def price_for(model_id: str, override: Price | None = None) -> Price | None:
    """The override when one is set, else the table's price for the model (or its inference
    profile, given by id or ARN), else None: no estimate for a model the table lacks."""
    if override is not None:
        return override
    model = model_id.rsplit("/", 1)[-1]
    return PRICES.get(model) or PRICES.get(_PROFILE_PREFIX.sub("", model, count=1))
