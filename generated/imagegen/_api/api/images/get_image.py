from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.authentication_error_response import AuthenticationErrorResponse
from ...models.error_detail import ErrorDetail
from ...models.generation_not_found_detail import GenerationNotFoundDetail
from ...models.generation_not_found_error_response import (
    GenerationNotFoundErrorResponse,
)
from ...models.get_image_response import GetImageResponse
from ...models.rate_limit_error_response import RateLimitErrorResponse
from ...models.server_error_response import ServerErrorResponse
from ...types import Response


def _get_kwargs(
    generation_id: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/images/{generation_id}".format(
            generation_id=quote(str(generation_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    AuthenticationErrorResponse
    | ErrorDetail
    | GenerationNotFoundDetail
    | GenerationNotFoundErrorResponse
    | GetImageResponse
    | RateLimitErrorResponse
    | ServerErrorResponse
    | None
):
    if response.status_code == 200:
        response_200 = GetImageResponse.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = AuthenticationErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 404:

        def _parse_response_404(
            data: object,
        ) -> GenerationNotFoundDetail | GenerationNotFoundErrorResponse:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_generation_not_found_body_type_0 = (
                    GenerationNotFoundErrorResponse.from_dict(data)
                )

                return componentsschemas_generation_not_found_body_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_generation_not_found_body_type_1 = (
                GenerationNotFoundDetail.from_dict(data)
            )

            return componentsschemas_generation_not_found_body_type_1

        response_404 = _parse_response_404(response.json())

        return response_404

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
    | GenerationNotFoundDetail
    | GenerationNotFoundErrorResponse
    | GetImageResponse
    | RateLimitErrorResponse
    | ServerErrorResponse
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    generation_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Response[
    AuthenticationErrorResponse
    | ErrorDetail
    | GenerationNotFoundDetail
    | GenerationNotFoundErrorResponse
    | GetImageResponse
    | RateLimitErrorResponse
    | ServerErrorResponse
]:
    """Check Image Status

     Returns the current status and output URLs for a specific generation.

    Args:
        generation_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthenticationErrorResponse | ErrorDetail | GenerationNotFoundDetail | GenerationNotFoundErrorResponse | GetImageResponse | RateLimitErrorResponse | ServerErrorResponse]
    """

    kwargs = _get_kwargs(
        generation_id=generation_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    generation_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> (
    AuthenticationErrorResponse
    | ErrorDetail
    | GenerationNotFoundDetail
    | GenerationNotFoundErrorResponse
    | GetImageResponse
    | RateLimitErrorResponse
    | ServerErrorResponse
    | None
):
    """Check Image Status

     Returns the current status and output URLs for a specific generation.

    Args:
        generation_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthenticationErrorResponse | ErrorDetail | GenerationNotFoundDetail | GenerationNotFoundErrorResponse | GetImageResponse | RateLimitErrorResponse | ServerErrorResponse
    """

    return sync_detailed(
        generation_id=generation_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    generation_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Response[
    AuthenticationErrorResponse
    | ErrorDetail
    | GenerationNotFoundDetail
    | GenerationNotFoundErrorResponse
    | GetImageResponse
    | RateLimitErrorResponse
    | ServerErrorResponse
]:
    """Check Image Status

     Returns the current status and output URLs for a specific generation.

    Args:
        generation_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthenticationErrorResponse | ErrorDetail | GenerationNotFoundDetail | GenerationNotFoundErrorResponse | GetImageResponse | RateLimitErrorResponse | ServerErrorResponse]
    """

    kwargs = _get_kwargs(
        generation_id=generation_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    generation_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> (
    AuthenticationErrorResponse
    | ErrorDetail
    | GenerationNotFoundDetail
    | GenerationNotFoundErrorResponse
    | GetImageResponse
    | RateLimitErrorResponse
    | ServerErrorResponse
    | None
):
    """Check Image Status

     Returns the current status and output URLs for a specific generation.

    Args:
        generation_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthenticationErrorResponse | ErrorDetail | GenerationNotFoundDetail | GenerationNotFoundErrorResponse | GetImageResponse | RateLimitErrorResponse | ServerErrorResponse
    """

    return (
        await asyncio_detailed(
            generation_id=generation_id,
            client=client,
        )
    ).parsed
