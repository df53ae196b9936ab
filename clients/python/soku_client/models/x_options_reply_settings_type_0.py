from enum import StrEnum


class XOptionsReplySettingsType0(StrEnum):
    FOLLOWING = "following"
    MENTIONEDUSERS = "mentionedUsers"
    SUBSCRIBERS = "subscribers"
    VERIFIED = "verified"

    def __str__(self) -> str:
        return str(self.value)
