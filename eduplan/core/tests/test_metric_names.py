"""Metric names written in code are shown in the reader's language; a form's element
names (data) are shown as the form file writes them."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.functional import Promise

from eduplan.core.metrics import registered

CODED = {
    "org.schools_opened": ("新开办中小学", "Schools opened"),
    "construction.classes": ("教学班", "Classes"),
    "construction.large_classes": ("大班额班数", "Large classes"),
    "construction.huge_classes": ("特大班额班数", "Oversized classes"),
    "construction.large_class_share": ("大班额比例", "Share of large classes"),
    "preschool.inclusive_share": ("普惠率", "Inclusive share"),
    "preschool.gross_enrolment": ("学前三年毛入园率", "Gross preschool enrolment (three years)"),
    "preschool.private_inclusive": ("普惠性民办幼儿园", "Inclusive private kindergartens"),
    "kindergartens.children": ("在园幼儿数", "Children in kindergarten"),
    "kindergartens.gross_enrolment": (
        "学前三年毛入园率",
        "Gross preschool enrolment (three years)",
    ),
    "kindergartens.inclusive_share": ("普惠率", "Inclusive share"),
    "kindergartens.certified_private": (
        "市级认定普惠性民办幼儿园",
        "Certified inclusive private kindergartens",
    ),
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_metric_named_in_code_is_named_in_the_readers_language(language):
    metrics = {m.key: m for m in registered()}
    assert set(CODED) <= set(metrics)
    for key, names in CODED.items():
        with translation.override(language):
            assert str(metrics[key].name) == names[0 if language == "zh-hans" else 1]
            if metrics[key].description:
                described = str(metrics[key].description)
                assert (language == "zh-hans") == any("\u4e00" <= c <= "\u9fff" for c in described)


def test_a_metric_registered_in_code_names_itself_through_translation():
    untranslated = [m.key for m in registered() if not isinstance(m.name, Promise)]
    assert untranslated == [], "name these with pgettext_lazy('metric', …)"
