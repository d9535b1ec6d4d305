"""What a stage needs to run: its function's settings, the record store and the AWS clients."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

from articles.aws import AwsClients
from articles.events.publisher import EventPublisher
from articles.pipeline.failures import FailurePolicy
from articles.records.repository import ArticleRepository
from articles.settings import ExtractSettings, QueueStageSettings, SummarizeSettings

if TYPE_CHECKING:
    from articles.models import KeyPoints

SettingsT = TypeVar("SettingsT", bound=QueueStageSettings)
RECENT_ANSWERS = 64


class RecentAnswers:
    """Key points this function instance worked out and has not yet stored in the key-point
    cache (the write failed), by cache key; the oldest give way past ``size``. The retry takes
    its answer from here: the same content is not summarised (or paid for) twice."""

    def __init__(self, size: int = RECENT_ANSWERS) -> None:
        self.size = size
        self._answers: OrderedDict[str, KeyPoints] = OrderedDict()

    def get(self, key: str) -> KeyPoints | None:
        answer = self._answers.get(key)
        if answer is not None:
            self._answers.move_to_end(key)
        return answer

    def remember(self, key: str, answer: KeyPoints) -> None:
        self._answers[key] = answer
        self._answers.move_to_end(key)
        while len(self._answers) > self.size:
            self._answers.popitem(last=False)

    def forget(self, key: str) -> None:
        self._answers.pop(key, None)


@dataclass(frozen=True)
class PipelineContext(Generic[SettingsT]):
    settings: SettingsT
    repository: ArticleRepository
    clients: AwsClients
    failures: FailurePolicy
    events: EventPublisher
    recent_answers: RecentAnswers = field(default_factory=RecentAnswers)

    @classmethod
    def build(
        cls, settings: SettingsT, clients: AwsClients | None = None
    ) -> PipelineContext[SettingsT]:
        clients = clients or AwsClients()
        repository = ArticleRepository(settings.table_name, clients)
        events = EventPublisher(repository, clients, settings.event_bus_name)
        failures = FailurePolicy(repository, settings.max_receive_count, events)
        return cls(settings, repository, clients, failures, events)


ExtractContext = PipelineContext[ExtractSettings]
SummarizeContext = PipelineContext[SummarizeSettings]
