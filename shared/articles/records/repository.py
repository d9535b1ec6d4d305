"""DynamoDB persistence for article records.

Key design (see README, "Record store"):

* ``pk`` = record id. One item per article; every read by id is a GetItem.
* GSI ``by-created``: ``list_pk`` = ``M#<yyyy-mm>`` of creation, ``created_sk`` =
  ``<created_at>#<id>``. Newest-first listing queries the newest month partition backwards and
  moves to older months as each runs out: never a Scan, and each month is its own partition, so
  the index's write load moves on every month instead of piling onto one key forever.
* GSI ``by-status``: ``status_pk`` = ``S#<status>#<yyyy-mm>``, same sort key, so a status filter
  reads only matching records.
* GSI ``by-pending-event`` (sparse, keys only): ``pending_pk`` = ``EVENTS#<first hex digit of
  the id>``, ``pending_sk`` = ``<updated_at>#<id>``, set only on records that hold completion
  events not yet sent to EventBridge, so the sweep finds those without reading the others.
* ``pk`` = ``META#months`` holds the set of months that have records, so listing skips empty
  months without probing them; ``pk`` = ``KEYPOINTS#<sha256>#<variant>`` caches key points by
  content, so identical text is never summarised twice.

Every write is a full PutItem guarded by the ``revision`` the writer read: two deliveries of the
same event cannot both win, and a loser retries from the fresh state.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from articles.aws import AwsClients, aws_errors
from articles.errors import InvalidCursorError
from articles.events.models import event_detail
from articles.observability import logger
from articles.records.cursor import Cursor, decode_cursor, encode_cursor
from articles.records.models import ArticleRecord, Status, utc_now

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

MONTHS_KEY = "META#months"
BY_CREATED_INDEX = "by-created"
BY_STATUS_INDEX = "by-status"
BY_PENDING_EVENT_INDEX = "by-pending-event"
PENDING_SHARDS = "0123456789abcdef"  # record ids are hex: one index partition per first digit
# Events a record keeps while EventBridge cannot take them; the oldest give way past this.
MAX_PENDING_EVENTS = 20
MAX_PAGE_SIZE = 100
# Key-point cache items expire through DynamoDB's TTL on this attribute (template.yaml's
# TimeToLiveSpecification); records never carry it.
CACHE_EXPIRY_ATTRIBUTE = "expires_at"
CACHE_TTL_SECONDS = 90 * 24 * 3600


@dataclass(frozen=True)
class RecordPage:
    records: list[ArticleRecord]
    next_cursor: str | None


def _month(timestamp: str) -> str:
    return timestamp[:7]


def _index_keys(record: ArticleRecord) -> dict[str, str]:
    month = _month(record.created_at)
    keys = {
        "pk": record.id,
        "list_pk": f"M#{month}",
        "status_pk": f"S#{record.status.value}#{month}",
        "created_sk": f"{record.created_at}#{record.id}",
    }
    if record.pending_events:
        keys["pending_pk"] = f"EVENTS#{record.id[0]}"
        keys["pending_sk"] = f"{record.updated_at}#{record.id}"
    return keys


class ArticleRepository:
    """Reads and writes article records in one table."""

    def __init__(self, table_name: str, clients: AwsClients | None = None) -> None:
        self.table_name = table_name
        self.clients = clients or AwsClients()
        self._known_months: set[str] = set()
        # Cursors are signed to catch tampering, not to keep secrets: the table name suffices.
        self._cursor_secret = f"articles-cursor:{table_name}".encode()

    # -- (de)serialisation -------------------------------------------------------------------

    @staticmethod
    def _to_item(data: dict[str, Any]) -> dict[str, Any]:
        from boto3.dynamodb.types import TypeSerializer

        serializer = TypeSerializer()
        return {name: serializer.serialize(_decimal(value)) for name, value in data.items()}

    @staticmethod
    def _from_item(item: dict[str, Any]) -> dict[str, Any]:
        from boto3.dynamodb.types import TypeDeserializer

        deserializer = TypeDeserializer()
        return {name: _plain(deserializer.deserialize(value)) for name, value in item.items()}

    def _record_from_item(self, item: dict[str, Any]) -> ArticleRecord:
        return ArticleRecord.model_validate(self._from_item(item))

    # -- single records ----------------------------------------------------------------------

    def get(self, article_id: str) -> ArticleRecord | None:
        response = self._call(
            "get_item",
            TableName=self.table_name,
            Key={"pk": {"S": article_id}},
            ConsistentRead=True,
        )
        item = response.get("Item")
        if item is None or "status" not in item:
            return None
        return self._record_from_item(item)

    def save(
        self, record: ArticleRecord, *, expected_revision: int | None, announce: bool = False
    ) -> ArticleRecord:
        """Write the whole record if nobody changed it since ``expected_revision`` was read.

        ``expected_revision=None`` means "create": it fails if the record exists already.
        ``announce`` marks a terminal transition: its completion event is made from the record
        as written and stored on it in the same write (``pending_events``), for
        ``EventPublisher.publish`` to send. Events still pending from earlier writes are kept.
        """
        stored = record.model_copy(
            update={"revision": (expected_revision or 0) + 1, "updated_at": utc_now()}
        ).within_bounds()
        if announce:
            pending = [*stored.pending_events, event_detail(stored)]
            if len(pending) > MAX_PENDING_EVENTS:
                dropped = pending[:-MAX_PENDING_EVENTS]
                logger.error(
                    "unsent completion events dropped",
                    extra={"article_id": stored.id, "event_ids": [d.event_id for d in dropped]},
                )
                pending = pending[-MAX_PENDING_EVENTS:]
            stored = stored.model_copy(update={"pending_events": pending})
        data = stored.model_dump(mode="json", exclude_none=True)
        if not stored.pending_events:
            data.pop("pending_events", None)
        data.update(_index_keys(stored))
        if expected_revision is None:
            condition = "attribute_not_exists(pk)"
            values = None
        else:
            condition = "revision = :expected"
            values = {":expected": {"N": str(expected_revision)}}
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "Item": self._to_item(data),
            "ConditionExpression": condition,
        }
        if values:
            kwargs["ExpressionAttributeValues"] = values
        self._call("put_item", **kwargs)
        if expected_revision is None:
            self._register_month(_month(stored.created_at))
        return stored

    def _register_month(self, month: str) -> None:
        if month in self._known_months:
            return
        self._call(
            "update_item",
            TableName=self.table_name,
            Key={"pk": {"S": MONTHS_KEY}},
            UpdateExpression="ADD months :month",
            ExpressionAttributeValues={":month": {"SS": [month]}},
        )
        self._known_months.add(month)

    def clear_pending_events(self, record: ArticleRecord) -> None:
        """Remove the events ``record`` held once they are sent, unless it was written since
        (ConcurrentUpdateError): the revision stays, so no writer loses a race over this."""
        self._call(
            "update_item",
            TableName=self.table_name,
            Key={"pk": {"S": record.id}},
            UpdateExpression="REMOVE pending_events, pending_pk, pending_sk",
            ConditionExpression="revision = :expected",
            ExpressionAttributeValues={":expected": {"N": str(record.revision)}},
        )

    def ids_with_pending_events(self, updated_before: str) -> Iterator[str]:
        """Ids of records holding unsent completion events, last written before the cutoff.

        Reads the sparse by-pending-event index (one small partition per shard, never a Scan);
        the index is eventually consistent, so callers re-read the record before acting.
        """
        for shard in PENDING_SHARDS:
            start_key: dict[str, Any] | None = None
            while True:
                kwargs: dict[str, Any] = {
                    "TableName": self.table_name,
                    "IndexName": BY_PENDING_EVENT_INDEX,
                    "KeyConditionExpression": "pending_pk = :p AND pending_sk < :cutoff",
                    "ExpressionAttributeValues": {
                        ":p": {"S": f"EVENTS#{shard}"},
                        ":cutoff": {"S": updated_before},
                    },
                }
                if start_key:
                    kwargs["ExclusiveStartKey"] = start_key
                response = self._call("query", **kwargs)
                yield from (item["pk"]["S"] for item in response["Items"])
                start_key = response.get("LastEvaluatedKey")
                if not start_key:
                    break

    # -- key-point cache ---------------------------------------------------------------------

    def get_cached(self, cache_key: str) -> dict[str, Any] | None:
        response = self._call(
            "get_item", TableName=self.table_name, Key={"pk": {"S": f"KEYPOINTS#{cache_key}"}}
        )
        item = response.get("Item")
        if not item:
            return None
        value = self._from_item(item).get("value")
        return value if isinstance(value, dict) else None

    def put_cached(self, cache_key: str, value: dict[str, Any]) -> None:
        self._call(
            "put_item",
            TableName=self.table_name,
            Item=self._to_item(
                {
                    "pk": f"KEYPOINTS#{cache_key}",
                    "value": value,
                    "created_at": utc_now(),
                    CACHE_EXPIRY_ATTRIBUTE: int(time.time()) + CACHE_TTL_SECONDS,
                }
            ),
        )

    # -- listing -----------------------------------------------------------------------------

    def _months(self) -> list[str]:
        response = self._call("get_item", TableName=self.table_name, Key={"pk": {"S": MONTHS_KEY}})
        months = response.get("Item", {}).get("months", {}).get("SS", [])
        return sorted(months, reverse=True)

    def list_page(
        self, *, status: Status | None = None, limit: int = 20, cursor: str | None = None
    ) -> RecordPage:
        """Newest first; ``cursor`` continues where the previous page stopped."""
        limit = max(1, min(limit, MAX_PAGE_SIZE))
        status_value = status.value if status else None
        months = self._months()
        start_key: dict[str, str] | None = None
        if cursor:
            position = decode_cursor(cursor, self._cursor_secret, status=status_value)
            months = [month for month in months if month <= position.month]
            start_key = position.last_key
            if start_key is not None and not _valid_start_key(start_key, status_value):
                raise InvalidCursorError("cursor does not point into this listing")
            if not months or months[0] != position.month:
                start_key = None  # that month has no records any more: start the next afresh

        records: list[ArticleRecord] = []
        for position_in_months, month in enumerate(months):
            while len(records) < limit:
                response = self._query_month(month, status_value, limit - len(records), start_key)
                records.extend(self._record_from_item(item) for item in response["Items"])
                start_key = _plain_key(response.get("LastEvaluatedKey"))
                if start_key is None:
                    break
            if len(records) >= limit:
                if start_key is not None:
                    token = Cursor(month=month, status=status_value, last_key=start_key)
                    return RecordPage(records, encode_cursor(token, self._cursor_secret))
                older = months[position_in_months + 1 :]
                if older:
                    token = Cursor(month=older[0], status=status_value, last_key=None)
                    return RecordPage(records, encode_cursor(token, self._cursor_secret))
                return RecordPage(records, None)
            start_key = None
        return RecordPage(records, None)

    def records_not_updated_since(
        self, statuses: Iterable[Status], cutoff: str
    ) -> Iterator[ArticleRecord]:
        """Records in any of ``statuses`` whose last write is older than ``cutoff``.

        Reads the by-status index, one partition per status and month (never a Scan); the
        index is eventually consistent, so callers re-read a record before acting on it.
        """
        for month in self._months():
            for status in statuses:
                start_key: dict[str, str] | None = None
                while True:
                    response = self._query_month(
                        month,
                        status.value,
                        None,
                        start_key,
                        updated_before=cutoff,
                        newest_first=False,
                    )
                    yield from map(self._record_from_item, response["Items"])
                    start_key = _plain_key(response.get("LastEvaluatedKey"))
                    if start_key is None:
                        break

    def _query_month(
        self,
        month: str,
        status: str | None,
        limit: int | None,
        start_key: dict[str, str] | None,
        *,
        updated_before: str | None = None,
        newest_first: bool = True,
    ) -> dict[str, Any]:
        """One page of a month's partition; ``limit=None`` lets DynamoDB fill the page."""
        if status is None:
            index, partition_name, partition = BY_CREATED_INDEX, "list_pk", f"M#{month}"
        else:
            index, partition_name, partition = BY_STATUS_INDEX, "status_pk", f"S#{status}#{month}"
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": index,
            "KeyConditionExpression": "#p = :p",
            "ExpressionAttributeNames": {"#p": partition_name},
            "ExpressionAttributeValues": {":p": {"S": partition}},
            "ScanIndexForward": not newest_first,
        }
        if limit is not None:
            kwargs["Limit"] = limit
        if updated_before is not None:
            kwargs["FilterExpression"] = "updated_at < :cutoff"
            kwargs["ExpressionAttributeValues"][":cutoff"] = {"S": updated_before}
        if start_key:
            kwargs["ExclusiveStartKey"] = {name: {"S": value} for name, value in start_key.items()}
        return self._call("query", **kwargs)

    def _call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        with aws_errors("dynamodb", operation):
            result: dict[str, Any] = getattr(self.clients.dynamodb, operation)(**kwargs)
        return result


def _decimal(value: Any) -> Any:
    """DynamoDB takes no floats: a cost estimate goes in as the Decimal of its shortest repr."""
    from decimal import Decimal

    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {name: _decimal(item) for name, item in value.items()}
    if isinstance(value, list):
        return [_decimal(item) for item in value]
    return value


def _plain(value: Any) -> Any:
    """DynamoDB numbers come back as Decimal; the models want int."""
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {name: _plain(item) for name, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, set):
        return sorted(_plain(item) for item in value)
    return value


def _plain_key(key: dict[str, Any] | None) -> dict[str, str] | None:
    if not key:
        return None
    return {name: value["S"] for name, value in key.items()}


def _valid_start_key(key: dict[str, str], status: str | None) -> bool:
    partition = "list_pk" if status is None else "status_pk"
    return set(key) == {"pk", "created_sk", partition} and all(
        isinstance(value, str) and value for value in key.values()
    )
