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

    def text(self, article_id: str) -> ArticleText:
        record = self.repository.get(article_id)
        if record is None:
            raise NotFoundError(f"no article with id {article_id!r}")
        if record.text_key is None:
            raise NotFoundError(
                f"article {article_id!r} has no text (status {record.status.value})"
            )
        try:
            with aws_errors("s3", "get_object"):
                body = self.clients.s3.get_object(Bucket=self.bucket, Key=record.text_key)["Body"]
                text = body.read().decode("utf-8")
        except SourceMissingError as exc:
            raise NotFoundError(f"the text of article {article_id!r} is gone") from exc
        return ArticleText(id=record.id, title=record.title, text=text)
