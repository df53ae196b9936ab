from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.connect_start_request import ConnectStartRequest
from ...models.connect_start_response import ConnectStartResponse
from ...models.error_envelope import ErrorEnvelope
from ...types import UNSET, Response, Unset


def _get_kwargs(
    platform: str,
    *,
    body: ConnectStartRequest | None | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-ID"] = x_request_id

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/connections/{platform}/start".format(
            platform=quote(str(platform), safe=""),
        ),
    }

    if isinstance(body, ConnectStartRequest):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ConnectStartResponse | ErrorEnvelope:
    if response.status_code == 200:
        response_200 = ConnectStartResponse.from_dict(response.json())

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

    if response.status_code == 413:
        response_413 = ErrorEnvelope.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = ErrorEnvelope.from_dict(response.json())

        return response_415

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
) -> Response[ConnectStartResponse | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    platform: str,
    *,
    client: AuthenticatedClient,
    body: ConnectStartRequest | None | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[ConnectStartResponse | ErrorEnvelope]:
    """Start connecting an account (API key or Firebase ID token): a one-time link for the user's browser

     Rate limit: 10 requests per minute (endpoint-specific).

    Args:
        platform (str):
        x_request_id (str | Unset):
        body (ConnectStartRequest | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConnectStartResponse | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        platform=platform,
        body=body,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    platform: str,
    *,
    client: AuthenticatedClient,
    body: ConnectStartRequest | None | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> ConnectStartResponse | ErrorEnvelope | None:
    """Start connecting an account (API key or Firebase ID token): a one-time link for the user's browser

     Rate limit: 10 requests per minute (endpoint-specific).

    Args:
        platform (str):
        x_request_id (str | Unset):
        body (ConnectStartRequest | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConnectStartResponse | ErrorEnvelope
    """

    return sync_detailed(
        platform=platform,
        client=client,
        body=body,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    platform: str,
    *,
    client: AuthenticatedClient,
    body: ConnectStartRequest | None | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[ConnectStartResponse | ErrorEnvelope]:
    """Start connecting an account (API key or Firebase ID token): a one-time link for the user's browser

     Rate limit: 10 requests per minute (endpoint-specific).

    Args:
        platform (str):
        x_request_id (str | Unset):
        body (ConnectStartRequest | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConnectStartResponse | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        platform=platform,
        body=body,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    platform: str,
    *,
    client: AuthenticatedClient,
    body: ConnectStartRequest | None | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> ConnectStartResponse | ErrorEnvelope | None:
    """Start connecting an account (API key or Firebase ID token): a one-time link for the user's browser

     Rate limit: 10 requests per minute (endpoint-specific).

    Args:
        platform (str):
        x_request_id (str | Unset):
        body (ConnectStartRequest | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConnectStartResponse | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            platform=platform,
            client=client,
            body=body,
            x_request_id=x_request_id,
        )
    ).parsed
