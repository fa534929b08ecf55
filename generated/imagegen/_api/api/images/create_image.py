from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.authentication_error_response import AuthenticationErrorResponse
from ...models.bad_request_error_response import BadRequestErrorResponse
from ...models.create_image_request import CreateImageRequest
from ...models.create_image_response import CreateImageResponse
from ...models.create_rate_limit_error_response import CreateRateLimitErrorResponse
from ...models.error_detail import ErrorDetail
from ...models.image_input_status_failed import ImageInputStatusFailed
from ...models.insufficient_credits_code_message import InsufficientCreditsCodeMessage
from ...models.insufficient_credits_error_response import (
    InsufficientCreditsErrorResponse,
)
from ...models.server_error_response import ServerErrorResponse
from ...models.validation_error_response import ValidationErrorResponse
from ...types import Response


def _get_kwargs(
    *,
    body: CreateImageRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/images",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    AuthenticationErrorResponse
    | BadRequestErrorResponse
    | ErrorDetail
    | ImageInputStatusFailed
    | CreateImageResponse
    | CreateRateLimitErrorResponse
    | ValidationErrorResponse
    | InsufficientCreditsCodeMessage
    | InsufficientCreditsErrorResponse
    | ServerErrorResponse
    | None
):
    if response.status_code == 201:
        response_201 = CreateImageResponse.from_dict(response.json())

        return response_201

    if response.status_code == 400:

        def _parse_response_400(
            data: object,
        ) -> BadRequestErrorResponse | ErrorDetail | ImageInputStatusFailed:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_create_bad_request_body_type_0 = (
                    BadRequestErrorResponse.from_dict(data)
                )

                return componentsschemas_create_bad_request_body_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_create_bad_request_body_type_1 = (
                    ImageInputStatusFailed.from_dict(data)
                )

                return componentsschemas_create_bad_request_body_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_create_bad_request_body_type_2 = ErrorDetail.from_dict(
                data
            )

            return componentsschemas_create_bad_request_body_type_2

        response_400 = _parse_response_400(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = AuthenticationErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 402:

        def _parse_response_402(
            data: object,
        ) -> InsufficientCreditsCodeMessage | InsufficientCreditsErrorResponse:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_payment_required_body_type_0 = (
                    InsufficientCreditsErrorResponse.from_dict(data)
                )

                return componentsschemas_payment_required_body_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_payment_required_body_type_1 = (
                InsufficientCreditsCodeMessage.from_dict(data)
            )

            return componentsschemas_payment_required_body_type_1

        response_402 = _parse_response_402(response.json())

        return response_402

    if response.status_code == 422:

        def _parse_response_422(data: object) -> ErrorDetail | ValidationErrorResponse:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_create_unprocessable_body_type_0 = (
                    ValidationErrorResponse.from_dict(data)
                )

                return componentsschemas_create_unprocessable_body_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_create_unprocessable_body_type_1 = ErrorDetail.from_dict(
                data
            )

            return componentsschemas_create_unprocessable_body_type_1

        response_422 = _parse_response_422(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = CreateRateLimitErrorResponse.from_dict(response.json())

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
    | BadRequestErrorResponse
    | ErrorDetail
    | ImageInputStatusFailed
    | CreateImageResponse
    | CreateRateLimitErrorResponse
    | ValidationErrorResponse
    | InsufficientCreditsCodeMessage
    | InsufficientCreditsErrorResponse
    | ServerErrorResponse
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
    body: CreateImageRequest,
) -> Response[
    AuthenticationErrorResponse
    | BadRequestErrorResponse
    | ErrorDetail
    | ImageInputStatusFailed
    | CreateImageResponse
    | CreateRateLimitErrorResponse
    | ValidationErrorResponse
    | InsufficientCreditsCodeMessage
    | InsufficientCreditsErrorResponse
    | ServerErrorResponse
]:
    """Create a generation

     Starts a generation and answers at once with its id, status `starting` and its credit
    cost; the images arrive later (poll getImage, or receive the webhook). Covers the three
    documented requests: text-to-image (no input image), image-to-image with one reference
    image, and with several. Reference images come either as HTTPS URLs (`images_url`) or
    as base64 (`images_base64`), never both in one request, at most 10 together.

    Nothing is created when the answer is an error. A create that lost its connection after
    being sent may or may not have created a generation: look for it with listImages before
    sending it again.

    Args:
        body (CreateImageRequest): One of three forms: text only; with `images_url` (HTTPS URLs);
            or with `images_base64`.
            Never both image fields (400, "Cannot mix ..."); at most 10 images (400); JPEG, PNG or
            WEBP only (INVALID_IMAGE); at most 10 MB each and 20 MB in all
            (IMAGE_SIZE_LIMIT_EXCEEDED).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthenticationErrorResponse | BadRequestErrorResponse | ErrorDetail | ImageInputStatusFailed | CreateImageResponse | CreateRateLimitErrorResponse | ErrorDetail | ErrorDetail | ValidationErrorResponse | InsufficientCreditsCodeMessage | InsufficientCreditsErrorResponse | ServerErrorResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: CreateImageRequest,
) -> (
    AuthenticationErrorResponse
    | BadRequestErrorResponse
    | ErrorDetail
    | ImageInputStatusFailed
    | CreateImageResponse
    | CreateRateLimitErrorResponse
    | ValidationErrorResponse
    | InsufficientCreditsCodeMessage
    | InsufficientCreditsErrorResponse
    | ServerErrorResponse
    | None
):
    """Create a generation

     Starts a generation and answers at once with its id, status `starting` and its credit
    cost; the images arrive later (poll getImage, or receive the webhook). Covers the three
    documented requests: text-to-image (no input image), image-to-image with one reference
    image, and with several. Reference images come either as HTTPS URLs (`images_url`) or
    as base64 (`images_base64`), never both in one request, at most 10 together.

    Nothing is created when the answer is an error. A create that lost its connection after
    being sent may or may not have created a generation: look for it with listImages before
    sending it again.

    Args:
        body (CreateImageRequest): One of three forms: text only; with `images_url` (HTTPS URLs);
            or with `images_base64`.
            Never both image fields (400, "Cannot mix ..."); at most 10 images (400); JPEG, PNG or
            WEBP only (INVALID_IMAGE); at most 10 MB each and 20 MB in all
            (IMAGE_SIZE_LIMIT_EXCEEDED).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthenticationErrorResponse | BadRequestErrorResponse | ErrorDetail | ImageInputStatusFailed | CreateImageResponse | CreateRateLimitErrorResponse | ErrorDetail | ErrorDetail | ValidationErrorResponse | InsufficientCreditsCodeMessage | InsufficientCreditsErrorResponse | ServerErrorResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreateImageRequest,
) -> Response[
    AuthenticationErrorResponse
    | BadRequestErrorResponse
    | ErrorDetail
    | ImageInputStatusFailed
    | CreateImageResponse
    | CreateRateLimitErrorResponse
    | ValidationErrorResponse
    | InsufficientCreditsCodeMessage
    | InsufficientCreditsErrorResponse
    | ServerErrorResponse
]:
    """Create a generation

     Starts a generation and answers at once with its id, status `starting` and its credit
    cost; the images arrive later (poll getImage, or receive the webhook). Covers the three
    documented requests: text-to-image (no input image), image-to-image with one reference
    image, and with several. Reference images come either as HTTPS URLs (`images_url`) or
    as base64 (`images_base64`), never both in one request, at most 10 together.

    Nothing is created when the answer is an error. A create that lost its connection after
    being sent may or may not have created a generation: look for it with listImages before
    sending it again.

    Args:
        body (CreateImageRequest): One of three forms: text only; with `images_url` (HTTPS URLs);
            or with `images_base64`.
            Never both image fields (400, "Cannot mix ..."); at most 10 images (400); JPEG, PNG or
            WEBP only (INVALID_IMAGE); at most 10 MB each and 20 MB in all
            (IMAGE_SIZE_LIMIT_EXCEEDED).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthenticationErrorResponse | BadRequestErrorResponse | ErrorDetail | ImageInputStatusFailed | CreateImageResponse | CreateRateLimitErrorResponse | ErrorDetail | ErrorDetail | ValidationErrorResponse | InsufficientCreditsCodeMessage | InsufficientCreditsErrorResponse | ServerErrorResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: CreateImageRequest,
) -> (
    AuthenticationErrorResponse
    | BadRequestErrorResponse
    | ErrorDetail
    | ImageInputStatusFailed
    | CreateImageResponse
    | CreateRateLimitErrorResponse
    | ValidationErrorResponse
    | InsufficientCreditsCodeMessage
    | InsufficientCreditsErrorResponse
    | ServerErrorResponse
    | None
):
    """Create a generation

     Starts a generation and answers at once with its id, status `starting` and its credit
    cost; the images arrive later (poll getImage, or receive the webhook). Covers the three
    documented requests: text-to-image (no input image), image-to-image with one reference
    image, and with several. Reference images come either as HTTPS URLs (`images_url`) or
    as base64 (`images_base64`), never both in one request, at most 10 together.

    Nothing is created when the answer is an error. A create that lost its connection after
    being sent may or may not have created a generation: look for it with listImages before
    sending it again.

    Args:
        body (CreateImageRequest): One of three forms: text only; with `images_url` (HTTPS URLs);
            or with `images_base64`.
            Never both image fields (400, "Cannot mix ..."); at most 10 images (400); JPEG, PNG or
            WEBP only (INVALID_IMAGE); at most 10 MB each and 20 MB in all
            (IMAGE_SIZE_LIMIT_EXCEEDED).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthenticationErrorResponse | BadRequestErrorResponse | ErrorDetail | ImageInputStatusFailed | CreateImageResponse | CreateRateLimitErrorResponse | ErrorDetail | ErrorDetail | ValidationErrorResponse | InsufficientCreditsCodeMessage | InsufficientCreditsErrorResponse | ServerErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
