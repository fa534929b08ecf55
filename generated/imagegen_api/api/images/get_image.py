from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_code_message import ErrorCodeMessage
from ...models.error_detail import ErrorDetail
from ...models.error_response import ErrorResponse
from ...models.error_status_failed import ErrorStatusFailed
from ...models.get_image_response import GetImageResponse
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
    ErrorCodeMessage
    | ErrorDetail
    | ErrorResponse
    | ErrorStatusFailed
    | GetImageResponse
    | None
):
    if response.status_code == 200:
        response_200 = GetImageResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:

        def _parse_response_400(
            data: object,
        ) -> ErrorCodeMessage | ErrorDetail | ErrorResponse | ErrorStatusFailed:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_error_body_type_0 = ErrorResponse.from_dict(data)

                return componentsschemas_error_body_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_error_body_type_1 = ErrorCodeMessage.from_dict(data)

                return componentsschemas_error_body_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_error_body_type_2 = ErrorDetail.from_dict(data)

                return componentsschemas_error_body_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_error_body_type_3 = ErrorStatusFailed.from_dict(data)

            return componentsschemas_error_body_type_3

        response_400 = _parse_response_400(response.json())

        return response_400

    if response.status_code == 401:

        def _parse_response_401(
            data: object,
        ) -> ErrorCodeMessage | ErrorDetail | ErrorResponse | ErrorStatusFailed:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_error_body_type_0 = ErrorResponse.from_dict(data)

                return componentsschemas_error_body_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_error_body_type_1 = ErrorCodeMessage.from_dict(data)

                return componentsschemas_error_body_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_error_body_type_2 = ErrorDetail.from_dict(data)

                return componentsschemas_error_body_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_error_body_type_3 = ErrorStatusFailed.from_dict(data)

            return componentsschemas_error_body_type_3

        response_401 = _parse_response_401(response.json())

        return response_401

    if response.status_code == 404:

        def _parse_response_404(
            data: object,
        ) -> ErrorCodeMessage | ErrorDetail | ErrorResponse | ErrorStatusFailed:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_error_body_type_0 = ErrorResponse.from_dict(data)

                return componentsschemas_error_body_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_error_body_type_1 = ErrorCodeMessage.from_dict(data)

                return componentsschemas_error_body_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_error_body_type_2 = ErrorDetail.from_dict(data)

                return componentsschemas_error_body_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_error_body_type_3 = ErrorStatusFailed.from_dict(data)

            return componentsschemas_error_body_type_3

        response_404 = _parse_response_404(response.json())

        return response_404

    if response.status_code == 429:

        def _parse_response_429(
            data: object,
        ) -> ErrorCodeMessage | ErrorDetail | ErrorResponse | ErrorStatusFailed:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_error_body_type_0 = ErrorResponse.from_dict(data)

                return componentsschemas_error_body_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_error_body_type_1 = ErrorCodeMessage.from_dict(data)

                return componentsschemas_error_body_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_error_body_type_2 = ErrorDetail.from_dict(data)

                return componentsschemas_error_body_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_error_body_type_3 = ErrorStatusFailed.from_dict(data)

            return componentsschemas_error_body_type_3

        response_429 = _parse_response_429(response.json())

        return response_429

    if response.status_code == 500:

        def _parse_response_500(
            data: object,
        ) -> ErrorCodeMessage | ErrorDetail | ErrorResponse | ErrorStatusFailed:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_error_body_type_0 = ErrorResponse.from_dict(data)

                return componentsschemas_error_body_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_error_body_type_1 = ErrorCodeMessage.from_dict(data)

                return componentsschemas_error_body_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_error_body_type_2 = ErrorDetail.from_dict(data)

                return componentsschemas_error_body_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_error_body_type_3 = ErrorStatusFailed.from_dict(data)

            return componentsschemas_error_body_type_3

        response_500 = _parse_response_500(response.json())

        return response_500

    if response.status_code == 503:

        def _parse_response_503(
            data: object,
        ) -> ErrorCodeMessage | ErrorDetail | ErrorResponse | ErrorStatusFailed:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_error_body_type_0 = ErrorResponse.from_dict(data)

                return componentsschemas_error_body_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_error_body_type_1 = ErrorCodeMessage.from_dict(data)

                return componentsschemas_error_body_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_error_body_type_2 = ErrorDetail.from_dict(data)

                return componentsschemas_error_body_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_error_body_type_3 = ErrorStatusFailed.from_dict(data)

            return componentsschemas_error_body_type_3

        response_503 = _parse_response_503(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    ErrorCodeMessage
    | ErrorDetail
    | ErrorResponse
    | ErrorStatusFailed
    | GetImageResponse
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
    ErrorCodeMessage
    | ErrorDetail
    | ErrorResponse
    | ErrorStatusFailed
    | GetImageResponse
]:
    """Check Image Status

     Returns the current status and output URLs for a specific generation.

    Args:
        generation_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorCodeMessage | ErrorDetail | ErrorResponse | ErrorStatusFailed | GetImageResponse]
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
    ErrorCodeMessage
    | ErrorDetail
    | ErrorResponse
    | ErrorStatusFailed
    | GetImageResponse
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
        ErrorCodeMessage | ErrorDetail | ErrorResponse | ErrorStatusFailed | GetImageResponse
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
    ErrorCodeMessage
    | ErrorDetail
    | ErrorResponse
    | ErrorStatusFailed
    | GetImageResponse
]:
    """Check Image Status

     Returns the current status and output URLs for a specific generation.

    Args:
        generation_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorCodeMessage | ErrorDetail | ErrorResponse | ErrorStatusFailed | GetImageResponse]
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
    ErrorCodeMessage
    | ErrorDetail
    | ErrorResponse
    | ErrorStatusFailed
    | GetImageResponse
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
        ErrorCodeMessage | ErrorDetail | ErrorResponse | ErrorStatusFailed | GetImageResponse
    """

    return (
        await asyncio_detailed(
            generation_id=generation_id,
            client=client,
        )
    ).parsed
