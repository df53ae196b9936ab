from enum import StrEnum


class MediaDocumentSourceType0(StrEnum):
    REPURPOSE = "repurpose"
    TEMPLATE = "template"
    UPLOAD = "upload"

    def __str__(self) -> str:
        return str(self.value)
