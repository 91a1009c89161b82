"""Fixtures shared by the whole suite: people in units with roles, signed-in clients."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from doingoai.core import permissions, seed
from doingoai.core.models import Membership, Role, Unit

PASSWORD = "Mật-khẩu-Thử-2025"


@pytest.fixture
def units(db):
    seed.load_units()
    return {u.code: u for u in Unit.objects.all()}


@pytest.fixture
def make_person(units):
    """make_person("chuyen-vien", "TTBCXB") → a user holding that role in that unit."""
    counter = {"n": 0}

    def make(role: str, unit_code: str = "TTBCXB", username: str | None = None, **extra):
        counter["n"] += 1
        username = username or f"{role}-{unit_code}-{counter['n']}".lower()
        user = get_user_model().objects.create_user(
            username=username, password=PASSWORD, first_name="Nguyễn Văn", last_name=f"Thử {counter['n']}",
            email=f"{username}@doingoai.invalid", **extra,
        )
        Membership.objects.create(user=user, unit=units[unit_code], role=role)
        return user

    return make


@pytest.fixture
def specialist(make_person):
    return make_person(Role.CHUYEN_VIEN, "TTBCXB", username="chuyenvien")


@pytest.fixture
def signed_in(client):
    """signed_in(user) → the test client, signed in as ``user`` (two-factor already passed)."""

    def sign_in(user):
        client.force_login(user)
        if permissions.needs_two_factor(user):
            device = TOTPDevice.objects.create(user=user, name="thử", confirmed=True)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    return sign_in


@pytest.fixture
def empty_queue(settings):
    """With the RQ backend the queue lives in Redis, shared by every test: a test that runs a
    worker starts with it empty (no job left by another test) and leaves it empty."""

    def empty():
        if settings.TASKS_BACKEND == "rq":
            import django_rq

            queue = django_rq.get_queue("default")
            queue.empty()
            for registry in (queue.scheduled_job_registry, queue.failed_job_registry):
                for job_id in registry.get_job_ids():
                    registry.remove(job_id, delete_job=True)

    empty()
    yield
    empty()


@pytest.fixture
def subprocess_env(settings):
    """Environment for a `doingoai` subprocess that must see the test database."""
    env = {**os.environ, "DOINGOAI_DATA_DIR": str(settings.DATA_DIR)}
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    else:
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        env["DATABASE_URL"] = f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    env["DJANGO_SETTINGS_MODULE"] = "doingoai.settings.test"
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    return env


@pytest.fixture
def doingoai_bin() -> str:
    return str(Path(sys.executable).with_name("doingoai"))


@pytest.fixture(autouse=True)
def _search_indexes_start_empty(request):
    """A transactional test starts with empty search indexes. Django empties the model tables
    between such tests but not the indexes' own tables, and ids are given again from 1: a row
    left by an earlier test would be counted for an item of this one."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or \
        "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    if transactional:
        request.getfixturevalue("transactional_db")
        from doingoai.library import search as library_search
        from doingoai.monitoring import search as monitoring_search

        library_search.clear()
        monitoring_search.clear()
    yield
