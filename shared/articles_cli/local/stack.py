"""The whole pipeline on one machine: moto server as AWS, the functions' handlers in-process.

``LocalStack.start()`` starts a moto server, deploys the template into it (the SAM translator,
then moto's CloudFormation: see ``provision``), points every AWS client of this process at it,
then starts the dispatcher (the functions' SQS event-source mappings -> Extract/Summarize
handlers), the HTTP API (-> the function behind the REST API's integration) and the event log
(a rule on the functions' event bus -> a queue -> one line per completion event). S3 delivers
upload notifications to the ingest queue itself, as in AWS. State lives in the moto server's
memory: stopping the stack forgets every object, message and record. The functions' own S3,
SQS, DynamoDB and EventBridge calls reach that moto in-process (``moto_inprocess``); every
other client (aws CLI, browser, SDKs, tests) reaches it over HTTP.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
from moto.server import ThreadedMotoServer

from articles.constants import DEFAULT_EVENT_BUS_NAME
from articles.errors import ArticleError
from articles.formats import content_type_for
from articles.settings import get_settings
from articles_cli.local import (
    endpoints,
    logs,
    moto_dynamodb,
    moto_eventbridge,
    moto_events,
    moto_inprocess,
    moto_sqs,
)
from articles_cli.local.api_server import LocalApi
from articles_cli.local.cloudformation import load_template
from articles_cli.local.dispatcher import Dispatcher, load_handler
from articles_cli.local.event_log import EventLog
from articles_cli.local.provision import STACK_NAME, Clients, provision

if TYPE_CHECKING:
    from articles_cli.local.provision import LocalStackResources

REPO_ROOT = Path(__file__).resolve().parents[3]
SAMPLES_DIR = REPO_ROOT / "events" / "articles"
DUMMY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}
log = logging.getLogger("articles_cli.local")
# What the local stack runs with unless --parameter says otherwise: an open API (nothing signs
# requests here) and uploads from the web page.
LOCAL_PARAMETERS = {"ApiAuth": "NONE", "WebUploads": "Enabled"}


class LocalStackError(ArticleError):
    code = "local_stack_error"


@dataclass
class StackOptions:
    host: str = "127.0.0.1"
    aws_port: int = 5000
    api_port: int = 3000
    region: str = "us-east-1"
    stack_name: str = STACK_NAME
    samples: Path | None = SAMPLES_DIR
    parameters: dict[str, str] = field(default_factory=dict)
    template_path: Path | None = None
    log_level: str = "INFO"
    # How long an idle poller waits on ReceiveMessage (also the longest a stop waits for it).
    poll_wait_seconds: int = 1

    @classmethod
    def from_env(cls, **overrides: Any) -> StackOptions:
        """Defaults, then ARTICLES_LOCAL_* variables, then explicit values (None ignored)."""
        options = cls()
        env = os.environ
        if env.get("ARTICLES_LOCAL_AWS_PORT"):
            options.aws_port = int(env["ARTICLES_LOCAL_AWS_PORT"])
        if env.get("ARTICLES_LOCAL_API_PORT"):
            options.api_port = int(env["ARTICLES_LOCAL_API_PORT"])
        if env.get("ARTICLES_LOCAL_HOST"):
            options.host = env["ARTICLES_LOCAL_HOST"]
        for name, value in overrides.items():
            if value is not None:
                setattr(options, name, value)
        return options

    @property
    def client_host(self) -> str:
        """Where clients on this machine connect (a wildcard bind is not an address)."""
        return "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host  # noqa: S104

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.client_host}:{self.aws_port}"

    @property
    def api_url(self) -> str:
        return f"http://{self.client_host}:{self.api_port}"


def _check_port_free(host: str, port: int, what: str, flag: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            raise LocalStackError(
                f"{host}:{port} is already in use (another local stack?); "
                f"choose another port for the {what} with {flag}"
            ) from None


def minimum_compression_size(template_path: Path | None) -> int | None:
    """The REST API's MinimumCompressionSize in the template, for the local HTTP server."""
    resources = load_template(template_path)["Resources"].values()
    for resource in resources:
        if resource.get("Type") == "AWS::ApiGateway::RestApi":
            size = resource.get("Properties", {}).get("MinimumCompressionSize")
            return int(size) if isinstance(size, int | str) else None
    return None


