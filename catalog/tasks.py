"""Background work every room shares: sending an email, and handing any task to the queue with the
transaction that asked for it. With the database backend (django-tasks-db, run by `manage.py db_worker`) a
task is a row written in that transaction: it exists exactly when the change it follows was committed, and
survives a restart or a mail server that is down."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import task

# A mail server that does not answer is tried again later, up to this many times, waiting longer each time.
EMAIL_ATTEMPTS = 8


def enqueue_with_transaction(task_to_run, *args, **kwargs) -> None:
    """Queue a task as part of the current transaction: written with it by a backend that keeps tasks (they
    run once committed, on the worker), run after the commit by one that runs them at once (the tests')."""
    if task_to_run.get_backend().supports_defer:
        task_to_run.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task_to_run.enqueue(*args, **kwargs))


def email(subject: str, body: str, recipients: list[str]) -> None:
    """Send an email once the current transaction commits; nothing is sent when it rolls back."""
    subject = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}"[:200]
    enqueue_with_transaction(send_email, subject, body, list(recipients))


@task()
def send_email(subject: str, body: str, recipients: list[str], attempt: int = 1) -> None:
    """Send one email; when the mail server fails, queue it again after a growing pause (1, 2, 4… minutes)."""
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except OSError:
        if attempt >= EMAIL_ATTEMPTS or not send_email.get_backend().supports_defer:
            raise
        later = timezone.now() + datetime.timedelta(minutes=2 ** (attempt - 1))
        send_email.using(run_after=later).enqueue(subject, body, recipients, attempt + 1)
