"""The schema is served without login and names no external host; there is no docs
page pulling assets from a CDN; the forms list describes each form's elements."""

from __future__ import annotations

import re

from eduplan.api.tests.conftest import FORM


def test_the_openapi_schema_is_served_and_names_no_external_host(client, city):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "EduPlan API"
    assert "/api/v1/submissions/{form}/{period}/{org}" in schema["paths"]
    assert {"TokenAuth", "BrowserSessionAuth"} <= set(schema["components"]["securitySchemes"])
    assert re.findall(r"https?://", response.content.decode()) == []
    assert "servers" not in schema or schema["servers"] == []
    operation = schema["paths"]["/api/v1/submissions/{form}/{period}/{org}"]["put"]
    assert operation["operationId"] == "submission_put"


def test_there_is_no_docs_page_loading_a_cdn(client, city):
    client.force_login(city.users["lee"])
    assert client.get("/api/v1/docs").status_code == 404
    assert client.get("/api/v1/").status_code == 404


def test_forms_list_every_form_with_its_version_and_elements(api, city, class_form):
    forms = api.call("lee", "GET", "/api/v1/forms").json()
    (form,) = [f for f in forms if f["code"] == FORM]
    assert form["name"] == "班额情况" and form["period_type"] == "term" and form["due_days"] == 15
    assert form["version"] == 1 and form["digest"] == class_form.current_version.digest
    elements = {e["code"]: e for e in form["elements"]}
    assert elements["classes_total"] == {
        "code": "classes_total",
        "name": "教学班总数",
        "type": "integer",
        "unit": "个",
        "required": True,
        "min": 1.0,
        "max": 10_000_000.0,  # a count's configured bound (EDUPLAN_COUNT_MAX)
        "decimals": 0,
        "choices": [],
    }
    assert elements["share_digital"]["max"] == 100.0
    assert elements["share_digital"]["decimals"] == 4  # what a stored number keeps


def test_the_forms_list_takes_a_fixed_number_of_queries(
    api, city, class_form, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        assert api.call("lee", "GET", "/api/v1/forms").status_code == 200


def test_every_operation_documents_its_400_with_the_problems_field(client, city):
    schema = client.get("/api/v1/openapi.json").json()
    problems = schema["components"]["schemas"]["Problems"]
    assert problems["required"] == ["detail", "problems"]
    assert "At most 50 problems" in problems["properties"]["problems"]["description"]
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]
    assert len(operations) >= 10
    for path, method, operation in operations:
        answer = operation["responses"].get("400")
        assert answer, f"{method} {path} documents no 400"
        reference = answer["content"]["application/json"]["schema"]["$ref"]
        assert reference == "#/components/schemas/Problems", f"{method} {path}"