class LocalStack:
    def __init__(self, options: StackOptions | None = None) -> None:
        self.options = options or StackOptions()
        self.moto: ThreadedMotoServer | None = None
        self.resources: LocalStackResources | None = None
        self.clients: Clients | None = None
        self.dispatcher: Dispatcher | None = None
        self.api: LocalApi | None = None
        self.event_log: EventLog | None = None
        self.sample_keys: list[str] = []

    # -- start ---------------------------------------------------------------------------------

    def configure_environment(self) -> None:
        """Point every AWS client of this process at the moto server, before any is built."""
        opts = self.options
        os.environ.update(DUMMY_CREDENTIALS)
        os.environ.pop("AWS_PROFILE", None)
        os.environ["AWS_ENDPOINT_URL"] = opts.endpoint_url
        os.environ["AWS_DEFAULT_REGION"] = opts.region
        os.environ["AWS_REGION"] = opts.region
        # X-Ray has no daemon here; metrics are CloudWatch's business.
        os.environ["POWERTOOLS_TRACE_DISABLED"] = "true"
        os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"
        os.environ["POWERTOOLS_LOG_LEVEL"] = opts.log_level
        warnings.filterwarnings("ignore", message="No application metrics to publish")

    def start(self) -> LocalStack:
        opts = self.options
        started = time.perf_counter()
        _check_port_free(opts.host, opts.aws_port, "AWS endpoint", "--aws-port")
        _check_port_free(opts.host, opts.api_port, "HTTP API", "--api-port")
        self.configure_environment()
        moto_events.install()
        moto_sqs.install()
        moto_eventbridge.install()
        moto_dynamodb.install()
        self.moto = ThreadedMotoServer(ip_address=opts.host, port=opts.aws_port, verbose=False)
        with contextlib.redirect_stdout(None):  # its "Starting a new Thread..." banner
            self.moto.start()
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        # The handlers' clients (boto3's default session, built on first use) skip HTTP.
        boto3.setup_default_session()
        assert boto3.DEFAULT_SESSION is not None
        moto_inprocess.attach(boto3.DEFAULT_SESSION.events, opts.endpoint_url)

        self.clients = Clients.from_session(opts.endpoint_url, opts.region)
        self.resources = provision(
            self.clients,
            template_path=opts.template_path,
            stack_name=opts.stack_name,
            parameters={**LOCAL_PARAMETERS, **opts.parameters},
        )
        os.environ.update(self.resources.merged_environment())
        # In-process handlers always talk to this stack's endpoint, whatever AwsEndpointUrl says.
        os.environ["AWS_ENDPOINT_URL"] = opts.endpoint_url
        os.environ["POWERTOOLS_LOG_LEVEL"] = opts.log_level
        get_settings.cache_clear()
        self._install_logging()
        self._start_functions()
        log.info(
            "local stack up in %.1fs: AWS endpoint %s, API %s (state in memory)",
            time.perf_counter() - started,
            opts.endpoint_url,
            opts.api_url,
        )
        return self

    def _install_logging(self) -> None:
        # Imported once the environment is set: Powertools reads it when the logger is built.
        from articles.observability import logger

        assert self.resources is not None
        names = {
            spec.name: spec.logical_id.removesuffix("Function").lower()
            for spec in self.resources.functions.values()
        }
        logs.install(logger, names, self.options.log_level)

    def _start_functions(self) -> None:
        assert self.resources is not None and self.clients is not None
        resources = self.resources
        if resources.api_function is None:
            raise LocalStackError("the template routes its API to no function")
        # The API first: it answers while the queue-driven functions' code loads.
        spec = resources.functions[resources.api_function]
        handler = load_handler(spec.handler_file, spec.handler_attribute, unique=spec.logical_id)
        self.api = LocalApi(
            spec,
            handler,
            host=self.options.host,
            port=self.options.api_port,
            minimum_compression_size=minimum_compression_size(self.options.template_path),
        )
        self.api.start()
        # The event source mappings' receives and deletes, like the functions' calls.
        moto_inprocess.attach(self.clients.sqs.meta.events, self.options.endpoint_url)
        self.event_log = EventLog(
            self.clients.sqs,
            self.clients.events,
            self.event_bus_name,
            wait_seconds=self.options.poll_wait_seconds,
        )
        self.event_log.subscribe().start()
        self.dispatcher = Dispatcher(
            resources.functions,
            self.clients.sqs,
            region=self.options.region,
            wait_seconds=self.options.poll_wait_seconds,
        )
        self.dispatcher.start()

    # -- samples ---------------------------------------------------------------------------------

    @property
    def event_bus_name(self) -> str:
        """The bus the functions publish to (their EVENT_BUS_NAME, from EventBusName)."""
        assert self.resources is not None
        environment = self.resources.merged_environment()
        return environment.get("EVENT_BUS_NAME") or DEFAULT_EVENT_BUS_NAME

    @property
    def incoming_prefix(self) -> str:
        assert self.resources is not None
        return self.resources.parameters.get("IncomingPrefix", "")

    def upload_samples(self) -> list[str]:
        """Drop the sample articles into the bucket, as a user would."""
        directory = self.options.samples
        if directory is None or not directory.is_dir():
            return []
        assert self.resources is not None and self.clients is not None
        keys = []
        for path in sorted(directory.iterdir()):
            if not path.is_file() or path.name.startswith("."):
                continue
            key = f"{self.incoming_prefix}samples/{path.name}"
            self.clients.s3.upload_file(
                str(path),
                self.resources.bucket_name,
                key,
                ExtraArgs={"ContentType": content_type_for(path.name)},
            )
            keys.append(key)
        self.sample_keys = keys
        if keys:
            log.info("uploaded %d sample articles from %s", len(keys), directory)
        return keys

    def endpoints(self) -> endpoints.LocalEndpoints:
        """Where this stack listens, as ``articles serve`` records it for the client commands."""
        assert self.resources is not None
        ingest = self.resources.queues.get("IngestQueue")
        return endpoints.LocalEndpoints(
            pid=os.getpid(),
            stack_name=self.resources.stack_name,
            region=self.options.region,
            endpoint_url=self.options.endpoint_url,
            api_url=self.options.api_url,
            bucket=self.resources.bucket_name,
            ingest_queue_url=ingest.url if ingest else "",
            started_at=time.time(),
        )

    def banner(self) -> str:
        assert self.resources is not None
        opts = self.options
        bucket = self.resources.bucket_name
        endpoint = opts.endpoint_url
        api = opts.api_url
        return "\n".join(
            [
                "",
                f"  AWS endpoint   {endpoint}  (moto; dummy credentials)",
                f"  stack          {self.resources.stack_name}  (template.yaml, SAM-transformed)",
                f"  bucket         {bucket}",
                f"  table          {self.resources.table_name}",
                f"  event bus      {self.event_bus_name}  (each completion event is a line "
                "below: 'events')",
                f"  web page       {api}/  (drop files there)",
                f"  HTTP API       {api}",
                "  state          in memory only: stopping the stack forgets everything",
                "",
                "  Drop an article in:",
                f"    AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing "
                f"aws --region {opts.region} --endpoint-url {endpoint} "
                f"s3 cp FILE s3://{bucket}/{self.incoming_prefix}",
                "    articles upload --wait FILE",
                "  Read it back:",
                f"    curl {api}/articles",
                f"    curl {api}/articles?status=FAILED",
                f"    curl {api}/articles/ID",
                f"    curl {api}/articles/ID/text",
                f"    curl {api}/openapi.json",
                "  articles upload/list/show/watch find this stack by themselves; other tools, "
                "in another shell:",
                *(f"    {line}" for line in self.endpoints().exports()),
                "",
                "  Ctrl-C stops the stack.",
                "",
            ]
        )

    # -- stop --------------------------------------------------------------------------------

    def stop(self) -> None:
        if self.api is not None:
            self.api.stop()
            self.api = None
        if self.dispatcher is not None:
            self.dispatcher.stop()
            self.dispatcher = None
        if self.event_log is not None:
            self.event_log.stop()
            self.event_log = None
        if self.moto is not None:
            self.moto.stop()
            self.moto = None

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(options: StackOptions) -> int:
    """Run the stack in the foreground until Ctrl-C or SIGTERM."""
    stop = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    stack = LocalStack(options)
    try:
        stack.start()
        endpoints.write(stack.endpoints())  # where the client commands look first
        print(stack.banner(), flush=True)
        stack.upload_samples()
        while not stop.wait(0.5):
            pass
        log.info("stopping")
    finally:
        endpoints.remove(os.getpid())
        stack.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log.info("stopped")
    return 0
