"""Values that several parts of the package (and template.yaml's defaults) must agree on.

Each lives here once; settings, engines, stages and the CLI import it from here.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

MiB: Final = 1024 * 1024

# Larger uploads fail with too_large before they are downloaded (template: MaxObjectBytes).
DEFAULT_MAX_OBJECT_BYTES: Final = 10 * MiB

# The key-point backends, and the Bedrock model used when none is configured.
SummarizerName = Literal["extractive", "bedrock"]
SUMMARIZERS: Final[tuple[str, ...]] = get_args(SummarizerName)
DEFAULT_SUMMARIZER: Final[SummarizerName] = "extractive"
DEFAULT_BEDROCK_MODEL_ID: Final = "amazon.nova-lite-v1:0"
# The extractive ranking's version (both backends use it: Bedrock's points are grounded by it).
# A change that picks other points bumps it; cached key points of another version are not reused.
EXTRACTIVE_VERSION: Final = "0.3.1"

# Deliveries of one message before SQS moves it to the dead-letter queue (the queues'
# maxReceiveCount in template.yaml); the last one records the failure for good.
DEFAULT_MAX_RECEIVE_COUNT: Final = 5

# A record with no progress for this long is marked FAILED (stalled); see articles.pipeline.sweep.
# Never less than an hour: a message's whole retry cycle must fit inside it.
DEFAULT_STALLED_AFTER_MINUTES: Final = 24 * 60
MIN_STALLED_AFTER_MINUTES: Final = 60

# Extracted text lives beside the uploads, under a prefix the bucket notifications ignore.
TEXT_PREFIX: Final = "texts/"

# Uploads are processed only under this prefix (template: IncomingPrefix).
DEFAULT_INCOMING_PREFIX: Final = "incoming/"

# How callers authenticate to the API (template: ApiAuth); IAM unless the deployment says.
ApiAuthName = Literal["IAM", "API_KEY", "NONE"]
DEFAULT_API_AUTH: Final[ApiAuthName] = "IAM"

# Completion events (articles.events): every terminal transition goes to this EventBridge bus
# (template: EventBusName) with this source, which the functions' IAM policy also names.
DEFAULT_EVENT_BUS_NAME: Final = "default"
EVENT_SOURCE: Final = "article-pipeline"
