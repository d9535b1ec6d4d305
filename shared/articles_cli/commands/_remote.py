"""What the commands that talk to a running pipeline share: where it is, the HTTP API, AWS
clients, errors.

The read commands go through the HTTP API (the same one curl reads); the write commands use
AWS directly (S3 for uploads, the ingest queue for reprocessing). Where the pipeline is comes
from, in this order: the flags (``--endpoint-url``, ``--api-url``, ``--bucket``...), the
environment (``AWS_ENDPOINT_URL``, ``ARTICLES_API_URL``...), the stack's CloudFormation
outputs (``--stack-name``), then a running local stack's endpoints file
(``articles_cli.local.endpoints``), which ``--profile`` or another ``--stack-name`` turn off.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from typing import TYPE_CHECKING, Any

from articles_cli.local import endpoints

if TYPE_CHECKING:
    import argparse

    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient

DEFAULT_API_URL = "http://127.0.0.1:3000"
API_URL_ENV = "ARTICLES_API_URL"
API_KEY_ENV = "ARTICLES_API_KEY"
STACK_ENV = "ARTICLES_STACK_NAME"
LOCAL_STACK_NAME = "article-pipeline-local"  # what articles serve calls its stack


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


# -- where the pipeline is -----------------------------------------------------------------


def add_target_arguments(parser: argparse.ArgumentParser) -> None:
    """--profile, --region, --stack-name and --endpoint-url: every command that talks to AWS."""
    group = parser.add_argument_group("AWS")
    group.add_argument(
        "--profile",
        default=None,
        help="AWS profile for credentials and region (default: boto3's chain); "
        "also means AWS itself rather than a running local stack",
    )
    group.add_argument(
        "--region", default=None, help="AWS region (default $AWS_REGION, else the profile's)"
    )
    group.add_argument(
        "--stack-name",
        default=None,
        metavar="NAME",
        help=f"the pipeline's CloudFormation stack (default ${STACK_ENV}): its outputs give the "
        "bucket, the ingest queue and the API URL",
    )
    group.add_argument(
        "--endpoint-url",
        default=None,
        metavar="URL",
        help="AWS endpoint, e.g. a local stack's http://127.0.0.1:5000 (default "
        "$AWS_ENDPOINT_URL, else the newest running local stack, else AWS itself)",
    )


def _is_local(endpoint: str) -> bool:
    host = urllib.parse.urlsplit(endpoint).hostname or ""
    return host in ("127.0.0.1", "localhost", "::1")


class Target:
    """Where one command's pipeline is, resolved once from its arguments (see the module doc)."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.profile: str | None = getattr(args, "profile", None)
        flag_stack = getattr(args, "stack_name", None)
        self.stack_flag: str | None = flag_stack or os.environ.get(STACK_ENV) or None
        self.stack_source = "--stack-name" if flag_stack else f"${STACK_ENV}"
        flag_endpoint = getattr(args, "endpoint_url", None)
        env_endpoint = os.environ.get("AWS_ENDPOINT_URL")
        self.local: endpoints.LocalEndpoints | None = None
        self.endpoint: str | None = flag_endpoint or env_endpoint or None
        self.endpoint_source = "--endpoint-url" if flag_endpoint else "$AWS_ENDPOINT_URL"
        if self.endpoint:
            if urllib.parse.urlsplit(self.endpoint).scheme not in ("http", "https"):
                raise CommandError(
                    f"{self.endpoint_source} must start with http:// or https://, "
                    f"e.g. http://{self.endpoint}",
                    2,
                )
            self.local = endpoints.by_endpoint(self.endpoint)
            if self.local is not None and self.stack_flag not in (None, self.local.stack_name):
                self.local = None  # another stack at that endpoint: ask CloudFormation
        elif self.profile is None:
            newest = endpoints.newest()
            if newest is not None and self.stack_flag in (None, newest.stack_name):
                self.local = newest
                self.endpoint = newest.endpoint_url
                self.endpoint_source = f"the local stack started by process {newest.pid}"
        self._outputs: dict[str, str] | None = None
        self._session: Any = None
        if self.profile is not None:
            self.session()  # an unknown profile is the first thing to say

    # -- AWS ----------------------------------------------------------------------------------

    @property
    def region(self) -> str | None:
        flag = getattr(self.args, "region", None)
        env = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
        if flag or env:
            return flag or env
        if self.local is not None:
            return self.local.region
        if self.endpoint and _is_local(self.endpoint) and self.profile is None:
            return "us-east-1"
        return None  # the profile's

    def session(self) -> Any:
        if self._session is None:
            import boto3
            from botocore.exceptions import ProfileNotFound

            if self.endpoint and _is_local(self.endpoint) and self.profile is None:
                # A local stack accepts any credentials; do not require a configured profile.
                os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
                os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
            try:
                self._session = boto3.session.Session(
                    profile_name=self.profile, region_name=self.region
                )
            except ProfileNotFound:
                raise CommandError(
                    f"AWS profile {self.profile!r} not found (aws configure list-profiles)", 2
                ) from None
        return self._session

    def client(self, service: str) -> Any:
        from botocore.exceptions import NoRegionError

        try:
            return self.session().client(service, endpoint_url=self.endpoint)
        except NoRegionError:
            raise CommandError(
                "no AWS region: pass --region, or set one in the profile", 2
            ) from None

    @property
    def stack_name(self) -> str | None:
        if self.stack_flag:
            return self.stack_flag
        if self.local is not None:
            return self.local.stack_name
        if self.endpoint and _is_local(self.endpoint):
            return LOCAL_STACK_NAME
        return None

    def outputs(self) -> dict[str, str]:
        """The stack's CloudFormation outputs (OutputKey -> OutputValue)."""
        if self._outputs is None:
            from botocore.exceptions import BotoCoreError, ClientError

            name = self.stack_name
            if name is None:
                raise CommandError(
                    "which pipeline? pass --stack-name (the stack sam deploy created), or start "
                    "a local stack (articles serve)",
                    2,
                )
            cloudformation = self.client("cloudformation")
            try:
                stacks = cloudformation.describe_stacks(StackName=name)["Stacks"]
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") == "ValidationError":
                    where = self.endpoint or f"region {self.session().region_name}"
                    source = self.stack_source if self.stack_flag else "the default"
                    raise CommandError(
                        f"no stack named {name!r} at {where} (from {source}); "
                        "check --stack-name, --region and --profile",
                        2,
                    ) from None
                raise aws_error(exc) from None
            except BotoCoreError as exc:
                raise aws_error(exc) from None
            self._outputs = {
                o["OutputKey"]: o.get("OutputValue", "") for o in stacks[0].get("Outputs", [])
            }
        return self._outputs

    def from_stack(self, output: str, flag: str) -> tuple[str, str]:
        """One output of the stack, and where it came from (for error messages)."""
        if self.local is not None and not self.stack_flag:
            values = {
                "BucketName": self.local.bucket,
                "IngestQueueUrl": self.local.ingest_queue_url,
            }
            if values.get(output):
                return values[output], f"the local stack at {self.local.endpoint_url}"
        value = self.outputs().get(output)
        if not value:
            raise CommandError(f"stack {self.stack_name!r} has no {output} output; pass {flag}", 2)
        return value, f"stack {self.stack_name}'s {output} output"

    # -- the HTTP API ---------------------------------------------------------------------

    def api_url(self) -> tuple[str, str]:
        """The API's base URL and where it came from."""
        flag = getattr(self.args, "api_url", None)
        if flag:
            return flag, "--api-url"
        if os.environ.get(API_URL_ENV):
            return os.environ[API_URL_ENV], f"${API_URL_ENV}"
        if self.local is not None:
            return self.local.api_url, f"the local stack at {self.local.endpoint_url}"
        if self.stack_flag:
            api_url, source = self.from_stack("ApiUrl", "--api-url")  # also: the stack exists
            if not (self.endpoint and _is_local(self.endpoint)):
                return api_url, source
        return DEFAULT_API_URL, "the default"

    def api_client(self) -> ApiClient:
        url, source = self.api_url()
        key = getattr(self.args, "api_key", None) or os.environ.get(API_KEY_ENV)
        return ApiClient(url, key, source=source, session=self.session)


