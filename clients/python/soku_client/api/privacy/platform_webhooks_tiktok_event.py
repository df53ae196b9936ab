from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.tik_tok_event import TikTokEvent
from ...models.tik_tok_event_response import TikTokEventResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: TikTokEvent,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-ID"] = x_request_id

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/webhooks/tiktok",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | TikTokEventResponse:
    if response.status_code == 200:
        response_200 = TikTokEventResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

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
) -> Response[ErrorEnvelope | TikTokEventResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: TikTokEvent,
    x_request_id: str | Unset = UNSET,
) -> Response[ErrorEnvelope | TikTokEventResponse]:
    """TikTok's webhooks (TikTok-Signature): authorization.removed flags the account needs_reconnect

    Args:
        x_request_id (str | Unset):
        body (TikTokEvent): What TikTok posts to the app's webhook callback URL (JSON, signed:
            `TikTok-Signature`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | TikTokEventResponse]
    """

    kwargs = _get_kwargs(
        body=body,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: TikTokEvent,
    x_request_id: str | Unset = UNSET,
) -> ErrorEnvelope | TikTokEventResponse | None:
    """TikTok's webhooks (TikTok-Signature): authorization.removed flags the account needs_reconnect

    Args:
        x_request_id (str | Unset):
        body (TikTokEvent): What TikTok posts to the app's webhook callback URL (JSON, signed:
            `TikTok-Signature`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | TikTokEventResponse
    """

    return sync_detailed(
        client=client,
        body=body,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: TikTokEvent,
    x_request_id: str | Unset = UNSET,
) -> Response[ErrorEnvelope | TikTokEventResponse]:
    """TikTok's webhooks (TikTok-Signature): authorization.removed flags the account needs_reconnect

    Args:
        x_request_id (str | Unset):
        body (TikTokEvent): What TikTok posts to the app's webhook callback URL (JSON, signed:
            `TikTok-Signature`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | TikTokEventResponse]
    """

    kwargs = _get_kwargs(
        body=body,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: TikTokEvent,
    x_request_id: str | Unset = UNSET,
) -> ErrorEnvelope | TikTokEventResponse | None:
    """TikTok's webhooks (TikTok-Signature): authorization.removed flags the account needs_reconnect

    Args:
        x_request_id (str | Unset):
        body (TikTokEvent): What TikTok posts to the app's webhook callback URL (JSON, signed:
            `TikTok-Signature`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | TikTokEventResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_request_id=x_request_id,
        )
    ).parsed
