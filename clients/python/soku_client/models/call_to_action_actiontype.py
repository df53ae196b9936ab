from enum import StrEnum


class CallToActionActiontype(StrEnum):
    BOOK = "BOOK"
    CALL = "CALL"
    LEARN_MORE = "LEARN_MORE"
    ORDER = "ORDER"
    SHOP = "SHOP"
    SIGN_UP = "SIGN_UP"

    def __str__(self) -> str:
        return str(self.value)
