from enum import StrEnum


class MeResponseTier(StrEnum):
    ADMIN = "admin"
    AUTHENTICATED = "authenticated"
    DEFAULT = "default"
    PREMIUM = "premium"

    def __str__(self) -> str:
        return str(self.value)
