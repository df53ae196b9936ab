from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.account_account_boards_platform import AccountAccountBoardsPlatform
from ...models.boards_response import BoardsResponse
from ...models.error_envelope import ErrorEnvelope
from ...types import UNSET, Response, Unset


def _get_kwargs(
    account_id: str,
    *,
    platform: AccountAccountBoardsPlatform | Unset = UNSET,
    refresh: bool | Unset = False,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-ID"] = x_request_id

    params: dict[str, Any] = {}

    json_platform: str | Unset = UNSET
    if not isinstance(platform, Unset):
        json_platform = platform.value

    params["platform"] = json_platform

    params["refresh"] = refresh

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/accounts/{account_id}/boards".format(
            account_id=quote(str(account_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BoardsResponse | ErrorEnvelope:
    if response.status_code == 200:
        response_200 = BoardsResponse.from_dict(response.json())

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

    if response.status_code == 404:
        response_404 = ErrorEnvelope.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = ErrorEnvelope.from_dict(response.json())

        return response_409

    if response.status_code == 422:
        response_422 = ErrorEnvelope.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = ErrorEnvelope.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ErrorEnvelope.from_dict(response.json())

        return response_500

    if response.status_code == 502:
        response_502 = ErrorEnvelope.from_dict(response.json())

        return response_502

    if response.status_code == 503:
        response_503 = ErrorEnvelope.from_dict(response.json())

        return response_503

    response_default = ErrorEnvelope.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[BoardsResponse | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    account_id: str,
    *,
    client: AuthenticatedClient,
    platform: AccountAccountBoardsPlatform | Unset = UNSET,
    refresh: bool | Unset = False,
    x_request_id: str | Unset = UNSET,
) -> Response[BoardsResponse | ErrorEnvelope]:
    """The boards a Pinterest account can pin to (post.content.options.pinterest.boardId), asked of
    Pinterest and kept 5 minutes

    Args:
        account_id (str):
        platform (AccountAccountBoardsPlatform | Unset):
        refresh (bool | Unset):  Default: False.
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BoardsResponse | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        platform=platform,
        refresh=refresh,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    account_id: str,
    *,
    client: AuthenticatedClient,
    platform: AccountAccountBoardsPlatform | Unset = UNSET,
    refresh: bool | Unset = False,
    x_request_id: str | Unset = UNSET,
) -> BoardsResponse | ErrorEnvelope | None:
    """The boards a Pinterest account can pin to (post.content.options.pinterest.boardId), asked of
    Pinterest and kept 5 minutes

    Args:
        account_id (str):
        platform (AccountAccountBoardsPlatform | Unset):
        refresh (bool | Unset):  Default: False.
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BoardsResponse | ErrorEnvelope
    """

    return sync_detailed(
        account_id=account_id,
        client=client,
        platform=platform,
        refresh=refresh,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    account_id: str,
    *,
    client: AuthenticatedClient,
    platform: AccountAccountBoardsPlatform | Unset = UNSET,
    refresh: bool | Unset = False,
    x_request_id: str | Unset = UNSET,
) -> Response[BoardsResponse | ErrorEnvelope]:
    """The boards a Pinterest account can pin to (post.content.options.pinterest.boardId), asked of
    Pinterest and kept 5 minutes

    Args:
        account_id (str):
        platform (AccountAccountBoardsPlatform | Unset):
        refresh (bool | Unset):  Default: False.
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BoardsResponse | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        platform=platform,
        refresh=refresh,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    account_id: str,
    *,
    client: AuthenticatedClient,
    platform: AccountAccountBoardsPlatform | Unset = UNSET,
    refresh: bool | Unset = False,
    x_request_id: str | Unset = UNSET,
) -> BoardsResponse | ErrorEnvelope | None:
    """The boards a Pinterest account can pin to (post.content.options.pinterest.boardId), asked of
    Pinterest and kept 5 minutes

    Args:
        account_id (str):
        platform (AccountAccountBoardsPlatform | Unset):
        refresh (bool | Unset):  Default: False.
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BoardsResponse | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            account_id=account_id,
            client=client,
            platform=platform,
            refresh=refresh,
            x_request_id=x_request_id,
        )
    ).parsed
