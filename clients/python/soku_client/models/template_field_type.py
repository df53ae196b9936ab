from enum import StrEnum


class TemplateFieldType(StrEnum):
    BOOLEAN = "boolean"
    COLOR = "color"
    ENUM = "enum"
    MEDIAID = "mediaId"
    STRING = "string"
    TEXT = "text"
    URL = "url"

    def __str__(self) -> str:
        return str(self.value)
