from enum import StrEnum


class RepurposeTriggerStatus(StrEnum):
    CREATED = "created"
    PENDING = "pending"
    SKIPPED = "skipped"

    def __str__(self) -> str:
        return str(self.value)
