"""Reading data files: one YAML reader that keeps where every node starts, one check of
the data against its shape (a pydantic model), and one way of naming a place.

A loader reads its file with `yaml_file_load` (or `yaml_load` for text), checks the
data with `data_validate(schema=…)` and runs its own cross-field and database checks
afterwards, naming their places with `place_of`. Every refusal is an `InputError` whose
`where` reads `zhengzhou-2016.yaml:31:11 projects[2].goals[0].targets[1].value`: the file,
the line and column the node starts at, and the path to it inside the data. Data that did
not come from `yaml_load` (a dict built in code) has no lines, and its places read
`plan.yaml: projects[2]…`.

How lines are kept: the YAML loader builds every mapping as a `MarkedMap` and every list
as a `MarkedList` (a dict and a list to everyone else), which remember where they start
and where each of their keys, values and items starts. A scalar cannot carry a mark, so
a path's place is read from its parent: the mark of the value under that key or index.
"""

from __future__ import annotations

import datetime
import types
from collections.abc import Hashable, Iterator, Sequence
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple, TypeVar, Union, get_args, get_origin

import yaml
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from pydantic import (
    AllowInfNan,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    RootModel,
    Strict,
    StringConstraints,
    ValidationError,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from eduplan.core.errors import InputError

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
Step = str | int
Steps = tuple[Step, ...]

# Reading YAML --------------------------------------------------------------------------


class Mark(NamedTuple):
    """Where a node starts in its file, counted from 1 as editors do."""

    line: int
    column: int


class MarkedMap(dict[Any, Any]):
    """A YAML mapping that remembers where it, each key and each value start."""

    mark: Mark | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key_marks: dict[Any, Mark] = {}
        self.value_marks: dict[Any, Mark] = {}


class MarkedList(list[Any]):
    """A YAML sequence that remembers where it and each of its items start."""

    mark: Mark | None = None

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.item_marks: list[Mark] = []


class _DuplicateKey(yaml.YAMLError):
    def __init__(self, key: Any, mark: yaml.Mark) -> None:
        super().__init__(key)
        self.key = key
        self.problem_mark = mark


class _MarkingLoader(yaml.SafeLoader):
    """PyYAML's safe loader, building marked mappings and lists and refusing a key given
    twice in one mapping (PyYAML would keep the last silently)."""


def _mark(node: yaml.Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


MERGE_TAG = "tag:yaml.org,2002:merge"


def _map_construct(loader: _MarkingLoader, node: yaml.MappingNode) -> Iterator[MarkedMap]:
    data = MarkedMap()
    data.mark = _mark(node)
    yield data
    own = {id(key_node) for key_node, _value in node.value if key_node.tag != MERGE_TAG}
    loader.flatten_mapping(node)  # `<<: *anchor` merges come first, own keys override them
    seen: set[Any] = set()
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=False)
        if not isinstance(key, Hashable):
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark, "found unhashable key",
                key_node.start_mark,
            )  # fmt: skip
        if id(key_node) in own:
            if key in seen:
                raise _DuplicateKey(key, key_node.start_mark)
            seen.add(key)
        data[key] = loader.construct_object(value_node, deep=False)
        data.key_marks[key] = _mark(key_node)
        data.value_marks[key] = _mark(value_node)


def _list_construct(loader: _MarkingLoader, node: yaml.SequenceNode) -> Iterator[MarkedList]:
    data = MarkedList()
    data.mark = _mark(node)
    yield data
    data.extend(loader.construct_object(child, deep=False) for child in node.value)
    data.item_marks = [_mark(child) for child in node.value]


