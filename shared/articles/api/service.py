"""Read-side queries behind the API: plain Python, testable without HTTP."""

from __future__ import annotations

from typing import TYPE_CHECKING

from articles.api.models import ArticlePage, ArticleText, ArticleView
from articles.aws import AwsClients, aws_errors
from articles.errors import NotFoundError, SourceMissingError
from articles.records.repository import ArticleRepository

if TYPE_CHECKING:
    from articles.records.models import Status
    from articles.settings import ApiSettings

__all__ = ["ArticleQueries", "NotFoundError"]

# How long a link to a text too large to inline stays valid.
TEXT_LINK_SECONDS = 300


class ArticleQueries:
    def __init__(self, repository: ArticleRepository, bucket: str) -> None:
        self.repository = repository
        self.bucket = bucket

    @classmethod
    def from_settings(
        cls, settings: ApiSettings, clients: AwsClients | None = None
    ) -> ArticleQueries:
        repository = ArticleRepository(settings.table_name, clients or AwsClients())
        return cls(repository, settings.bucket_name)

    @property
    def clients(self) -> AwsClients:
        return self.repository.clients

    def list(self, *, status: Status | None, limit: int, cursor: str | None) -> ArticlePage:
        page = self.repository.list_page(status=status, limit=limit, cursor=cursor)
        return ArticlePage(
            items=[ArticleView.from_record(record) for record in page.records],
            next_cursor=page.next_cursor,
        )

    def get(self, article_id: str) -> ArticleView:
        record = self.repository.get(article_id)
        if record is None:
            raise NotFoundError(f"no article with id {article_id!r}")
        return ArticleView.from_record(record)

    def text(self, article_id: str, *, max_inline_bytes: int) -> ArticleText:
        """The full text, or a short-lived link to it when its response would pass the limit.

        ``max_inline_bytes`` bounds the text as it travels inside a JSON response inside the
        Lambda response (escaped twice); a text past it is not read at all when its size says so.
        """
        record = self.repository.get(article_id)
        if record is None:
            raise NotFoundError(f"no article with id {article_id!r}")
        if record.text_key is None:
            raise NotFoundError(
                f"article {article_id!r} has no text (status {record.status.value})"
            )
        s3 = self.clients.s3
        try:
            with aws_errors("s3", "get_object"):
                response = s3.get_object(Bucket=self.bucket, Key=record.text_key)
                size = int(response.get("ContentLength") or 0)
                text = None
                if size <= max_inline_bytes:
                    text = response["Body"].read().decode("utf-8")
                response["Body"].close()
        except SourceMissingError as exc:
            raise NotFoundError(f"the text of article {article_id!r} is gone") from exc
        if text is not None and escaped_size(text) <= max_inline_bytes:
            return ArticleText(id=record.id, title=record.title, text=text, text_bytes=size)
        with aws_errors("s3", "generate_presigned_url"):
            url = s3.generate_presigned_url(
                "get_object",
                Params={
                    "Bucket": self.bucket,
                    "Key": record.text_key,
                    "ResponseContentType": "text/plain; charset=utf-8",
                },
                ExpiresIn=TEXT_LINK_SECONDS,
            )
        return ArticleText(id=record.id, title=record.title, text_url=url, text_bytes=size)


def escaped_size(text: str) -> int:
    """Bytes the text takes as a JSON string inside a JSON string (a body in a Lambda response)."""
    import json

    return len(json.dumps(json.dumps(text, ensure_ascii=False), ensure_ascii=False).encode())
