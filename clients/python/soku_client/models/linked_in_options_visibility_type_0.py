from enum import StrEnum


class LinkedInOptionsVisibilityType0(StrEnum):
    CONNECTIONS = "CONNECTIONS"
    PUBLIC = "PUBLIC"

    def __str__(self) -> str:
        return str(self.value)
