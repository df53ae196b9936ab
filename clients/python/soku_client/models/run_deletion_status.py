from enum import StrEnum


class RunDeletionStatus(StrEnum):
    DELETED = "deleted"
    DELETING = "deleting"
    FAILED = "failed"

    def __str__(self) -> str:
        return str(self.value)
