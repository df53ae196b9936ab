from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="RedditOptions")


@_attrs_define
class RedditOptions:
    """
    Attributes:
        subreddit (None | str | Unset): The subreddit to post in, without `r/` (`sr`). Without it the post goes on the
            account's own profile (`u_<username>`)
        title (None | str | Unset): The post's title (up to 300 characters). Without it the text's first line is the
            title and the rest of the text the body
        flair_id (None | str | Unset): The post flair's template id (`flair_id`). Required where the subreddit requires
            flair: a post without one is refused at submission, naming the subreddit's flairs
        flair_text (None | str | Unset): The flair's text where the flair is editable (`flair_text`)
        url (None | str | Unset): Makes a link post to this URL (`kind=link`); no body, no media
        videogif (bool | None | Unset): Post the video as a videogif, a silent looping video (`kind=videogif`, PRAW's
            `video={"gif": True}`); only with a video
        nsfw (bool | None | Unset): Mark the post NSFW (`nsfw`)
        spoiler (bool | None | Unset): Mark the post a spoiler (`spoiler`)
        send_replies (bool | None | Unset): Send replies to the account's inbox (`sendreplies`, default true)
    """

    subreddit: None | str | Unset = UNSET
    title: None | str | Unset = UNSET
    flair_id: None | str | Unset = UNSET
    flair_text: None | str | Unset = UNSET
    url: None | str | Unset = UNSET
    videogif: bool | None | Unset = UNSET
    nsfw: bool | None | Unset = UNSET
    spoiler: bool | None | Unset = UNSET
    send_replies: bool | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        subreddit: None | str | Unset
        if isinstance(self.subreddit, Unset):
            subreddit = UNSET
        else:
            subreddit = self.subreddit

        title: None | str | Unset
        if isinstance(self.title, Unset):
            title = UNSET
        else:
            title = self.title

        flair_id: None | str | Unset
        if isinstance(self.flair_id, Unset):
            flair_id = UNSET
        else:
            flair_id = self.flair_id

        flair_text: None | str | Unset
        if isinstance(self.flair_text, Unset):
            flair_text = UNSET
        else:
            flair_text = self.flair_text

        url: None | str | Unset
        if isinstance(self.url, Unset):
            url = UNSET
        else:
            url = self.url

        videogif: bool | None | Unset
        if isinstance(self.videogif, Unset):
            videogif = UNSET
        else:
            videogif = self.videogif

        nsfw: bool | None | Unset
        if isinstance(self.nsfw, Unset):
            nsfw = UNSET
        else:
            nsfw = self.nsfw

        spoiler: bool | None | Unset
        if isinstance(self.spoiler, Unset):
            spoiler = UNSET
        else:
            spoiler = self.spoiler

        send_replies: bool | None | Unset
        if isinstance(self.send_replies, Unset):
            send_replies = UNSET
        else:
            send_replies = self.send_replies

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if subreddit is not UNSET:
            field_dict["subreddit"] = subreddit
        if title is not UNSET:
            field_dict["title"] = title
        if flair_id is not UNSET:
            field_dict["flairId"] = flair_id
        if flair_text is not UNSET:
            field_dict["flairText"] = flair_text
        if url is not UNSET:
            field_dict["url"] = url
        if videogif is not UNSET:
            field_dict["videogif"] = videogif
        if nsfw is not UNSET:
            field_dict["nsfw"] = nsfw
        if spoiler is not UNSET:
            field_dict["spoiler"] = spoiler
        if send_replies is not UNSET:
            field_dict["sendReplies"] = send_replies

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_subreddit(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        subreddit = _parse_subreddit(d.pop("subreddit", UNSET))

        def _parse_title(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        title = _parse_title(d.pop("title", UNSET))

        def _parse_flair_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        flair_id = _parse_flair_id(d.pop("flairId", UNSET))

        def _parse_flair_text(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        flair_text = _parse_flair_text(d.pop("flairText", UNSET))

        def _parse_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        url = _parse_url(d.pop("url", UNSET))

        def _parse_videogif(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        videogif = _parse_videogif(d.pop("videogif", UNSET))

        def _parse_nsfw(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        nsfw = _parse_nsfw(d.pop("nsfw", UNSET))

        def _parse_spoiler(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        spoiler = _parse_spoiler(d.pop("spoiler", UNSET))

        def _parse_send_replies(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        send_replies = _parse_send_replies(d.pop("sendReplies", UNSET))

        reddit_options = cls(
            subreddit=subreddit,
            title=title,
            flair_id=flair_id,
            flair_text=flair_text,
            url=url,
            videogif=videogif,
            nsfw=nsfw,
            spoiler=spoiler,
            send_replies=send_replies,
        )

        return reddit_options
