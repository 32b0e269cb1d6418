"""Magento's ``searchCriteria``: parse it from a query string and apply it to entities."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from werkzeug.datastructures import MultiDict

from simulators.magento.errors import INVALID_FIELD_VALUE, bad_request, invalid_type, required

CONDITIONS = frozenset(
    {"eq", "neq", "in", "nin", "like", "nlike", "gt", "gteq", "moreq", "from", "lt", "lteq", "to", "null", "notnull"}
    | {"finset", "nfinset"}
)
_ALIASES = {"moreq": "gteq", "from": "gteq", "to": "lteq"}
_FILTER = re.compile(
    r"^searchCriteria\[(?:filter_groups|filterGroups)\]\[(\d+)\]\[filters\]\[(\d+)\]"
    r"\[(field|value|condition_type|conditionType)\]$"
)
_SORT = re.compile(r"^searchCriteria\[(?:sortOrders|sort_orders)\]\[(\d+)\]\[(field|direction)\]$")


@dataclass(frozen=True)
class Filter:
    field: str
    value: str
    condition: str = "eq"


@dataclass
class SearchCriteria:
    """Filter groups (OR inside a group, AND across groups), sort orders and paging."""

    groups: list[list[Filter]] = field(default_factory=list)
    sort: list[tuple[str, str]] = field(default_factory=list)
    page_size: int | None = None
    current_page: int = 1

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "filter_groups": [
                {"filters": [{"field": f.field, "value": f.value, "condition_type": f.condition} for f in g]}
                for g in self.groups
            ]
        }
        if self.sort:
            out["sort_orders"] = [{"field": f, "direction": d} for f, d in self.sort]
        if self.page_size is not None:
            out["page_size"] = self.page_size
            out["current_page"] = self.current_page
        return out


def parse_criteria(args: MultiDict[str, str]) -> SearchCriteria:
    """Read ``searchCriteria[...]`` keys; a bad condition or page number is a 400 in Magento's shape.

    ``searchCriteria`` is a required argument of every ``getList``: a list route called with no
    ``searchCriteria`` key at all answers Magento's 400 naming it (``?searchCriteria=`` is enough).
    """
    if not any(key == "searchCriteria" or key.startswith("searchCriteria[") for key in args):
        raise required("searchCriteria")
    groups: dict[int, dict[int, dict[str, str]]] = {}
    sorts: dict[int, dict[str, str]] = {}
    criteria = SearchCriteria()
    for key in args:
        value = args.get(key, "")
        if m := _FILTER.match(key):
            key_name = "condition_type" if m[3] == "conditionType" else m[3]
            groups.setdefault(int(m[1]), {}).setdefault(int(m[2]), {})[key_name] = value
        elif m := _SORT.match(key):
            sorts.setdefault(int(m[1]), {})[m[2]] = value
        elif key in (
            "searchCriteria[pageSize]",
            "searchCriteria[currentPage]",
            "searchCriteria[page_size]",
            "searchCriteria[current_page]",
        ):
            try:
                number = int(value)
            except ValueError as err:
                raise invalid_type(value, "int") from err
            if number < 0:
                raise bad_request(INVALID_FIELD_VALUE, {"value": value, "fieldName": key[15:-1]})
            if key.endswith(("[pageSize]", "[page_size]")):
                criteria.page_size = number
            else:
                criteria.current_page = max(number, 1)
    for _, filters in sorted(groups.items()):
        group = []
        for _, spec in sorted(filters.items()):
            if "field" not in spec:
                raise required("field")
            condition = spec.get("condition_type", "eq") or "eq"
            if condition not in CONDITIONS:
                raise bad_request(INVALID_FIELD_VALUE, {"value": condition, "fieldName": "condition_type"})
            group.append(Filter(spec["field"], spec.get("value", ""), condition))
        criteria.groups.append(group)
    for _, spec in sorted(sorts.items()):
        criteria.sort.append((spec.get("field", "entity_id"), (spec.get("direction") or "ASC").upper()))
    return criteria


def field_value(entity: dict[str, Any], name: str) -> Any:
    """A field of an entity; ``payment.po_number`` style paths reach nested objects."""
    if name == "po_number":
        return (entity.get("payment") or {}).get("po_number")
    current: Any = entity
    for part in name.split("."):
        if not isinstance(current, dict):
            return None
        current = current.get(part)
    return current


def _number(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def text_key(value: Any) -> str:
    """A text value as MySQL's case-insensitive collations (Magento's tables use them) compare it."""
    return str(value).casefold()


def _comparable(actual: Any, wanted: str) -> tuple[Any, Any]:
    """The two sides as MySQL compares them: numbers when the column is numeric, text otherwise.

    A text column compares as text even when both sides look like numbers (SKU "1.00" is not "1", increment
    ID "000000001" is not "1").
    """
    if isinstance(actual, int | float | Decimal) and not isinstance(actual, bool):
        number = _number(wanted)
        if number is not None:
            return _number(actual), number
    return text_key(actual), text_key(wanted)


def _compare(actual: Any, wanted: str, condition: str) -> bool:
    condition = _ALIASES.get(condition, condition)
    if condition == "null":
        return actual in (None, "")
    if condition == "notnull":
        return actual not in (None, "")
    if condition in ("in", "nin"):
        options = [v.strip() for v in wanted.split(",")]
        hit = actual is not None and any(a == b for a, b in (_comparable(actual, o) for o in options))
        return hit if condition == "in" else not hit
    if condition in ("finset", "nfinset"):  # FIND_IN_SET: the field holds a comma-separated set
        hit = actual is not None and text_key(wanted) in text_key(actual).split(",")
        return hit if condition == "finset" else not hit
    if condition in ("like", "nlike"):
        pattern = "^" + re.escape(wanted).replace("%", ".*").replace("_", ".") + "$"
        hit = actual is not None and re.match(pattern, str(actual), re.IGNORECASE | re.DOTALL) is not None
        return hit if condition == "like" else not hit
    if actual is None:
        return condition == "neq"
    a, b = _comparable(actual, wanted)
    return {
        "eq": a == b,
        "neq": a != b,
        "gt": a > b,
        "gteq": a >= b,
        "lt": a < b,
        "lteq": a <= b,
    }[condition]


def matches(entity: dict[str, Any], criteria: SearchCriteria) -> bool:
    return all(
        any(_compare(field_value(entity, f.field), f.value, f.condition) for f in group) for group in criteria.groups
    )


def _sort_key(value: Any) -> tuple[bool, bool, Decimal, str]:
    number = _number(value) if value is not None else None
    return (value is None, number is None, number or Decimal(0), str(value or ""))


Lookup = Callable[[str, str], set[int] | None]


def narrow(criteria: SearchCriteria, lookup: Lookup) -> set[int] | None:
    """IDs that can match, from an index, or None when no filter group can use one.

    A group (OR of filters) narrows when every one of its filters is an ``eq`` or ``in`` on a field
    ``lookup`` knows (it returns None for the others); groups AND together, so their sets intersect.
    The caller still applies every filter to the candidates.
    """
    result: set[int] | None = None
    for group in criteria.groups:
        ids: set[int] | None = set()
        for f in group:
            values = [f.value] if f.condition == "eq" else [v.strip() for v in f.value.split(",")]
            found = [lookup(f.field, v) for v in values] if f.condition in ("eq", "in") else [None]
            if any(x is None for x in found):
                ids = None
                break
            for x in found:
                ids |= x or set()
        if ids is not None:
            result = ids if result is None else result & ids
    return result


def apply(entities: Iterable[dict[str, Any]], criteria: SearchCriteria) -> tuple[list[dict[str, Any]], int]:
    """Filter, sort and page; returns the page and the total count."""
    found = [e for e in entities if matches(e, criteria)]
    for name, direction in reversed(criteria.sort):
        found.sort(key=lambda e, n=name: _sort_key(field_value(e, n)), reverse=direction == "DESC")
    total = len(found)
    if criteria.page_size:
        start = (criteria.current_page - 1) * criteria.page_size
        found = found[start : start + criteria.page_size]
    return found, total
