from enum import StrEnum


class ManualConnectResponsePlatform(StrEnum):
    BLUESKY = "bluesky"
    DISCORD = "discord"
    FACEBOOK = "facebook"
    GOOGLE_BUSINESS = "google_business"
    INSTAGRAM = "instagram"
    LINKEDIN = "linkedin"
    MASTODON = "mastodon"
    PINTEREST = "pinterest"
    REDDIT = "reddit"
    SNAPCHAT = "snapchat"
    TELEGRAM = "telegram"
    THREADS = "threads"
    TIKTOK = "tiktok"
    WORDPRESS = "wordpress"
    X = "x"
    YOUTUBE = "youtube"

    def __str__(self) -> str:
        return str(self.value)
