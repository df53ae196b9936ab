from enum import StrEnum


class SnapchatOptionsKind(StrEnum):
    SPOTLIGHT = "spotlight"
    STORY = "story"

    def __str__(self) -> str:
        return str(self.value)