def _timestamp_construct(loader: _MarkingLoader, node: yaml.ScalarNode) -> Any:
    """A date or time, or the text as written when it only looks like one (2016-13-01):
    the shape check then refuses it with its place instead of PyYAML raising ValueError."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_MarkingLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_construct)
_MarkingLoader.add_constructor("tag:yaml.org,2002:map", _map_construct)
_MarkingLoader.add_constructor("tag:yaml.org,2002:seq", _list_construct)


def yaml_load(*, text: str | bytes, source: str) -> Any:
    """Parse YAML text (bytes are read as UTF-8) into marked data; a syntax error, a key
    given twice or bytes that are not UTF-8 are refused naming `source:line:column`."""
    if isinstance(text, bytes):
        raw = text
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            start = raw.rfind(b"\n", 0, exc.start) + 1
            line = raw.count(b"\n", 0, exc.start) + 1
            column = len(raw[start : exc.start].decode("utf-8", errors="replace")) + 1
            raise InputError(
                _("the file is not UTF-8 (byte %(pos)s)") % {"pos": exc.start},
                where=f"{source}:{line}:{column}",
            ) from None
    try:
        return yaml.load(text, Loader=_MarkingLoader)  # a SafeLoader underneath
    except _DuplicateKey as exc:
        where = f"{source}:{exc.problem_mark.line + 1}:{exc.problem_mark.column + 1}"
        raise InputError(
            _("this key is given twice: %(key)s") % {"key": exc.key}, where=where
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(
            _("not valid YAML: %(problem)s") % {"problem": problem}, where=where
        ) from None


def file_bytes_read(*, path: Path) -> bytes:
    """The bytes of a file, or a refusal naming the file when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(
            _("cannot read the file: %(err)s") % {"err": exc.strerror or exc}, where=str(path)
        ) from None


def yaml_file_load(*, path: Path) -> Any:
    """Read a YAML file into marked data; places name the file by its name."""
    return yaml_load(text=file_bytes_read(path=path), source=path.name)


# Naming places ---------------------------------------------------------------------------


def path_text(path: Sequence[Step]) -> str:
    """`("projects", 2, "goals", 0)` as `projects[2].goals[0]`."""
    text = ""
    for step in path:
        if isinstance(step, int):
            text += f"[{step}]"
        else:
            text += f".{step}" if text else str(step)
    return text


def mark_of(data: Any, path: Sequence[Step], *, key: bool = False) -> Mark | None:
    """Where the node at `path` starts: the deepest marked node on the way when the rest
    is not there (a missing key is placed at the mapping that lacks it). With `key`, a
    mapping's last step is placed at its key rather than its value."""
    mark = getattr(data, "mark", None)
    node = data
    for i, step in enumerate(path):
        if isinstance(node, MarkedMap) and step in node:
            last = i == len(path) - 1
            mark = (node.key_marks if key and last else node.value_marks).get(step, mark)
            node = node[step]
        elif isinstance(node, MarkedList) and isinstance(step, int) and 0 <= step < len(node):
            mark = node.item_marks[step] if step < len(node.item_marks) else mark
            node = node[step]
        elif isinstance(node, dict):
            # An unmarked container (built in code): keep walking for marks further down.
            if step not in node:
                return mark
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int):
            try:
                node = node[step]
            except IndexError:
                return mark
        else:
            return mark
    return mark


def place_of(*, data: Any, path: Sequence[Step] = (), source: str, key: bool = False) -> str:
    """The place of the node at `path` in data read from `source`, for an InputError's
    `where`: `plan.yaml:31:11 projects[2].value`, or `plan.yaml: projects[2].value` when
    the data carries no marks."""
    mark = mark_of(data, path, key=key)
    inside = path_text(path)
    head = f"{source}:{mark.line}:{mark.column}" if mark and source else source
    if head and inside:
        return f"{head} {inside}" if mark else f"{head}: {inside}"
    return head or inside


# Checking shapes ----------------------------------------------------------------------


class Shape(BaseModel):
    """A mapping in a data file: only the keys declared, each of its declared type."""

    model_config = ConfigDict(extra="forbid")


def refusal(message: str, *, at: Steps = ()) -> PydanticCustomError:
    """A problem found by a shape's own validator, with its message and, with `at`, the
    key (or path) below the checked node that it concerns."""
    return PydanticCustomError("eduplan", "{message}", {"message": message, "at": at})


