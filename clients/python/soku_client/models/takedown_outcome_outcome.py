from enum import StrEnum


class TakedownOutcomeOutcome(StrEnum):
    DELETED = "deleted"
    FAILED = "failed"
    IN_PROGRESS = "in_progress"
    NOT_SUPPORTED = "not_supported"

    def __str__(self) -> str:
        return str(self.value)
