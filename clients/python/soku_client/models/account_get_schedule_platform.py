from enum import StrEnum


class AccountGetSchedulePlatform(StrEnum):
    BLUESKY = "bluesky"
    DISCORD = "discord"
    FACEBOOK = "facebook"
    FACEBOOK_PAGES = "facebook_pages"
    GBP = "gbp"
    GOOGLE_BUSINESS = "google_business"
    GOOGLE_BUSINESS_PROFILE = "google_business_profile"
    INSTAGRAM = "instagram"
    INSTAGRAM_BUSINESS = "instagram_business"
    LINKEDIN = "linkedin"
    LINKEDIN_PAGE = "linkedin_page"
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
