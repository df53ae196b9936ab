from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.media_document import MediaDocument
from ...models.update_media_request import UpdateMediaRequest
from ...types import UNSET, Response, Unset


def _get_kwargs(
    media_id: str,
    *,
    body: None | Unset | UpdateMediaRequest = UNSET,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-ID"] = x_request_id

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/media/{media_id}".format(
            media_id=quote(str(media_id), safe=""),
        ),
    }

    if isinstance(body, UpdateMediaRequest):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | MediaDocument:
    if response.status_code == 200:
        response_200 = MediaDocument.from_dict(response.json())

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
) -> Response[ErrorEnvelope | MediaDocument]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    media_id: str,
    *,
    client: AuthenticatedClient,
    body: None | Unset | UpdateMediaRequest = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[ErrorEnvelope | MediaDocument]:
    """Tag your media and give it alt text

    Args:
        media_id (str):
        x_request_id (str | Unset):
        body (None | Unset | UpdateMediaRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | MediaDocument]
    """

    kwargs = _get_kwargs(
        media_id=media_id,
        body=body,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    media_id: str,
    *,
    client: AuthenticatedClient,
    body: None | Unset | UpdateMediaRequest = UNSET,
    x_request_id: str | Unset = UNSET,
) -> ErrorEnvelope | MediaDocument | None:
    """Tag your media and give it alt text

    Args:
        media_id (str):
        x_request_id (str | Unset):
        body (None | Unset | UpdateMediaRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | MediaDocument
    """

    return sync_detailed(
        media_id=media_id,
        client=client,
        body=body,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    media_id: str,
    *,
    client: AuthenticatedClient,
    body: None | Unset | UpdateMediaRequest = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[ErrorEnvelope | MediaDocument]:
    """Tag your media and give it alt text

    Args:
        media_id (str):
        x_request_id (str | Unset):
        body (None | Unset | UpdateMediaRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | MediaDocument]
    """

    kwargs = _get_kwargs(
        media_id=media_id,
        body=body,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    media_id: str,
    *,
    client: AuthenticatedClient,
    body: None | Unset | UpdateMediaRequest = UNSET,
    x_request_id: str | Unset = UNSET,
) -> ErrorEnvelope | MediaDocument | None:
    """Tag your media and give it alt text

    Args:
        media_id (str):
        x_request_id (str | Unset):
        body (None | Unset | UpdateMediaRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | MediaDocument
    """

    return (
        await asyncio_detailed(
            media_id=media_id,
            client=client,
            body=body,
            x_request_id=x_request_id,
        )
    ).parsed
