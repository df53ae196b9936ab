from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.bluesky_options import BlueskyOptions
    from ..models.discord_options import DiscordOptions
    from ..models.facebook_options import FacebookOptions
    from ..models.google_business_options import GoogleBusinessOptions
    from ..models.instagram_options import InstagramOptions
    from ..models.linked_in_options import LinkedInOptions
    from ..models.mastodon_options import MastodonOptions
    from ..models.pinterest_options import PinterestOptions
    from ..models.reddit_options import RedditOptions
    from ..models.snapchat_options import SnapchatOptions
    from ..models.telegram_options import TelegramOptions
    from ..models.threads_options import ThreadsOptions
    from ..models.tik_tok_options import TikTokOptions
    from ..models.word_press_options import WordPressOptions
    from ..models.x_options import XOptions
    from ..models.you_tube_options import YouTubeOptions


T = TypeVar("T", bound="PlatformOptions")


@_attrs_define
class PlatformOptions:
    """
    Attributes:
        x (None | Unset | XOptions):
        instagram (InstagramOptions | None | Unset):
        facebook (FacebookOptions | None | Unset):
        threads (None | ThreadsOptions | Unset):
        tiktok (None | TikTokOptions | Unset):
        youtube (None | Unset | YouTubeOptions):
        linkedin (LinkedInOptions | None | Unset):
        snapchat (None | SnapchatOptions | Unset):
        telegram (None | TelegramOptions | Unset):
        discord (DiscordOptions | None | Unset):
        mastodon (MastodonOptions | None | Unset):
        bluesky (BlueskyOptions | None | Unset):
        google_business (GoogleBusinessOptions | None | Unset):
        pinterest (None | PinterestOptions | Unset):
        wordpress (None | Unset | WordPressOptions):
        reddit (None | RedditOptions | Unset):
    """

    x: None | Unset | XOptions = UNSET
    instagram: InstagramOptions | None | Unset = UNSET
    facebook: FacebookOptions | None | Unset = UNSET
    threads: None | ThreadsOptions | Unset = UNSET
    tiktok: None | TikTokOptions | Unset = UNSET
    youtube: None | Unset | YouTubeOptions = UNSET
    linkedin: LinkedInOptions | None | Unset = UNSET
    snapchat: None | SnapchatOptions | Unset = UNSET
    telegram: None | TelegramOptions | Unset = UNSET
    discord: DiscordOptions | None | Unset = UNSET
    mastodon: MastodonOptions | None | Unset = UNSET
    bluesky: BlueskyOptions | None | Unset = UNSET
    google_business: GoogleBusinessOptions | None | Unset = UNSET
    pinterest: None | PinterestOptions | Unset = UNSET
    wordpress: None | Unset | WordPressOptions = UNSET
    reddit: None | RedditOptions | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.bluesky_options import BlueskyOptions
        from ..models.discord_options import DiscordOptions
        from ..models.facebook_options import FacebookOptions
        from ..models.google_business_options import GoogleBusinessOptions
        from ..models.instagram_options import InstagramOptions
        from ..models.linked_in_options import LinkedInOptions
        from ..models.mastodon_options import MastodonOptions
        from ..models.pinterest_options import PinterestOptions
        from ..models.reddit_options import RedditOptions
        from ..models.snapchat_options import SnapchatOptions
        from ..models.telegram_options import TelegramOptions
        from ..models.threads_options import ThreadsOptions
        from ..models.tik_tok_options import TikTokOptions
        from ..models.word_press_options import WordPressOptions
        from ..models.x_options import XOptions
        from ..models.you_tube_options import YouTubeOptions

        x: dict[str, Any] | None | Unset
        if isinstance(self.x, Unset):
            x = UNSET
        elif isinstance(self.x, XOptions):
            x = self.x.to_dict()
        else:
            x = self.x

        instagram: dict[str, Any] | None | Unset
        if isinstance(self.instagram, Unset):
            instagram = UNSET
        elif isinstance(self.instagram, InstagramOptions):
            instagram = self.instagram.to_dict()
        else:
            instagram = self.instagram

        facebook: dict[str, Any] | None | Unset
        if isinstance(self.facebook, Unset):
            facebook = UNSET
        elif isinstance(self.facebook, FacebookOptions):
            facebook = self.facebook.to_dict()
        else:
            facebook = self.facebook

        threads: dict[str, Any] | None | Unset
        if isinstance(self.threads, Unset):
            threads = UNSET
        elif isinstance(self.threads, ThreadsOptions):
            threads = self.threads.to_dict()
        else:
            threads = self.threads

        tiktok: dict[str, Any] | None | Unset
        if isinstance(self.tiktok, Unset):
            tiktok = UNSET
        elif isinstance(self.tiktok, TikTokOptions):
            tiktok = self.tiktok.to_dict()
        else:
            tiktok = self.tiktok

        youtube: dict[str, Any] | None | Unset
        if isinstance(self.youtube, Unset):
            youtube = UNSET
        elif isinstance(self.youtube, YouTubeOptions):
            youtube = self.youtube.to_dict()
        else:
            youtube = self.youtube

        linkedin: dict[str, Any] | None | Unset
        if isinstance(self.linkedin, Unset):
            linkedin = UNSET
        elif isinstance(self.linkedin, LinkedInOptions):
            linkedin = self.linkedin.to_dict()
        else:
            linkedin = self.linkedin

        snapchat: dict[str, Any] | None | Unset
        if isinstance(self.snapchat, Unset):
            snapchat = UNSET
        elif isinstance(self.snapchat, SnapchatOptions):
            snapchat = self.snapchat.to_dict()
        else:
            snapchat = self.snapchat

        telegram: dict[str, Any] | None | Unset
        if isinstance(self.telegram, Unset):
            telegram = UNSET
        elif isinstance(self.telegram, TelegramOptions):
            telegram = self.telegram.to_dict()
        else:
            telegram = self.telegram

        discord: dict[str, Any] | None | Unset
        if isinstance(self.discord, Unset):
            discord = UNSET
        elif isinstance(self.discord, DiscordOptions):
            discord = self.discord.to_dict()
        else:
            discord = self.discord

        mastodon: dict[str, Any] | None | Unset
        if isinstance(self.mastodon, Unset):
            mastodon = UNSET
        elif isinstance(self.mastodon, MastodonOptions):
            mastodon = self.mastodon.to_dict()
        else:
            mastodon = self.mastodon

        bluesky: dict[str, Any] | None | Unset
        if isinstance(self.bluesky, Unset):
            bluesky = UNSET
        elif isinstance(self.bluesky, BlueskyOptions):
            bluesky = self.bluesky.to_dict()
        else:
            bluesky = self.bluesky

        google_business: dict[str, Any] | None | Unset
        if isinstance(self.google_business, Unset):
            google_business = UNSET
        elif isinstance(self.google_business, GoogleBusinessOptions):
            google_business = self.google_business.to_dict()
        else:
            google_business = self.google_business

        pinterest: dict[str, Any] | None | Unset
        if isinstance(self.pinterest, Unset):
            pinterest = UNSET
        elif isinstance(self.pinterest, PinterestOptions):
            pinterest = self.pinterest.to_dict()
        else:
            pinterest = self.pinterest

        wordpress: dict[str, Any] | None | Unset
        if isinstance(self.wordpress, Unset):
            wordpress = UNSET
        elif isinstance(self.wordpress, WordPressOptions):
            wordpress = self.wordpress.to_dict()
        else:
            wordpress = self.wordpress

        reddit: dict[str, Any] | None | Unset
        if isinstance(self.reddit, Unset):
            reddit = UNSET
        elif isinstance(self.reddit, RedditOptions):
            reddit = self.reddit.to_dict()
        else:
            reddit = self.reddit

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if x is not UNSET:
            field_dict["x"] = x
        if instagram is not UNSET:
            field_dict["instagram"] = instagram
        if facebook is not UNSET:
            field_dict["facebook"] = facebook
        if threads is not UNSET:
            field_dict["threads"] = threads
        if tiktok is not UNSET:
            field_dict["tiktok"] = tiktok
        if youtube is not UNSET:
            field_dict["youtube"] = youtube
        if linkedin is not UNSET:
            field_dict["linkedin"] = linkedin
        if snapchat is not UNSET:
            field_dict["snapchat"] = snapchat
        if telegram is not UNSET:
            field_dict["telegram"] = telegram
        if discord is not UNSET:
            field_dict["discord"] = discord
        if mastodon is not UNSET:
            field_dict["mastodon"] = mastodon
        if bluesky is not UNSET:
            field_dict["bluesky"] = bluesky
        if google_business is not UNSET:
            field_dict["google_business"] = google_business
        if pinterest is not UNSET:
            field_dict["pinterest"] = pinterest
        if wordpress is not UNSET:
            field_dict["wordpress"] = wordpress
        if reddit is not UNSET:
            field_dict["reddit"] = reddit

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.bluesky_options import BlueskyOptions
        from ..models.discord_options import DiscordOptions
        from ..models.facebook_options import FacebookOptions
        from ..models.google_business_options import GoogleBusinessOptions
        from ..models.instagram_options import InstagramOptions
        from ..models.linked_in_options import LinkedInOptions
        from ..models.mastodon_options import MastodonOptions
        from ..models.pinterest_options import PinterestOptions
        from ..models.reddit_options import RedditOptions
        from ..models.snapchat_options import SnapchatOptions
        from ..models.telegram_options import TelegramOptions
        from ..models.threads_options import ThreadsOptions
        from ..models.tik_tok_options import TikTokOptions
        from ..models.word_press_options import WordPressOptions
        from ..models.x_options import XOptions
        from ..models.you_tube_options import YouTubeOptions

        d = dict(src_dict)

        def _parse_x(data: object) -> None | Unset | XOptions:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                x_type_0 = XOptions.from_dict(data)

                return x_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | XOptions, data)

        x = _parse_x(d.pop("x", UNSET))

        def _parse_instagram(data: object) -> InstagramOptions | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                instagram_type_0 = InstagramOptions.from_dict(data)

                return instagram_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(InstagramOptions | None | Unset, data)

        instagram = _parse_instagram(d.pop("instagram", UNSET))

        def _parse_facebook(data: object) -> FacebookOptions | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                facebook_type_0 = FacebookOptions.from_dict(data)

                return facebook_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FacebookOptions | None | Unset, data)

        facebook = _parse_facebook(d.pop("facebook", UNSET))

        def _parse_threads(data: object) -> None | ThreadsOptions | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                threads_type_0 = ThreadsOptions.from_dict(data)

                return threads_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ThreadsOptions | Unset, data)

        threads = _parse_threads(d.pop("threads", UNSET))

        def _parse_tiktok(data: object) -> None | TikTokOptions | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                tiktok_type_0 = TikTokOptions.from_dict(data)

                return tiktok_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TikTokOptions | Unset, data)

        tiktok = _parse_tiktok(d.pop("tiktok", UNSET))

        def _parse_youtube(data: object) -> None | Unset | YouTubeOptions:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                youtube_type_0 = YouTubeOptions.from_dict(data)

                return youtube_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | YouTubeOptions, data)

        youtube = _parse_youtube(d.pop("youtube", UNSET))

        def _parse_linkedin(data: object) -> LinkedInOptions | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                linkedin_type_0 = LinkedInOptions.from_dict(data)

                return linkedin_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LinkedInOptions | None | Unset, data)

        linkedin = _parse_linkedin(d.pop("linkedin", UNSET))

        def _parse_snapchat(data: object) -> None | SnapchatOptions | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                snapchat_type_0 = SnapchatOptions.from_dict(data)

                return snapchat_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SnapchatOptions | Unset, data)

        snapchat = _parse_snapchat(d.pop("snapchat", UNSET))

        def _parse_telegram(data: object) -> None | TelegramOptions | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                telegram_type_0 = TelegramOptions.from_dict(data)

                return telegram_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TelegramOptions | Unset, data)

        telegram = _parse_telegram(d.pop("telegram", UNSET))

        def _parse_discord(data: object) -> DiscordOptions | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                discord_type_0 = DiscordOptions.from_dict(data)

                return discord_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DiscordOptions | None | Unset, data)

        discord = _parse_discord(d.pop("discord", UNSET))

        def _parse_mastodon(data: object) -> MastodonOptions | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                mastodon_type_0 = MastodonOptions.from_dict(data)

                return mastodon_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MastodonOptions | None | Unset, data)

        mastodon = _parse_mastodon(d.pop("mastodon", UNSET))

        def _parse_bluesky(data: object) -> BlueskyOptions | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                bluesky_type_0 = BlueskyOptions.from_dict(data)

                return bluesky_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BlueskyOptions | None | Unset, data)

        bluesky = _parse_bluesky(d.pop("bluesky", UNSET))

        def _parse_google_business(
            data: object,
        ) -> GoogleBusinessOptions | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                google_business_type_0 = GoogleBusinessOptions.from_dict(data)

                return google_business_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(GoogleBusinessOptions | None | Unset, data)

        google_business = _parse_google_business(d.pop("google_business", UNSET))

        def _parse_pinterest(data: object) -> None | PinterestOptions | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                pinterest_type_0 = PinterestOptions.from_dict(data)

                return pinterest_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PinterestOptions | Unset, data)

        pinterest = _parse_pinterest(d.pop("pinterest", UNSET))

        def _parse_wordpress(data: object) -> None | Unset | WordPressOptions:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                wordpress_type_0 = WordPressOptions.from_dict(data)

                return wordpress_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WordPressOptions, data)

        wordpress = _parse_wordpress(d.pop("wordpress", UNSET))

        def _parse_reddit(data: object) -> None | RedditOptions | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                reddit_type_0 = RedditOptions.from_dict(data)

                return reddit_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RedditOptions | Unset, data)

        reddit = _parse_reddit(d.pop("reddit", UNSET))

        platform_options = cls(
            x=x,
            instagram=instagram,
            facebook=facebook,
            threads=threads,
            tiktok=tiktok,
            youtube=youtube,
            linkedin=linkedin,
            snapchat=snapchat,
            telegram=telegram,
            discord=discord,
            mastodon=mastodon,
            bluesky=bluesky,
            google_business=google_business,
            pinterest=pinterest,
            wordpress=wordpress,
            reddit=reddit,
        )

        return platform_options
