from enum import StrEnum


class CreateRepurposeLinkRequestType(StrEnum):
    IMAGE = "image"
    TEXT = "text"
    VIDEO = "video"

    def __str__(self) -> str:
        return str(self.value)