def _number_as_text(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def _none_as_text(value: Any) -> Any:
    return "" if value is None else _number_as_text(value)


def _none_as_empty(value: Any) -> Any:
    return [] if value is None else value


def _day(value: Any) -> datetime.date:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    try:
        return datetime.date.fromisoformat(value if isinstance(value, str) else "")
    except ValueError:
        raise refusal(_("not a date (YYYY-MM-DD): %(value)s") % {"value": value}) from None


# The types data files are made of. A number stands for its text where text is wanted
# (codes such as 410100 are numbers to YAML); a whole number is never a bool or "12".
# (The constraints go before the validator: pydantic drops strictness and the strip
# when a before-validator comes first.)
Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, strict=True),
    BeforeValidator(_number_as_text),
]
OptionalText = Annotated[
    str, StringConstraints(strip_whitespace=True, strict=True), BeforeValidator(_none_as_text)
]
WholeNumber = Annotated[int, Strict()]
Number = Annotated[Decimal, AllowInfNan(False)]
Amount = Annotated[float, Strict(), AllowInfNan(False)]
Flag = Annotated[bool, Strict()]
Day = Annotated[datetime.date, BeforeValidator(_day)]
Items = Annotated[list[T], BeforeValidator(_none_as_empty)]


def data_validate(*, schema: type[M], data: Any, source: str) -> M:
    """The data checked against its shape (a `Shape`, or a `RootModel` for a file that is
    a list); the first problem in the file is refused as an InputError naming its place,
    with a message that says what was expected there and how many more problems follow."""
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        problems = [_problem(error, schema=schema, data=data) for error in exc.errors()]
    # The first problem in the file's order; pydantic lists them in the shape's order.
    message, _at, path, key = min(problems, key=lambda p: (p[1] is None, p[1] or Mark(0, 0)))
    if len(problems) > 1:
        more = len(problems) - 1
        message += ngettext(" (and %(n)s more problem)", " (and %(n)s more problems)", more) % {
            "n": more
        }
    raise InputError(message, where=place_of(data=data, path=path, source=source, key=key))


def _problem(
    error: ErrorDetails, *, schema: Any, data: Any
) -> tuple[str, Mark | None, Steps, bool]:
    """(message, mark, path, placed at the key) for one pydantic error."""
    context = error.get("ctx") or {}
    path: Steps = tuple(error["loc"]) + tuple(context.get("at") or ())
    key = error["type"] == "extra_forbidden"
    message = _message(error, schema=schema, path=path)
    return message, mark_of(data, path, key=key), path, key


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _message(error: ErrorDetails, *, schema: Any, path: Steps) -> str:
    """A translated message for a pydantic error, saying what was expected."""
    kind, context, value = error["type"], error.get("ctx") or {}, error.get("input")
    if kind in {"too_short", "too_long"} and isinstance(value, str):
        kind = f"string_{kind}"  # a length constraint after a validator loses its kind
    if kind == "eduplan":
        return str(context["message"])
    if kind in {"value_error", "assertion_error"}:
        return str(context.get("error", error["msg"]))
    if kind == "missing":
        return _("the required key %(key)s is missing") % {"key": path[-1] if path else ""}
    if kind == "extra_forbidden":
        allowed = _keys_at(schema, path[:-1])
        return _("unknown key %(key)s; allowed here: %(allowed)s") % {
            "key": path[-1] if path else "",
            "allowed": ", ".join(allowed) or "—",
        }
    if kind in {"literal_error", "enum"}:
        choices = _choices_at(schema, path) or [str(context.get("expected", ""))]
        return _("%(v)r is not one of: %(allowed)s") % {
            "v": value,
            "allowed": ", ".join(choices),
        }
    if kind in _BOUND_MESSAGES:
        wanted, bound = _BOUND_MESSAGES[kind]
        return str(wanted) % {"v": value, "limit": context.get(bound)}
    for kinds, wanted in _TYPE_MESSAGES:
        if kind in kinds:
            return str(wanted) % {"v": _shown(value), "value": value}
    return _("not accepted here (%(problem)s)") % {"problem": error["msg"]}


