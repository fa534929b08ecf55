from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.account_not_found_error_response import AccountNotFoundErrorResponse
from ...models.account_response import AccountResponse
from ...models.authentication_error_response import AuthenticationErrorResponse
from ...models.error_detail import ErrorDetail
from ...models.rate_limit_error_response import RateLimitErrorResponse
from ...models.server_error_response import ServerErrorResponse
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/account",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    AccountNotFoundErrorResponse
    | AccountResponse
    | AuthenticationErrorResponse
    | ErrorDetail
    | RateLimitErrorResponse
    | ServerErrorResponse
    | None
):
    if response.status_code == 200:
        response_200 = AccountResponse.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = AuthenticationErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = AccountNotFoundErrorResponse.from_dict(response.json())

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
    AccountNotFoundErrorResponse
    | AccountResponse
    | AuthenticationErrorResponse
    | ErrorDetail
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
    *,
    client: AuthenticatedClient | Client,
) -> Response[
    AccountNotFoundErrorResponse
    | AccountResponse
    | AuthenticationErrorResponse
    | ErrorDetail
    | RateLimitErrorResponse
    | ServerErrorResponse
]:
    """Account Info

     Returns your account details including credits, email, and account ID.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccountNotFoundErrorResponse | AccountResponse | AuthenticationErrorResponse | ErrorDetail | RateLimitErrorResponse | ServerErrorResponse]
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
    AccountNotFoundErrorResponse
    | AccountResponse
    | AuthenticationErrorResponse
    | ErrorDetail
    | RateLimitErrorResponse
    | ServerErrorResponse
    | None
):
    """Account Info

     Returns your account details including credits, email, and account ID.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccountNotFoundErrorResponse | AccountResponse | AuthenticationErrorResponse | ErrorDetail | RateLimitErrorResponse | ServerErrorResponse
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[
    AccountNotFoundErrorResponse
    | AccountResponse
    | AuthenticationErrorResponse
    | ErrorDetail
    | RateLimitErrorResponse
    | ServerErrorResponse
]:
    """Account Info

     Returns your account details including credits, email, and account ID.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccountNotFoundErrorResponse | AccountResponse | AuthenticationErrorResponse | ErrorDetail | RateLimitErrorResponse | ServerErrorResponse]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> (
    AccountNotFoundErrorResponse
    | AccountResponse
    | AuthenticationErrorResponse
    | ErrorDetail
    | RateLimitErrorResponse
    | ServerErrorResponse
    | None
):
    """Account Info

     Returns your account details including credits, email, and account ID.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccountNotFoundErrorResponse | AccountResponse | AuthenticationErrorResponse | ErrorDetail | RateLimitErrorResponse | ServerErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
