"""What the commands that talk to a running pipeline share: the HTTP API, AWS clients, errors.

The read commands go through the HTTP API (the same one curl reads); the write commands use
AWS directly (S3 for uploads, the ingest queue for reprocessing). ``--endpoint-url`` or
``AWS_ENDPOINT_URL`` points the AWS side at the local stack.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse

    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient

DEFAULT_API_URL = "http://127.0.0.1:3000"
API_URL_ENV = "ARTICLES_API_URL"
API_KEY_ENV = "ARTICLES_API_KEY"
LOCAL_BUCKET_PREFIX = "article-pipeline-"


class CommandError(Exception):
    """A failure to report as one line on stderr, with a non-zero exit."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


class NotFound(CommandError):
    """The API answered 404: no such article (or route)."""


def one_line(message: str) -> str:
    """A message that may span lines (botocore's validation errors do) as one line."""
    return "; ".join(line.strip() for line in message.splitlines() if line.strip())


def fail(error: CommandError | Exception) -> int:
    message = one_line(str(error)) or type(error).__name__
    print(f"articles: error: {message}", file=sys.stderr)
    return error.status if isinstance(error, CommandError) else 1


def warn(message: str) -> None:
    print(f"articles: warning: {one_line(message)}", file=sys.stderr)


# -- HTTP API ----------------------------------------------------------------------------------


def add_api_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--api-url",
        default=None,
        metavar="URL",
        help=f"base URL of the HTTP API (default ${API_URL_ENV}, else {DEFAULT_API_URL}); "
        "an execute-api URL is signed with your AWS credentials (ApiAuth=IAM) unless "
        "--api-key is given",
    )
    parser.add_argument(
        "--api-key", default=None, help=f"x-api-key for ApiAuth=API_KEY (default ${API_KEY_ENV})"
    )
    parser.add_argument("--json", action="store_true", help="print the API's JSON as it is")


