from enum import StrEnum


class DisconnectResponseRevocation(StrEnum):
    FAILED = "failed"
    KEPT_FOR_OTHER_ACCOUNTS = "kept_for_other_accounts"
    NOT_SUPPORTED = "not_supported"
    NO_TOKENS = "no_tokens"
    REVOKED = "revoked"

    def __str__(self) -> str:
        return str(self.value)
