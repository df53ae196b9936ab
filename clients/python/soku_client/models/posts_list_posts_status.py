from enum import StrEnum


class PostsListPostsStatus(StrEnum):
    CANCELED = "canceled"
    DISPATCHED = "dispatched"
    DRAFT = "draft"
    ORCHESTRATING = "orchestrating"
    QUEUED = "queued"

    def __str__(self) -> str:
        return str(self.value)