class ApiClient:
    """GET requests to the read API; signs them (SigV4) for an IAM-protected API Gateway."""

    def __init__(self, base_url: str, api_key: str | None = None, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> ApiClient:
        url = args.api_url or os.environ.get(API_URL_ENV) or DEFAULT_API_URL
        return cls(url, args.api_key or os.environ.get(API_KEY_ENV))

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        query = urllib.parse.urlencode({k: v for k, v in (params or {}).items() if v is not None})
        url = f"{self.base_url}{path}" + (f"?{query}" if query else "")
        headers = {"Accept": "application/json", "User-Agent": "articles-cli"}
        if self.api_key:
            headers["x-api-key"] = self.api_key
        if ".execute-api." in urllib.parse.urlsplit(url).netloc and not self.api_key:
            headers.update(_sigv4_headers(url))
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http(s) only
        if not url.startswith(("http://", "https://")):
            raise CommandError(f"API URL must be http(s): {self.base_url}", 2)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            error = NotFound if exc.code == 404 else CommandError
            raise error(_http_error_message(exc)) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise CommandError(
                f"cannot reach the API at {self.base_url} ({reason}); is the stack running "
                f"(articles serve), or set --api-url / ${API_URL_ENV}"
            ) from None
        except json.JSONDecodeError:
            raise CommandError(f"the API at {self.base_url} did not answer with JSON") from None


def _http_error_message(exc: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(exc.read() or b"{}")
    except (json.JSONDecodeError, OSError):
        body = {}
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return f"{error.get('message', exc.reason)} ({error.get('code', exc.code)})"
    if isinstance(body, dict) and body.get("message"):
        return f"HTTP {exc.code}: {body['message']}"
    return f"HTTP {exc.code} {exc.reason}"


def _sigv4_headers(url: str) -> dict[str, str]:
    import boto3
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    session = boto3.session.Session()
    credentials = session.get_credentials()
    if credentials is None:
        raise CommandError("the API uses IAM auth and no AWS credentials were found")
    region = urllib.parse.urlsplit(url).netloc.split(".")[2]
    request = AWSRequest(method="GET", url=url)
    SigV4Auth(credentials.get_frozen_credentials(), "execute-api", region).add_auth(request)
    return dict(request.headers.items())


# -- AWS ---------------------------------------------------------------------------------------


def add_aws_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--endpoint-url",
        default=None,
        metavar="URL",
        help="AWS endpoint, e.g. the local stack's http://127.0.0.1:5000 "
        "(default $AWS_ENDPOINT_URL, else AWS itself)",
    )
    parser.add_argument("--region", default=None, help="AWS region (default from the profile)")


def _session(args: argparse.Namespace) -> Any:
    import boto3

    endpoint = args.endpoint_url or os.environ.get("AWS_ENDPOINT_URL")
    if endpoint and urllib.parse.urlsplit(endpoint).scheme not in ("http", "https"):
        source = "--endpoint-url" if args.endpoint_url else "$AWS_ENDPOINT_URL"
        raise CommandError(
            f"{source} must start with http:// or https://, e.g. http://{endpoint}", 2
        )
    region = args.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if endpoint and _is_local(endpoint):
        # The local stack accepts any credentials; do not require a configured profile.
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
        region = region or "us-east-1"
    return boto3.session.Session(region_name=region), endpoint


def _is_local(endpoint: str) -> bool:
    host = urllib.parse.urlsplit(endpoint).hostname or ""
    return host in ("127.0.0.1", "localhost", "::1")


def s3_client(args: argparse.Namespace) -> S3Client:
    session, endpoint = _session(args)
    client: S3Client = session.client("s3", endpoint_url=endpoint)
    return client


def sqs_client(args: argparse.Namespace) -> SQSClient:
    session, endpoint = _session(args)
    client: SQSClient = session.client("sqs", endpoint_url=endpoint)
    return client


def aws_error_code(exc: Exception) -> str:
    """AWS's error code ("NoSuchBucket") of a botocore or boto3 transfer error, else ""."""
    from botocore.exceptions import ClientError

    cause = exc.__context__ if not isinstance(exc, ClientError) else exc
    if isinstance(cause, ClientError):
        return str(cause.response.get("Error", {}).get("Code", ""))
    return ""


def aws_error(exc: Exception) -> CommandError:
    """botocore's (and boto3's) exceptions as one line."""
    from boto3.exceptions import S3UploadFailedError
    from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError

    if isinstance(exc, S3UploadFailedError) and isinstance(exc.__context__, ClientError):
        exc = exc.__context__  # boto3's transfer wraps the ClientError, keeping only its text
    if isinstance(exc, NoCredentialsError):
        return CommandError(
            "no AWS credentials; configure a profile, or use --endpoint-url for the local stack"
        )
    if isinstance(exc, EndpointConnectionError):
        return CommandError(f"{exc}; is the stack running (articles serve)?")
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return CommandError(f"{error.get('Code', 'AWS error')}: {error.get('Message', exc)}")
    return CommandError(str(exc))


def find_bucket(s3: S3Client) -> str:
    """The pipeline's bucket when it is the only one named like it (the local stack's case)."""
    names = [
        b["Name"]
        for b in s3.list_buckets().get("Buckets", [])
        if b.get("Name", "").startswith(LOCAL_BUCKET_PREFIX)
    ]
    if len(names) == 1:
        return names[0]
    if not names:
        raise CommandError("no article-pipeline bucket found; pass --bucket", 2)
    raise CommandError(
        "several article-pipeline buckets: pass --bucket (" + ", ".join(names) + ")", 2
    )


def find_ingest_queue(sqs: SQSClient) -> str:
    """The pipeline's ingest queue when it is the only one named like it."""
    urls = [
        url
        for url in sqs.list_queues().get("QueueUrls", [])
        if "IngestQueue" in url.rsplit("/", 1)[-1] and "DeadLetter" not in url
    ]
    if len(urls) == 1:
        return urls[0]
    if not urls:
        raise CommandError("no ingest queue found; pass --queue-url", 2)
    raise CommandError("several ingest queues: pass --queue-url (" + ", ".join(urls) + ")", 2)
