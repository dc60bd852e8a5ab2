"""An uploaded file is judged by its bytes: only the kinds the setting allows, named as
what they are; a stored file goes back as a sandboxed attachment with a safe name."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from eduplan.core.errors import InputError
from eduplan.core.tests.bombs import CONTENT_TYPES, zip_of
from eduplan.core.text import filename_safe, text_clean, text_clean_tree
from eduplan.core.uploads import attachment_response, upload_check
from eduplan.core.xlsx import table_xlsx

PDF = b"%PDF-1.7\n1 0 obj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 20
JPEG = b"\xff\xd8\xff\xe0\0\x10JFIF"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 40
EXE = b"MZ\x90\0\x03" + b"\0" * 60
DOCX = zip_of({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"<w/>"})


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The messages are asserted in English (their msgids)."""
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("报告.pdf", PDF),
        ("现场.png", PNG),
        ("现场.JPG", JPEG),
        ("通知.doc", OLE),
        ("台账.xls", OLE),
        ("方案.docx", DOCX),
        ("进度.xlsx", table_xlsx(title="t", header=["a"], rows=[[1]])),
        ("说明.txt", "情况说明\r\n".encode("gb18030")),
    ],
)
def test_a_file_of_an_allowed_kind_named_as_it_is_passes(name: str, content: bytes) -> None:
    upload_check(SimpleUploadedFile(name, content), where="file")


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("报告.exe", EXE, "not of an allowed kind"),
        ("报告.pdf", EXE, "not of an allowed kind"),  # an .exe renamed
        ("报告.exe", PDF, "rename it to end in .pdf"),  # a PDF named as a program
        ("方案.pdf", DOCX, "rename it to end in .docx"),
        ("压缩.zip", zip_of({"a.txt": b"a"}), "not of an allowed kind"),
        ("page.html", b"<html>\0<script>", "not of an allowed kind"),
    ],
)
def test_a_file_whose_content_is_not_allowed_or_not_its_name_is_refused(
    name: str, content: bytes, says: str
) -> None:
    with pytest.raises(InputError, match=says) as refused:
        upload_check(SimpleUploadedFile(name, content), where="evidence_files")
    assert refused.value.where == "evidence_files" and name in refused.value.message


def test_the_allowed_kinds_come_from_the_setting(settings) -> None:
    settings.EDUPLAN_UPLOAD_ALLOWED_TYPES = ["pdf"]
    upload_check(SimpleUploadedFile("a.pdf", PDF), where="file")
    with pytest.raises(InputError, match=r"allowed: \.pdf\)"):
        upload_check(SimpleUploadedFile("a.png", PNG), where="file")


def test_a_stored_file_goes_back_as_a_sandboxed_attachment_with_a_safe_name() -> None:
    response = attachment_response(io.BytesIO(PDF), "../../证明\u202egpj.exe\x0b.pdf")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "%E2%80%AE" not in disposition
    assert filename_safe("../../证明\u202egpj.exe\x0b.pdf") == "证明gpj.exe .pdf"


def test_a_file_of_unknown_kind_is_offered_as_bytes_only() -> None:
    response = attachment_response(io.BytesIO(b"<html>"), "page.html")
    assert response["Content-Type"] == "application/octet-stream"


def test_text_is_cleaned_of_controls_and_lone_surrogates_keeping_marks_and_breaks() -> None:
    assert text_clean("a\x0bb\x0cc\x00d\x1b\x7f\x85e\ud800f\ufffe") == "a\nb\ncdef"
    assert text_clean("甲\t乙\r\n\u200f丙\u202e") == "甲\t乙\r\n\u200f丙\u202e"
    assert text_clean_tree({"k\x00": ["v\x0b", 1, None]}) == {"k": ["v\n", 1, None]}
    long = "长" * 1_000_000
    assert text_clean(long) == long
