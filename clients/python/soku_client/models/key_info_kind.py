from enum import StrEnum


class KeyInfoKind(StrEnum):
    AGENT = "agent"
    PERSONAL = "personal"

    def __str__(self) -> str:
        return str(self.value)
