from enum import StrEnum


class CreateWebhookRequestEventsType0Item(StrEnum):
    ACCOUNT_NEEDS_RECONNECT = "account.needs_reconnect"
    POST_COMPLETED = "post.completed"
    POST_DELETED = "post.deleted"
    POST_FAILED = "post.failed"
    POST_PUBLISHED = "post.published"
    POST_UNCONFIRMED = "post.unconfirmed"

    def __str__(self) -> str:
        return str(self.value)
