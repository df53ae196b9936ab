from enum import StrEnum


class WordPressOptionsStatus(StrEnum):
    DRAFT = "draft"
    PENDING = "pending"
    PRIVATE = "private"
    PUBLISH = "publish"

    def __str__(self) -> str:
        return str(self.value)
