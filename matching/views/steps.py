"""A step a person takes with one POST (close a project, submit a plan, publish a demand): the service's verb
runs, a refusal is answered in the person's language, and success says so and redirects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

T = TypeVar("T")


def permitted(request: HttpRequest, obj: T, may: Callable[[Any, T], Any]) -> T:
    """`obj` if `may(request.user, obj)`; someone who sees it but may not act on it is refused (403)."""
    if not may(request.user, obj):
        raise PermissionDenied
    return obj


def run_step(
    request: HttpRequest,
    step: Callable[[], T],
    *,
    refused: type[Exception],
    done: str | Callable[[T], str],
    then: HttpResponse,
    back: Callable[[Any], HttpResponse] | None = None,
) -> HttpResponse:
    """Runs `step`; success is the message `done` (or `done(result)`) and `then`. A refusal of type `refused`
    is `back(refusal)` when given (the form again, with what was wrong), else its message as an error and
    `then`."""
    try:
        result = step()
    except refused as refusal:
        if back is not None:
            return back(refusal)
        messages.error(request, refusal.message)
        return then
    messages.success(request, done(result) if callable(done) else done)
    return then
