import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.post_list_response import PostListResponse
from ...models.posts_list_posts_platform import PostsListPostsPlatform
from ...models.posts_list_posts_sort import PostsListPostsSort
from ...models.posts_list_posts_status import PostsListPostsStatus
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
    status: PostsListPostsStatus | Unset = UNSET,
    platform: PostsListPostsPlatform | Unset = UNSET,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    sort: PostsListPostsSort | Unset = UNSET,
    scheduled_after: datetime.datetime | Unset = UNSET,
    scheduled_before: datetime.datetime | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-ID"] = x_request_id

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["cursor"] = cursor

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    json_platform: str | Unset = UNSET
    if not isinstance(platform, Unset):
        json_platform = platform.value

    params["platform"] = json_platform

    json_created_after: str | Unset = UNSET
    if not isinstance(created_after, Unset):
        json_created_after = created_after.isoformat()
    params["createdAfter"] = json_created_after

    json_created_before: str | Unset = UNSET
    if not isinstance(created_before, Unset):
        json_created_before = created_before.isoformat()
    params["createdBefore"] = json_created_before

    json_sort: str | Unset = UNSET
    if not isinstance(sort, Unset):
        json_sort = sort.value

    params["sort"] = json_sort

    json_scheduled_after: str | Unset = UNSET
    if not isinstance(scheduled_after, Unset):
        json_scheduled_after = scheduled_after.isoformat()
    params["scheduledAfter"] = json_scheduled_after

    json_scheduled_before: str | Unset = UNSET
    if not isinstance(scheduled_before, Unset):
        json_scheduled_before = scheduled_before.isoformat()
    params["scheduledBefore"] = json_scheduled_before

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/posts",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | PostListResponse:
    if response.status_code == 200:
        response_200 = PostListResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorEnvelope.from_dict(response.json())

        return response_403

    if response.status_code == 429:
        response_429 = ErrorEnvelope.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ErrorEnvelope.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = ErrorEnvelope.from_dict(response.json())

        return response_503

    response_default = ErrorEnvelope.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorEnvelope | PostListResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
    status: PostsListPostsStatus | Unset = UNSET,
    platform: PostsListPostsPlatform | Unset = UNSET,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    sort: PostsListPostsSort | Unset = UNSET,
    scheduled_after: datetime.datetime | Unset = UNSET,
    scheduled_before: datetime.datetime | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[ErrorEnvelope | PostListResponse]:
    """List your posts, newest first

    Args:
        limit (int | Unset):  Default: 20.
        cursor (str | Unset):
        status (PostsListPostsStatus | Unset):
        platform (PostsListPostsPlatform | Unset):
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        sort (PostsListPostsSort | Unset):
        scheduled_after (datetime.datetime | Unset):
        scheduled_before (datetime.datetime | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | PostListResponse]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        status=status,
        platform=platform,
        created_after=created_after,
        created_before=created_before,
        sort=sort,
        scheduled_after=scheduled_after,
        scheduled_before=scheduled_before,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
    status: PostsListPostsStatus | Unset = UNSET,
    platform: PostsListPostsPlatform | Unset = UNSET,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    sort: PostsListPostsSort | Unset = UNSET,
    scheduled_after: datetime.datetime | Unset = UNSET,
    scheduled_before: datetime.datetime | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> ErrorEnvelope | PostListResponse | None:
    """List your posts, newest first

    Args:
        limit (int | Unset):  Default: 20.
        cursor (str | Unset):
        status (PostsListPostsStatus | Unset):
        platform (PostsListPostsPlatform | Unset):
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        sort (PostsListPostsSort | Unset):
        scheduled_after (datetime.datetime | Unset):
        scheduled_before (datetime.datetime | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | PostListResponse
    """

    return sync_detailed(
        client=client,
        limit=limit,
        cursor=cursor,
        status=status,
        platform=platform,
        created_after=created_after,
        created_before=created_before,
        sort=sort,
        scheduled_after=scheduled_after,
        scheduled_before=scheduled_before,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
    status: PostsListPostsStatus | Unset = UNSET,
    platform: PostsListPostsPlatform | Unset = UNSET,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    sort: PostsListPostsSort | Unset = UNSET,
    scheduled_after: datetime.datetime | Unset = UNSET,
    scheduled_before: datetime.datetime | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[ErrorEnvelope | PostListResponse]:
    """List your posts, newest first

    Args:
        limit (int | Unset):  Default: 20.
        cursor (str | Unset):
        status (PostsListPostsStatus | Unset):
        platform (PostsListPostsPlatform | Unset):
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        sort (PostsListPostsSort | Unset):
        scheduled_after (datetime.datetime | Unset):
        scheduled_before (datetime.datetime | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | PostListResponse]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        status=status,
        platform=platform,
        created_after=created_after,
        created_before=created_before,
        sort=sort,
        scheduled_after=scheduled_after,
        scheduled_before=scheduled_before,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
    status: PostsListPostsStatus | Unset = UNSET,
    platform: PostsListPostsPlatform | Unset = UNSET,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    sort: PostsListPostsSort | Unset = UNSET,
    scheduled_after: datetime.datetime | Unset = UNSET,
    scheduled_before: datetime.datetime | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> ErrorEnvelope | PostListResponse | None:
    """List your posts, newest first

    Args:
        limit (int | Unset):  Default: 20.
        cursor (str | Unset):
        status (PostsListPostsStatus | Unset):
        platform (PostsListPostsPlatform | Unset):
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        sort (PostsListPostsSort | Unset):
        scheduled_after (datetime.datetime | Unset):
        scheduled_before (datetime.datetime | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | PostListResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            cursor=cursor,
            status=status,
            platform=platform,
            created_after=created_after,
            created_before=created_before,
            sort=sort,
            scheduled_after=scheduled_after,
            scheduled_before=scheduled_before,
            x_request_id=x_request_id,
        )
    ).parsed
