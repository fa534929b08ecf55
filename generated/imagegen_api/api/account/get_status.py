from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_code_message import ErrorCodeMessage
from ...models.error_detail import ErrorDetail
from ...models.error_response import ErrorResponse
from ...models.error_status_failed import ErrorStatusFailed
from ...models.status_check_response import StatusCheckResponse
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/status",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    ErrorCodeMessage
    | ErrorDetail
    | ErrorResponse
    | ErrorStatusFailed
    | StatusCheckResponse
    | None
):
    if response.status_code == 200:
        response_200 = StatusCheckResponse.from_dict(response.json())

        return response_200

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
    | StatusCheckResponse
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
) -> Response[
    ErrorCodeMessage
    | ErrorDetail
    | ErrorResponse
    | ErrorStatusFailed
    | StatusCheckResponse
]:
    """Status Check

     Returns your API connection status.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorCodeMessage | ErrorDetail | ErrorResponse | ErrorStatusFailed | StatusCheckResponse]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
) -> (
    ErrorCodeMessage
    | ErrorDetail
    | ErrorResponse
    | ErrorStatusFailed
    | StatusCheckResponse
    | None
):
    """Status Check

     Returns your API connection status.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorCodeMessage | ErrorDetail | ErrorResponse | ErrorStatusFailed | StatusCheckResponse
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[
    ErrorCodeMessage
    | ErrorDetail
    | ErrorResponse
    | ErrorStatusFailed
    | StatusCheckResponse
]:
    """Status Check

     Returns your API connection status.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorCodeMessage | ErrorDetail | ErrorResponse | ErrorStatusFailed | StatusCheckResponse]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> (
    ErrorCodeMessage
    | ErrorDetail
    | ErrorResponse
    | ErrorStatusFailed
    | StatusCheckResponse
    | None
):
    """Status Check

     Returns your API connection status.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorCodeMessage | ErrorDetail | ErrorResponse | ErrorStatusFailed | StatusCheckResponse
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
