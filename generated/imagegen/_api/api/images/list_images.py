from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.authentication_error_response import AuthenticationErrorResponse
from ...models.error_detail import ErrorDetail
from ...models.list_images_response import ListImagesResponse
from ...models.rate_limit_error_response import RateLimitErrorResponse
from ...models.server_error_response import ServerErrorResponse
from ...models.validation_error_response import ValidationErrorResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 20,
    offset: int | Unset = 0,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["offset"] = offset

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/images",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    AuthenticationErrorResponse
    | ErrorDetail
    | ListImagesResponse
    | RateLimitErrorResponse
    | ServerErrorResponse
    | ValidationErrorResponse
    | None
):
    if response.status_code == 200:
        response_200 = ListImagesResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ValidationErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = AuthenticationErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 422:
        response_422 = ValidationErrorResponse.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = RateLimitErrorResponse.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ServerErrorResponse.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = ErrorDetail.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    AuthenticationErrorResponse
    | ErrorDetail
    | ListImagesResponse
    | RateLimitErrorResponse
    | ServerErrorResponse
    | ValidationErrorResponse
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 20,
    offset: int | Unset = 0,
) -> Response[
    AuthenticationErrorResponse
    | ErrorDetail
    | ListImagesResponse
    | RateLimitErrorResponse
    | ServerErrorResponse
    | ValidationErrorResponse
]:
    """List All Images

     Returns an array of all your generated images with their status and details, newest
    first, one page at a time. The docs show `limit`, `offset` and `total` in the answer but
    not the query; this spec takes them as query parameters of the same names, with a
    default page of 20 and at most 100.

    Args:
        limit (int | Unset):  Default: 20.
        offset (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthenticationErrorResponse | ErrorDetail | ListImagesResponse | RateLimitErrorResponse | ServerErrorResponse | ValidationErrorResponse]
    """

    kwargs = _get_kwargs(
        limit=limit,
        offset=offset,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 20,
    offset: int | Unset = 0,
) -> (
    AuthenticationErrorResponse
    | ErrorDetail
    | ListImagesResponse
    | RateLimitErrorResponse
    | ServerErrorResponse
    | ValidationErrorResponse
    | None
):
    """List All Images

     Returns an array of all your generated images with their status and details, newest
    first, one page at a time. The docs show `limit`, `offset` and `total` in the answer but
    not the query; this spec takes them as query parameters of the same names, with a
    default page of 20 and at most 100.

    Args:
        limit (int | Unset):  Default: 20.
        offset (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthenticationErrorResponse | ErrorDetail | ListImagesResponse | RateLimitErrorResponse | ServerErrorResponse | ValidationErrorResponse
    """

    return sync_detailed(
        client=client,
        limit=limit,
        offset=offset,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 20,
    offset: int | Unset = 0,
) -> Response[
    AuthenticationErrorResponse
    | ErrorDetail
    | ListImagesResponse
    | RateLimitErrorResponse
    | ServerErrorResponse
    | ValidationErrorResponse
]:
    """List All Images

     Returns an array of all your generated images with their status and details, newest
    first, one page at a time. The docs show `limit`, `offset` and `total` in the answer but
    not the query; this spec takes them as query parameters of the same names, with a
    default page of 20 and at most 100.

    Args:
        limit (int | Unset):  Default: 20.
        offset (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthenticationErrorResponse | ErrorDetail | ListImagesResponse | RateLimitErrorResponse | ServerErrorResponse | ValidationErrorResponse]
    """

    kwargs = _get_kwargs(
        limit=limit,
        offset=offset,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 20,
    offset: int | Unset = 0,
) -> (
    AuthenticationErrorResponse
    | ErrorDetail
    | ListImagesResponse
    | RateLimitErrorResponse
    | ServerErrorResponse
    | ValidationErrorResponse
    | None
):
    """List All Images

     Returns an array of all your generated images with their status and details, newest
    first, one page at a time. The docs show `limit`, `offset` and `total` in the answer but
    not the query; this spec takes them as query parameters of the same names, with a
    default page of 20 and at most 100.

    Args:
        limit (int | Unset):  Default: 20.
        offset (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthenticationErrorResponse | ErrorDetail | ListImagesResponse | RateLimitErrorResponse | ServerErrorResponse | ValidationErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            offset=offset,
        )
    ).parsed
