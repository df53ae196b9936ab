from enum import StrEnum


class BudgetUsageUnit(StrEnum):
    BYTES = "bytes"
    IMAGES = "images"
    MINUTES = "minutes"
    TARGETS = "targets"

    def __str__(self) -> str:
        return str(self.value)
