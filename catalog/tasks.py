"""Background work: sending an email, checking and importing the catalogue files the office uploads (and
forgetting them a day later), and handing any task to the queue with the transaction that asked for it. With
the database backend (django-tasks-db, run by `manage.py db_worker`) a task is a row written in that
transaction: it exists exactly when the change it follows was committed, and survives a restart or a mail
server that is down."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from catalog.choices import UploadStatus
from catalog.exchange import ExchangeError, ImportReport, Source, import_catalog
from catalog.models import CatalogueUpload

# A mail server that does not answer is tried again later, up to this many times, waiting longer each time.
EMAIL_ATTEMPTS = 8
# How long an uploaded catalogue file and its report are kept.
UPLOAD_KEPT = datetime.timedelta(days=1)


def enqueue_with_transaction(task_to_run, *args, **kwargs) -> None:
    """Queue a task as part of the current transaction: written with it by a backend that keeps tasks (they
    run once committed, on the worker), run after the commit by one that runs them at once (the tests')."""
    if task_to_run.get_backend().supports_defer:
        task_to_run.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task_to_run.enqueue(*args, **kwargs))


def email(subject: str, body: str, recipients: list[str], headers: dict[str, str] | None = None) -> None:
    """Send an email once the current transaction commits; nothing is sent when it rolls back. `headers` are
    extra header lines (List-Unsubscribe for the alerts' emails)."""
    subject = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}"[:200]
    if headers:
        enqueue_with_transaction(send_email, subject, body, list(recipients), headers=dict(headers))
    else:
        enqueue_with_transaction(send_email, subject, body, list(recipients))


@task()
def send_email(
    subject: str, body: str, recipients: list[str], attempt: int = 1, headers: dict[str, str] | None = None
) -> None:
    """Send one email; when the mail server fails, queue it again after a growing pause (1, 2, 4… minutes)."""
    try:
        if headers:
            EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, headers=headers).send()
        else:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except OSError:
        if attempt >= EMAIL_ATTEMPTS or not send_email.get_backend().supports_defer:
            raise
        later = timezone.now() + datetime.timedelta(minutes=2 ** (attempt - 1))
        send_email.using(run_after=later).enqueue(subject, body, recipients, attempt + 1, headers=headers)


@task()
def check_upload(upload_id: int) -> str:
    """The dry run of an uploaded catalogue file: what importing it would change, or every error with its
    file, line and key. Returns the upload's new status."""
    return _run_upload(upload_id, dry_run=True)


@task()
def import_upload(upload_id: int) -> str:
    """Import a previewed catalogue file, all or nothing. Returns the upload's new status."""
    return _run_upload(upload_id, dry_run=False)


def _run_upload(upload_id: int, *, dry_run: bool) -> str:
    upload = CatalogueUpload.objects.filter(pk=upload_id).first()
    if upload is None:
        return "forgotten"  # removed by the clean-up before the worker came to it
    source = Source(upload.name, bytes(upload.data))
    try:
        report = import_catalog([source], dry_run=dry_run, progress=_progress(upload_id))
    except ExchangeError as error:
        # Kept as text and parameters: the upload's page translates them into its reader's language.
        _finish(upload, UploadStatus.FAILED, errors=[message.as_json() for message in error.errors])
    except Exception:
        _finish(upload, UploadStatus.FAILED)  # the page says it stopped; the task's result keeps the trace
        raise
    else:
        status = UploadStatus.PREVIEWED if dry_run else UploadStatus.DONE
        _finish(upload, status, report=report)
    return upload.status


def _progress(upload_id: int):
    def write(stage: str, done: int, total: int) -> None:
        # Inside the import's transaction a write would show only once everything is done (and would lock
        # the row meanwhile): the page follows the reading of the file, which happens before it and grows
        # with the file.
        if not connection.in_atomic_block:
            CatalogueUpload.objects.filter(pk=upload_id).update(
                done=done, total=total, updated_at=timezone.now()
            )

    return write


def _finish(upload: CatalogueUpload, status: str, *, report: ImportReport | None = None, errors=()) -> None:
    upload.status = status
    upload.errors = list(errors)
    if report is not None:
        upload.counts = [[name, c.created, c.updated, c.unchanged] for name, c in report.counts.items()]
    if status != UploadStatus.PREVIEWED or not upload.changes:
        upload.data = b""  # nothing more can be done with the file
    upload.save(update_fields=["status", "errors", "counts", "data", "updated_at"])


def forget_uploads_later() -> None:
    """Queue the clean-up to run once this upload is old enough to go (at once with a backend that cannot
    wait: it then removes the uploads already old)."""
    if forget_old_uploads.get_backend().supports_defer:
        later = timezone.now() + UPLOAD_KEPT + datetime.timedelta(minutes=5)
        forget_old_uploads.using(run_after=later).enqueue()
    else:
        enqueue_with_transaction(forget_old_uploads)


@task()
def forget_old_uploads() -> int:
    """Delete the catalogue uploads made more than a day ago, previewed and never confirmed or long done,
    with their files; one a task is working on stays while the task writes to it. Returns how many."""
    cutoff = timezone.now() - UPLOAD_KEPT
    working = Q(status__in=[UploadStatus.CHECKING, UploadStatus.IMPORTING], updated_at__gte=cutoff)
    deleted, _by_model = CatalogueUpload.objects.filter(created_at__lt=cutoff).exclude(working).delete()
    return deleted
