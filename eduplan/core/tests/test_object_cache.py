"""The figures' in-process cache keeps objects (no pickling), forgets the least recently
read past its size, and what has expired."""

from __future__ import annotations

import time_machine

from eduplan.core.object_cache import ObjectCache


def _cache(name: str, entries: int = 3) -> ObjectCache:
    return ObjectCache(name, {"OPTIONS": {"MAX_ENTRIES": entries, "CULL_FREQUENCY": 3}})


def test_a_reader_gets_the_object_kept_not_a_copy():
    cache = _cache("object-cache-same")
    value = {"rows": [1, 2]}
    cache.set("k", value)
    assert cache.get("k") is value
    assert cache.get_many(["k", "missing"]) == {"k": value}
    assert not cache.add("k", "other") and cache.get("k") is value
    assert cache.delete("k") and cache.get("k", "gone") == "gone"


def test_past_its_size_the_least_recently_read_go_first():
    cache = _cache("object-cache-size")
    for key in "abc":
        cache.set(key, key)
    cache.get("a")  # read: kept
    cache.set("d", "d")
    assert [k for k in "abcd" if cache.has_key(k)] == ["a", "c", "d"]
    cache.clear()
    assert not cache.has_key("a")


def test_an_expired_value_is_gone():
    cache = _cache("object-cache-time")
    with time_machine.travel("2026-12-07 08:00", tick=False) as clock:
        cache.set("k", 1, timeout=60)
        clock.shift(59)
        assert cache.get("k") == 1 and cache.touch("k", timeout=60)
        clock.shift(61)
        assert cache.get("k") is None
