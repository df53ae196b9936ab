from enum import StrEnum


class GoogleBusinessOptionsTopictype(StrEnum):
    EVENT = "event"
    OFFER = "offer"
    STANDARD = "standard"

    def __str__(self) -> str:
        return str(self.value)
