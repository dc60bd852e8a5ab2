"""Files the parser refuses: each PlanReadError says what is wrong and names the file."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest

from eduplan.planimport.parsing import (
    MAX_BYTES,
    PlanReadError,
    parse_plan_file,
    read_plan_bytes,
    read_plan_file,
)


def test_an_empty_file_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(b"")
    with pytest.raises(PlanReadError, match=r"^文件为空：plan\.txt$"):
        read_plan_file(path)


def test_a_file_of_only_whitespace_is_empty_too() -> None:
    with pytest.raises(PlanReadError, match=r"^文件为空：blank\.txt$"):
        read_plan_bytes("  \n\u3000\r\n".encode(), "blank.txt")


def test_a_binary_file_is_refused_with_where_the_binary_starts(tmp_path: Path) -> None:
    path = tmp_path / "plan.bin"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(
        PlanReadError, match=r"^不是文本或 Word 文档：plan\.bin（第 9 字节起为二进制内容）$"
    ):
        read_plan_file(path)


def test_control_characters_throughout_mean_binary_even_without_nul_bytes() -> None:
    data = bytes([0x01, 0x02, 0x03, 0x04, 0x05, 0x06]) * 10
    with pytest.raises(PlanReadError, match=r"plan\.dat（第 1 字节起为二进制内容）"):
        read_plan_bytes(data, "plan.dat")


def test_a_legacy_word_file_is_refused_with_advice() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64
    with pytest.raises(PlanReadError, match=r"^不是文本或 Word 文档：plan\.doc（旧版 \.doc 格式"):
        read_plan_bytes(data, "plan.doc")


def test_bytes_in_no_known_encoding_are_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes("教育工作要点".encode() + b"\xff\xfe\x80\x80")
    with pytest.raises(
        PlanReadError, match=r"^无法识别的文件编码：plan\.txt（既不是 UTF-8 也不是 GB18030）$"
    ):
        read_plan_file(path)


def test_a_file_over_five_megabytes_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse: stat() says it is too big
    with pytest.raises(PlanReadError, match=r"^文件超过大小限制（5 MB）：plan\.txt$"):
        read_plan_file(path)
    with pytest.raises(PlanReadError, match=r"^文件超过大小限制（5 MB）：upload\.txt$"):
        read_plan_bytes(b"a" * (MAX_BYTES + 1), "upload.txt")


def test_a_missing_file_is_named() -> None:
    with pytest.raises(PlanReadError, match=r"^找不到文件：nowhere\.txt$"):
        read_plan_file(Path("/nonexistent-dir/nowhere.txt"))


def test_a_broken_word_document_is_refused_by_name() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a document")
    with pytest.raises(PlanReadError, match=r"^无法读取 Word 文档：plan\.docx（"):
        read_plan_bytes(buffer.getvalue(), "plan.docx")


def test_text_with_no_projects_work_points_or_targets_is_an_empty_plan_not_an_error(
    tmp_path: Path,
) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(
        "关于召开全市教育工作会议的通知\n\n各县（市、区）教育局：\n"
        "    定于下周召开全市教育工作会议，请准时参加。\n",
        encoding="utf-8",
    )
    plan = parse_plan_file(path)
    assert plan.empty and plan.targets == [] and plan.to_json()["targets"] == []
    assert plan.title == "关于召开全市教育工作会议的通知"


def test_encodings_that_bureaus_save_in_are_all_read() -> None:
    text = "2017年工作要点\n新建学校5所。"
    assert read_plan_bytes(text.encode("utf-8"), "a.txt") == text
    assert read_plan_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"), "a.txt") == text
    assert read_plan_bytes(text.encode("gbk"), "a.txt") == text
    assert read_plan_bytes(text.encode("gb18030"), "a.txt") == text
    assert read_plan_bytes(text.encode("utf-16"), "a.txt") == text
    assert read_plan_bytes(text.replace("\n", "\r\n").encode("utf-8"), "a.txt") == text


def test_a_word_document_is_read_even_with_the_wrong_extension() -> None:
    document = docx.Document()
    document.add_paragraph("2017年工作要点")
    document.add_paragraph("新建学校5所。")
    buffer = io.BytesIO()
    document.save(buffer)
    assert read_plan_bytes(buffer.getvalue(), "upload.bin") == "2017年工作要点\n新建学校5所。"
