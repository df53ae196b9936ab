from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.account_put_schedule_platform import AccountPutSchedulePlatform
from ...models.error_envelope import ErrorEnvelope
from ...models.posting_schedule import PostingSchedule
from ...models.schedule_view import ScheduleView
from ...types import UNSET, Response, Unset


def _get_kwargs(
    account_id: str,
    *,
    body: PostingSchedule,
    platform: AccountPutSchedulePlatform | Unset = UNSET,
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

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/accounts/{account_id}/schedule".format(
            account_id=quote(str(account_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | ScheduleView:
    if response.status_code == 200:
        response_200 = ScheduleView.from_dict(response.json())

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
) -> Response[ErrorEnvelope | ScheduleView]:
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
    body: PostingSchedule,
    platform: AccountPutSchedulePlatform | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[ErrorEnvelope | ScheduleView]:
    """Set the account's weekly posting slots, which posts sent with "scheduledTime": "next_slot" fill

    Args:
        account_id (str):
        platform (AccountPutSchedulePlatform | Unset):
        x_request_id (str | Unset):
        body (PostingSchedule): An account's weekly posting slots, in its own timezone (a 09:00
            slot stays 09:00 across
            daylight saving).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | ScheduleView]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        body=body,
        platform=platform,
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
    body: PostingSchedule,
    platform: AccountPutSchedulePlatform | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> ErrorEnvelope | ScheduleView | None:
    """Set the account's weekly posting slots, which posts sent with "scheduledTime": "next_slot" fill

    Args:
        account_id (str):
        platform (AccountPutSchedulePlatform | Unset):
        x_request_id (str | Unset):
        body (PostingSchedule): An account's weekly posting slots, in its own timezone (a 09:00
            slot stays 09:00 across
            daylight saving).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | ScheduleView
    """

    return sync_detailed(
        account_id=account_id,
        client=client,
        body=body,
        platform=platform,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    account_id: str,
    *,
    client: AuthenticatedClient,
    body: PostingSchedule,
    platform: AccountPutSchedulePlatform | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[ErrorEnvelope | ScheduleView]:
    """Set the account's weekly posting slots, which posts sent with "scheduledTime": "next_slot" fill

    Args:
        account_id (str):
        platform (AccountPutSchedulePlatform | Unset):
        x_request_id (str | Unset):
        body (PostingSchedule): An account's weekly posting slots, in its own timezone (a 09:00
            slot stays 09:00 across
            daylight saving).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | ScheduleView]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        body=body,
        platform=platform,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    account_id: str,
    *,
    client: AuthenticatedClient,
    body: PostingSchedule,
    platform: AccountPutSchedulePlatform | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> ErrorEnvelope | ScheduleView | None:
    """Set the account's weekly posting slots, which posts sent with "scheduledTime": "next_slot" fill

    Args:
        account_id (str):
        platform (AccountPutSchedulePlatform | Unset):
        x_request_id (str | Unset):
        body (PostingSchedule): An account's weekly posting slots, in its own timezone (a 09:00
            slot stays 09:00 across
            daylight saving).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | ScheduleView
    """

    return (
        await asyncio_detailed(
            account_id=account_id,
            client=client,
            body=body,
            platform=platform,
            x_request_id=x_request_id,
        )
    ).parsed
