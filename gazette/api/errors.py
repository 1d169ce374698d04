"""JSON errors, {"error": ..., "detail": ...}, and reading the bearer token."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, JsonResponse

from gazette.api.tokens import TokenError, token_user

ERROR_NAMES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    422: "invalid",
    429: "too_many_requests",
}


class ApiError(Exception):
    def __init__(self, status: int, detail: Any, error: str | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.error = error or ERROR_NAMES.get(status, "error")


def error_response(status: int, detail: Any, error: str | None = None) -> JsonResponse:
    response = JsonResponse(
        {"error": error or ERROR_NAMES.get(status, "error"), "detail": detail}, status=status
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="gazette"'
    return response


def bearer_user(request: HttpRequest) -> AbstractBaseUser | None:
    """The user of the request's bearer token; None without an Authorization header; a
    401 ApiError for any header that does not name a valid token (never silently public:
    a client whose token broke should hear about it)."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        raise ApiError(401, "Send the token as `Authorization: Bearer TOKEN`.")
    try:
        user = token_user(raw.strip())
    except TokenError as exc:
        raise ApiError(401, str(exc)) from exc
    request.user = user
    return user


def check_body_size(request: HttpRequest) -> None:
    """413 before the body is read. Image uploads may be as large as Wagtail allows them."""
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError as exc:
        raise ApiError(400, "Content-Length is not a number.") from exc
    limit = settings.GAZETTE_API_MAX_BODY
    if request.content_type == "multipart/form-data":
        limit += getattr(settings, "WAGTAILIMAGES_MAX_UPLOAD_SIZE", 10 * 1024 * 1024)
    if length > limit:
        raise ApiError(413, f"The request body is larger than {limit:,} bytes.")
