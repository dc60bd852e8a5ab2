"""Pages check scope on every request; a page that declares nothing is refused."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path

from eduplan import urls as project_urls
from eduplan.org.access import declared_rule, is_self_guarded


def _login(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("who", "code", "status"),
    [
        ("alice", "410105-P1", 200),
        ("alice", "410105-P2", 403),  # another school in her district
        ("alice", "410103-P1", 403),  # a school in another district
        ("alice", "410105", 403),  # her district
        ("bob", "410105", 200),
        ("bob", "410105-P2", 200),
        ("bob", "410103-P1", 403),
        ("bob", "410100", 403),
        ("lee", "410103-P1", 200),
        ("nobody", "410100", 403),
    ],
)
def test_unit_page_is_scoped(client, city, who, code, status):
    assert _login(client, city.users[who]).get(f"/units/{code}/").status_code == status


def test_an_anonymous_visitor_is_sent_to_log_in(client, city):
    response = client.get("/units/410105-P1/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_district_page_lists_its_schools_and_no_breadcrumb_above_the_scope(client, city):
    response = _login(client, city.users["bob"]).get("/units/410105-P1/")
    body = response.content.decode()
    assert "金水一小" in body
    assert 'href="/units/410100/"' not in body


def test_every_url_declares_an_access_rule():
    def walk(patterns, prefix="", namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), p.callback, namespace

    routes = list(walk(get_resolver().url_patterns))
    undeclared = [
        route
        for route, callback, namespace in routes
        if declared_rule(callback) is None and not is_self_guarded(namespace)
    ]
    assert undeclared == []
    assert len(routes) > 20  # the walk really saw the admin and the app's pages


def undeclared_view(request):
    return HttpResponse("secret")


urlpatterns = [path("undeclared/", undeclared_view), *project_urls.urlpatterns]


@override_settings(ROOT_URLCONF=__name__)
def test_a_view_that_declares_nothing_refuses_everyone(client, city):
    for user in (city.users["lee"], city.users["alice"]):
        response = _login(client, user).get("/undeclared/")
        assert response.status_code == 403
        assert b"secret" not in response.content


def test_my_unit_sends_each_user_to_their_scope(client, city):
    response = _login(client, city.users["bob"]).get("/units/mine/")
    assert response["Location"] == "/units/410105/"
