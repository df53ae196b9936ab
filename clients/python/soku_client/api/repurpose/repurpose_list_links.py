from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.repurpose_link_list import RepurposeLinkList
from ...models.repurpose_list_links_platform import RepurposeListLinksPlatform
from ...models.repurpose_list_links_type import RepurposeListLinksType
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    platform: RepurposeListLinksPlatform | Unset = UNSET,
    account_id: str | Unset = UNSET,
    type_: RepurposeListLinksType | Unset = UNSET,
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

    params["accountId"] = account_id

    json_type_: str | Unset = UNSET
    if not isinstance(type_, Unset):
        json_type_ = type_.value

    params["type"] = json_type_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/repurposeLinks",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | RepurposeLinkList:
    if response.status_code == 200:
        response_200 = RepurposeLinkList.from_dict(response.json())

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
) -> Response[ErrorEnvelope | RepurposeLinkList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    platform: RepurposeListLinksPlatform | Unset = UNSET,
    account_id: str | Unset = UNSET,
    type_: RepurposeListLinksType | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[ErrorEnvelope | RepurposeLinkList]:
    """Your repurpose links, filtered by platform, account or type

    Args:
        platform (RepurposeListLinksPlatform | Unset):
        account_id (str | Unset):
        type_ (RepurposeListLinksType | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | RepurposeLinkList]
    """

    kwargs = _get_kwargs(
        platform=platform,
        account_id=account_id,
        type_=type_,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    platform: RepurposeListLinksPlatform | Unset = UNSET,
    account_id: str | Unset = UNSET,
    type_: RepurposeListLinksType | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> ErrorEnvelope | RepurposeLinkList | None:
    """Your repurpose links, filtered by platform, account or type

    Args:
        platform (RepurposeListLinksPlatform | Unset):
        account_id (str | Unset):
        type_ (RepurposeListLinksType | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | RepurposeLinkList
    """

    return sync_detailed(
        client=client,
        platform=platform,
        account_id=account_id,
        type_=type_,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    platform: RepurposeListLinksPlatform | Unset = UNSET,
    account_id: str | Unset = UNSET,
    type_: RepurposeListLinksType | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[ErrorEnvelope | RepurposeLinkList]:
    """Your repurpose links, filtered by platform, account or type

    Args:
        platform (RepurposeListLinksPlatform | Unset):
        account_id (str | Unset):
        type_ (RepurposeListLinksType | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | RepurposeLinkList]
    """

    kwargs = _get_kwargs(
        platform=platform,
        account_id=account_id,
        type_=type_,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    platform: RepurposeListLinksPlatform | Unset = UNSET,
    account_id: str | Unset = UNSET,
    type_: RepurposeListLinksType | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> ErrorEnvelope | RepurposeLinkList | None:
    """Your repurpose links, filtered by platform, account or type

    Args:
        platform (RepurposeListLinksPlatform | Unset):
        account_id (str | Unset):
        type_ (RepurposeListLinksType | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | RepurposeLinkList
    """

    return (
        await asyncio_detailed(
            client=client,
            platform=platform,
            account_id=account_id,
            type_=type_,
            x_request_id=x_request_id,
        )
    ).parsed
