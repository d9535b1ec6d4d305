"""What a stage needs to run: its function's settings, the record store and the AWS clients."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from articles.aws import AwsClients
from articles.pipeline.failures import FailurePolicy
from articles.records.repository import ArticleRepository
from articles.settings import ExtractSettings, QueueStageSettings, SummarizeSettings

SettingsT = TypeVar("SettingsT", bound=QueueStageSettings)


@dataclass(frozen=True)
class PipelineContext(Generic[SettingsT]):
    settings: SettingsT
    repository: ArticleRepository
    clients: AwsClients
    failures: FailurePolicy

    @classmethod
    def build(
        cls, settings: SettingsT, clients: AwsClients | None = None
    ) -> PipelineContext[SettingsT]:
        clients = clients or AwsClients()
        repository = ArticleRepository(settings.table_name, clients)
        return cls(
            settings, repository, clients, FailurePolicy(repository, settings.max_receive_count)
        )


ExtractContext = PipelineContext[ExtractSettings]
SummarizeContext = PipelineContext[SummarizeSettings]
