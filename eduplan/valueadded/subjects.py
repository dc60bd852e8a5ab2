"""The exams and subjects a pupil's record holds, by code, with their column headings."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# 中考 subjects (prior attainment), besides the 中考 total.
PRIOR_SUBJECTS: tuple[tuple[str, Promise], ...] = (
    ("zk_chinese", _("Zhongkao Chinese")),
    ("zk_maths", _("Zhongkao mathematics")),
    ("zk_english", _("Zhongkao foreign language")),
)
# 高考 subjects (the outcome; their sum is the 高考 total).
GAOKAO: tuple[tuple[str, Promise], ...] = (
    ("gk_chinese", _("Gaokao Chinese")),
    ("gk_maths", _("Gaokao mathematics")),
    ("gk_english", _("Gaokao foreign language")),
    ("gk_comprehensive", _("Gaokao comprehensive")),
)
# 学业水平考试 subjects (outcomes, out of 100).
XUEKAO: tuple[tuple[str, Promise], ...] = (
    ("xk_physics", _("Proficiency test physics")),
    ("xk_chemistry", _("Proficiency test chemistry")),
    ("xk_biology", _("Proficiency test biology")),
    ("xk_politics", _("Proficiency test politics")),
    ("xk_history", _("Proficiency test history")),
    ("xk_geography", _("Proficiency test geography")),
)
OUTCOME_SUBJECTS = GAOKAO + XUEKAO
SUBJECT_LABELS: dict[str, Promise] = dict(PRIOR_SUBJECTS + OUTCOME_SUBJECTS)
