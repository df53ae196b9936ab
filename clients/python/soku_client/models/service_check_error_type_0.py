from enum import StrEnum


class ServiceCheckErrorType0(StrEnum):
    ERROR = "error"
    NOT_FOUND = "not_found"
    TIMEOUT = "timeout"
    UNAVAILABLE = "unavailable"

    def __str__(self) -> str:
        return str(self.value)
