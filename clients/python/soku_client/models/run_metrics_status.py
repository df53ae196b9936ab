from enum import StrEnum


class RunMetricsStatus(StrEnum):
    DELETED = "deleted"
    ERROR = "error"
    NOT_PUBLISHED = "not_published"
    OK = "ok"

    def __str__(self) -> str:
        return str(self.value)
