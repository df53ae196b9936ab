from enum import StrEnum


class CreateSavedTemplateRequestAspectRatioType0(StrEnum):
    VALUE_0 = "1:1"
    VALUE_1 = "4:5"
    VALUE_2 = "9:16"

    def __str__(self) -> str:
        return str(self.value)
