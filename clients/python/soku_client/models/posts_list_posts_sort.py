from enum import StrEnum


class PostsListPostsSort(StrEnum):
    CREATEDAT = "createdAt"
    SCHEDULEDTIME = "scheduledTime"

    def __str__(self) -> str:
        return str(self.value)