def target(args: argparse.Namespace) -> Target:
    """The command's Target, built on first use and kept on ``args``."""
    found = getattr(args, "_target", None)
    if found is None:
        found = Target(args)
        args._target = found
    return found


# -- HTTP API ----------------------------------------------------------------------------------


def add_api_arguments(parser: argparse.ArgumentParser, *, json_flag: bool = True) -> None:
    parser.add_argument(
        "--api-url",
        default=None,
        metavar="URL",
        help=f"base URL of the HTTP API (default ${API_URL_ENV}, else the stack's ApiUrl "
        f"output, else the newest running local stack, else {DEFAULT_API_URL}); an "
        "execute-api URL is signed with your AWS credentials (ApiAuth=IAM) unless --api-key "
        "is given",
    )
    parser.add_argument(
        "--api-key", default=None, help=f"x-api-key for ApiAuth=API_KEY (default ${API_KEY_ENV})"
    )
    if json_flag:
        parser.add_argument("--json", action="store_true", help="print the API's JSON as it is")


class ApiClient:
    """GET requests to the read API; signs them (SigV4) for an IAM-protected API Gateway."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        timeout: float = 10.0,
        *,
        source: str = "--api-url",
        session: Any = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.source = source
        self._session = session  # a callable giving the boto3 session that signs

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> ApiClient:
        return target(args).api_client()

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return json.loads(self.get_raw(path, params) or b"null")

    def get_raw(self, path: str, params: dict[str, Any] | None = None) -> bytes:
        """The answer's body as the API sent it (after checking that it is JSON)."""
        query = urllib.parse.urlencode({k: v for k, v in (params or {}).items() if v is not None})
        url = f"{self.base_url}{path}" + (f"?{query}" if query else "")
        if not url.startswith(("http://", "https://")):
            raise CommandError(f"API URL must be http(s): {self.base_url} (from {self.source})", 2)
        headers = {"Accept": "application/json", "User-Agent": "articles-cli"}
        if self.api_key:
            headers["x-api-key"] = self.api_key
        if ".execute-api." in urllib.parse.urlsplit(url).netloc and not self.api_key:
            headers.update(self._sigv4_headers(url))
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http(s) only
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body: bytes = response.read()
        except urllib.error.HTTPError as exc:
            error = NotFound if exc.code == 404 else CommandError
            raise error(_http_error_message(exc)) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise CommandError(
                f"cannot reach the API at {self.base_url} (from {self.source}: {reason}); is "
                f"the stack running (articles serve), or set --api-url / ${API_URL_ENV}"
            ) from None
        try:
            json.loads(body or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise CommandError(
                f"the API at {self.base_url} (from {self.source}) did not answer with JSON"
            ) from None
        return body

    def _sigv4_headers(self, url: str) -> dict[str, str]:
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest

        if self._session is None:
            import boto3

            session = boto3.session.Session()
        else:
            session = self._session()
        credentials = session.get_credentials()
        if credentials is None:
            raise CommandError(
                "the API uses IAM auth and no AWS credentials were found (pass --profile)"
            )
        region = urllib.parse.urlsplit(url).netloc.split(".")[2]
        request = AWSRequest(method="GET", url=url)
        SigV4Auth(credentials.get_frozen_credentials(), "execute-api", region).add_auth(request)
        return dict(request.headers.items())


def _http_error_message(exc: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(exc.read() or b"{}")
    except (json.JSONDecodeError, OSError, UnicodeDecodeError):
        body = {}
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return f"{error.get('message', exc.reason)} ({error.get('code', exc.code)})"
    if isinstance(body, dict) and body.get("message"):
        return f"HTTP {exc.code}: {body['message']}"
    return f"HTTP {exc.code} {exc.reason}"


# -- AWS ---------------------------------------------------------------------------------------


def s3_client(args: argparse.Namespace) -> S3Client:
    client: S3Client = target(args).client("s3")
    return client


def sqs_client(args: argparse.Namespace) -> SQSClient:
    client: SQSClient = target(args).client("sqs")
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
    from botocore.exceptions import (
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
        NoRegionError,
        ProfileNotFound,
    )

    if isinstance(exc, S3UploadFailedError) and isinstance(exc.__context__, ClientError):
        exc = exc.__context__  # boto3's transfer wraps the ClientError, keeping only its text
    if isinstance(exc, NoCredentialsError):
        return CommandError(
            "no AWS credentials; pass --profile, or start a local stack (articles serve)"
        )
    if isinstance(exc, ProfileNotFound):
        return CommandError(f"{exc} (aws configure list-profiles)", 2)
    if isinstance(exc, NoRegionError):
        return CommandError("no AWS region: pass --region, or set one in the profile", 2)
    if isinstance(exc, EndpointConnectionError):
        return CommandError(f"{exc}; is the stack running (articles serve)?")
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return CommandError(f"{error.get('Code', 'AWS error')}: {error.get('Message', exc)}")
    return CommandError(str(exc))
