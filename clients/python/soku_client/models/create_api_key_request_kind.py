from enum import StrEnum


class CreateApiKeyRequestKind(StrEnum):
    AGENT = "agent"
    PERSONAL = "personal"

    def __str__(self) -> str:
        return str(self.value)
