"""How the web processes and their database connections are set up from the environment
(settings.database_from_url, eduplan/gunicorn_conf.py)."""

from __future__ import annotations

import importlib

import pytest
from django.core.exceptions import ImproperlyConfigured

from eduplan import gunicorn_conf
from eduplan.settings import database_from_url

PG = "postgres://eduplan@db.example:5432/eduplan"


def test_postgresql_takes_its_connections_from_a_pool_by_default(monkeypatch):
    for name in ("DB_POOL", "DB_CONN_MAX_AGE", "DB_POOL_MAX_SIZE", "DB_POOL_MIN_SIZE"):
        monkeypatch.delenv(name, raising=False)
    database = database_from_url(PG)
    assert database["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 16, "timeout": 10}
    assert database["CONN_MAX_AGE"] == 0  # Django refuses a pool with persistent connections
    monkeypatch.setenv("DB_POOL_MAX_SIZE", "5")
    assert database_from_url(PG)["OPTIONS"]["pool"]["max_size"] == 5


def test_without_the_pool_connections_persist_as_long_as_asked_and_are_checked(monkeypatch):
    monkeypatch.setenv("DB_POOL", "false")
    monkeypatch.setenv("DB_CONN_MAX_AGE", "60")
    database = database_from_url(PG)
    assert "pool" not in database.get("OPTIONS", {})
    assert (database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"]) == (60, True)


def test_the_pool_and_persistent_connections_together_are_refused(monkeypatch):
    monkeypatch.delenv("DB_POOL", raising=False)
    monkeypatch.setenv("DB_CONN_MAX_AGE", "60")
    with pytest.raises(ImproperlyConfigured, match="DB_POOL and DB_CONN_MAX_AGE exclude"):
        database_from_url(PG)


def test_sqlite_has_no_pool(monkeypatch):
    monkeypatch.delenv("DB_CONN_MAX_AGE", raising=False)
    assert "pool" not in database_from_url("sqlite:///x.sqlite3").get("OPTIONS", {})


def test_gunicorn_runs_one_worker_per_cpu_and_two_at_least_unless_told(monkeypatch):
    monkeypatch.delenv("EDUPLAN_WEB_WORKERS", raising=False)
    assert [gunicorn_conf.web_workers(cpus) for cpus in (None, 1, 2, 8)] == [2, 2, 2, 8]
    monkeypatch.setenv("EDUPLAN_WEB_WORKERS", "3")
    assert gunicorn_conf.web_workers(8) == 3


def test_gunicorn_sizes_each_workers_pool_to_its_threads(monkeypatch):
    monkeypatch.setenv("EDUPLAN_WEB_THREADS", "6")
    monkeypatch.delenv("DB_POOL_MAX_SIZE", raising=False)
    monkeypatch.delenv("DB_POOL_MIN_SIZE", raising=False)
    conf = importlib.reload(gunicorn_conf)
    assert (conf.threads, conf.worker_class, conf.wsgi_app) == (
        6,
        "gthread",
        "eduplan.wsgi:application",
    )
    assert conf.raw_env == ["DB_POOL_MAX_SIZE=7", "DB_POOL_MIN_SIZE=2"]
    monkeypatch.setenv("DB_POOL_MAX_SIZE", "20")
    assert importlib.reload(gunicorn_conf).raw_env[0] == "DB_POOL_MAX_SIZE=20"


def test_each_web_worker_collects_garbage_less_often_as_configured(monkeypatch):
    import gc

    from eduplan.core.gc_tuning import DEFAULT, gc_thresholds

    before = gc.get_threshold()
    try:
        monkeypatch.delenv("EDUPLAN_GC_THRESHOLDS", raising=False)
        assert gc_thresholds() == DEFAULT
        gunicorn_conf.post_fork(None, None)
        assert gc.get_threshold() == DEFAULT
        monkeypatch.setenv("EDUPLAN_GC_THRESHOLDS", "20000,20,100")
        gunicorn_conf.post_fork(None, None)
        assert gc.get_threshold() == (20000, 20, 100)
        assert gunicorn_conf.max_requests > gunicorn_conf.max_requests_jitter > 0
    finally:
        gc.set_threshold(*before)
