from enum import StrEnum


class LastTriggerStatus(StrEnum):
    CREATED = "created"
    SKIPPED = "skipped"

    def __str__(self) -> str:
        return str(self.value)
