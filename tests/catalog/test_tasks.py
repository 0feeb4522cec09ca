"""Emails go through the task queue: with the database backend a queued email is a row written with the
change it follows (none when that change rolls back), the worker sends it, and a mail server that is down
gets the email again later instead of losing it."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from catalog.tasks import email

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_TASKS
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_an_email_is_queued_with_its_change_and_sent_by_the_worker(database_queue):
    with transaction.atomic():
        email("Invitation", "Hello", ["anna@example.org"])
        assert DBTaskResult.objects.count() == 1  # in the transaction, not after it
    assert mail.outbox == []
    run_worker()
    assert [message.to for message in mail.outbox] == [["anna@example.org"]]
    assert mail.outbox[0].subject.endswith("Invitation")


def test_a_rolled_back_change_queues_no_email(database_queue):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            email("Invitation", "Hello", ["anna@example.org"])
            raise RuntimeError("the change fails")
    assert DBTaskResult.objects.count() == 0
    run_worker()
    assert mail.outbox == []


def test_a_mail_server_that_is_down_gets_the_email_again_later(database_queue, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    email("Invitation", "Hello", ["anna@example.org"])
    run_worker()
    waiting = DBTaskResult.objects.filter(status="READY").get()
    assert waiting.args_kwargs["args"][-1] == 2  # the second attempt
    assert waiting.run_after is not None
