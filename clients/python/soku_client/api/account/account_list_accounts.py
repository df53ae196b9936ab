from http import HTTPStatus
from typing import Any, Literal

import httpx

from ...client import AuthenticatedClient, Client
from ...models.account_list_accounts_platform import AccountListAccountsPlatform
from ...models.accounts_response import AccountsResponse
from ...models.error_envelope import ErrorEnvelope
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    platform: AccountListAccountsPlatform | Unset = UNSET,
    include: Literal["health"] | Unset = UNSET,
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

    params["include"] = include

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/accounts",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AccountsResponse | ErrorEnvelope:
    if response.status_code == 200:
        response_200 = AccountsResponse.from_dict(response.json())

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
) -> Response[AccountsResponse | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    platform: AccountListAccountsPlatform | Unset = UNSET,
    include: Literal["health"] | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[AccountsResponse | ErrorEnvelope]:
    """Connected accounts per platform (accountId, name, status)

    Args:
        platform (AccountListAccountsPlatform | Unset):
        include (Literal['health'] | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccountsResponse | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        platform=platform,
        include=include,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    platform: AccountListAccountsPlatform | Unset = UNSET,
    include: Literal["health"] | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> AccountsResponse | ErrorEnvelope | None:
    """Connected accounts per platform (accountId, name, status)

    Args:
        platform (AccountListAccountsPlatform | Unset):
        include (Literal['health'] | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccountsResponse | ErrorEnvelope
    """

    return sync_detailed(
        client=client,
        platform=platform,
        include=include,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    platform: AccountListAccountsPlatform | Unset = UNSET,
    include: Literal["health"] | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[AccountsResponse | ErrorEnvelope]:
    """Connected accounts per platform (accountId, name, status)

    Args:
        platform (AccountListAccountsPlatform | Unset):
        include (Literal['health'] | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccountsResponse | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        platform=platform,
        include=include,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    platform: AccountListAccountsPlatform | Unset = UNSET,
    include: Literal["health"] | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> AccountsResponse | ErrorEnvelope | None:
    """Connected accounts per platform (accountId, name, status)

    Args:
        platform (AccountListAccountsPlatform | Unset):
        include (Literal['health'] | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccountsResponse | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            platform=platform,
            include=include,
            x_request_id=x_request_id,
        )
    ).parsed
