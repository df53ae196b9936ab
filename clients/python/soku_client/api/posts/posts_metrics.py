from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.post_metrics_response import PostMetricsResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    post_id: str,
    *,
    refresh: bool | Unset = False,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-ID"] = x_request_id

    params: dict[str, Any] = {}

    params["refresh"] = refresh

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/posts/{post_id}/metrics".format(
            post_id=quote(str(post_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | PostMetricsResponse:
    if response.status_code == 200:
        response_200 = PostMetricsResponse.from_dict(response.json())

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
) -> Response[ErrorEnvelope | PostMetricsResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    post_id: str,
    *,
    client: AuthenticatedClient,
    refresh: bool | Unset = False,
    x_request_id: str | Unset = UNSET,
) -> Response[ErrorEnvelope | PostMetricsResponse]:
    """Each run's metrics on its platform (views, likes, comments, shares and the platform's own), cached a
    few minutes

    Args:
        post_id (str):
        refresh (bool | Unset):  Default: False.
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | PostMetricsResponse]
    """

    kwargs = _get_kwargs(
        post_id=post_id,
        refresh=refresh,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    post_id: str,
    *,
    client: AuthenticatedClient,
    refresh: bool | Unset = False,
    x_request_id: str | Unset = UNSET,
) -> ErrorEnvelope | PostMetricsResponse | None:
    """Each run's metrics on its platform (views, likes, comments, shares and the platform's own), cached a
    few minutes

    Args:
        post_id (str):
        refresh (bool | Unset):  Default: False.
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | PostMetricsResponse
    """

    return sync_detailed(
        post_id=post_id,
        client=client,
        refresh=refresh,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    post_id: str,
    *,
    client: AuthenticatedClient,
    refresh: bool | Unset = False,
    x_request_id: str | Unset = UNSET,
) -> Response[ErrorEnvelope | PostMetricsResponse]:
    """Each run's metrics on its platform (views, likes, comments, shares and the platform's own), cached a
    few minutes

    Args:
        post_id (str):
        refresh (bool | Unset):  Default: False.
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | PostMetricsResponse]
    """

    kwargs = _get_kwargs(
        post_id=post_id,
        refresh=refresh,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    post_id: str,
    *,
    client: AuthenticatedClient,
    refresh: bool | Unset = False,
    x_request_id: str | Unset = UNSET,
) -> ErrorEnvelope | PostMetricsResponse | None:
    """Each run's metrics on its platform (views, likes, comments, shares and the platform's own), cached a
    few minutes

    Args:
        post_id (str):
        refresh (bool | Unset):  Default: False.
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | PostMetricsResponse
    """

    return (
        await asyncio_detailed(
            post_id=post_id,
            client=client,
            refresh=refresh,
            x_request_id=x_request_id,
        )
    ).parsed