# A limit the value passed: (message, the limit's name in the error's context).
_BOUND_MESSAGES: dict[str, tuple[Promise, str]] = {
    "greater_than_equal": (gettext_lazy("%(v)s is below the lowest allowed, %(limit)s"), "ge"),
    "greater_than": (gettext_lazy("%(v)s must be more than %(limit)s"), "gt"),
    "less_than_equal": (gettext_lazy("%(v)s is above the highest allowed, %(limit)s"), "le"),
    "less_than": (gettext_lazy("%(v)s must be less than %(limit)s"), "lt"),
    "string_too_long": (gettext_lazy("at most %(limit)s characters are allowed"), "max_length"),
    "too_short": (gettext_lazy("at least %(limit)s entries are required here"), "min_length"),
    "too_long": (gettext_lazy("at most %(limit)s entries are allowed here"), "max_length"),
    "decimal_max_digits": (gettext_lazy("at most %(limit)s digits are allowed"), "max_digits"),
    "decimal_max_places": (
        gettext_lazy("at most %(limit)s digits after the decimal point are allowed"),
        "decimal_places",
    ),
    "decimal_whole_digits": (
        gettext_lazy("at most %(limit)s digits before the decimal point are allowed"),
        "whole_digits",
    ),
}
_TYPE_MESSAGES: tuple[tuple[frozenset[str], Promise], ...] = (
    (frozenset({"string_type"}), gettext_lazy("a text is required, not %(v)s")),
    (frozenset({"string_too_short"}), gettext_lazy("a non-empty text is required")),
    (
        frozenset({"int_type", "int_parsing", "int_from_float"}),
        gettext_lazy("a whole number is required, not %(v)s"),
    ),
    (
        frozenset({"float_type", "float_parsing", "decimal_type", "decimal_parsing"}),
        gettext_lazy("a number is required, not %(v)s"),
    ),
    (frozenset({"finite_number"}), gettext_lazy("a finite number is required")),
    (frozenset({"bool_type", "bool_parsing"}), gettext_lazy("true or false is required")),
    (frozenset({"list_type", "tuple_type"}), gettext_lazy("a list is required")),
    (
        frozenset({"dict_type", "model_type", "model_attributes_type"}),
        gettext_lazy("a mapping is required here"),
    ),
    (
        frozenset({"date_type", "date_parsing", "date_from_datetime_parsing"}),
        gettext_lazy("not a date (YYYY-MM-DD): %(value)s"),
    ),
)


def _unwrapped(annotation: Any) -> Any:
    """The type under Annotated[…] and Optional[…]."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            rest = [a for a in get_args(annotation) if a is not type(None)]
            if len(rest) != 1:
                return annotation
            annotation = rest[0]
        else:
            return annotation


def _type_at(schema: Any, path: Steps) -> Any:
    """The declared type of the node at `path` in data of type `schema`, or None."""
    annotation = _unwrapped(schema)
    for step in path:
        if isinstance(annotation, type) and issubclass(annotation, RootModel):
            annotation = _unwrapped(annotation.model_fields["root"].annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            fields = {(f.alias or name): f for name, f in annotation.model_fields.items()}
            if step not in fields:
                return None
            annotation = fields[str(step)].annotation
        elif get_origin(annotation) in (list, tuple) and isinstance(step, int):
            args = get_args(annotation)
            if not args:
                return None
            fixed = get_origin(annotation) is tuple and args[-1] is not Ellipsis
            annotation = args[min(step, len(args) - 1)] if fixed else args[0]
        else:
            return None
        annotation = _unwrapped(annotation)
    return annotation


def _keys_at(schema: Any, path: Steps) -> list[str]:
    model = _type_at(schema, path)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [f.alias or name for name, f in model.model_fields.items()]
    return []


def _choices_at(schema: Any, path: Steps) -> list[str]:
    annotation = _type_at(schema, path)
    if get_origin(annotation) is Literal:
        return [str(a) for a in get_args(annotation)]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [str(m.value) for m in annotation]
    return []
