"""The base of every model: lossless round trips, build-time defaults and translated errors.

"The dict is the document; the model is a view." A model that was loaded remembers the JSON
object it came from; ``to_dict()`` returns a copy of that object whenever the model still says
the same thing, so an unmodified credential dumps back exactly (key order, ``42.0`` versus
``42``, single values versus arrays). A modified or newly built model is dumped field by field,
keeping the key order of the original where there was one.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any, ClassVar, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    ModelWrapValidatorHandler,
    PrivateAttr,
    SerializerFunctionWrapHandler,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic.alias_generators import to_camel
from pydantic.fields import FieldInfo

from .._parse import parse_json_object, require_object
from ..errors import MalformedCredential
from ._errors import MODEL_NAMES, required_detail, to_malformed
from ._types import TypeGroups, fail

__all__ = ["BUILD", "Node"]

#: Validation-context key telling the models that Python code is building, not loading.
BUILD = "microcred.build"
_BUILDING: dict[str, Any] = {BUILD: True}

# Keys written first and last when a built model (with no original to follow) is dumped.
_FIRST = (
    "@context",
    "id",
    "type",
    "name",
    "description",
    "image",
    "issuer",
    "holder",
    "validFrom",
    "validUntil",
    "issuanceDate",
    "expirationDate",
    "awardedDate",
    "credentialSubject",
)
_LAST = ("proof",)


def json_name(name: str, field: FieldInfo) -> str:
    """The JSON property name of a model field."""
    alias = field.serialization_alias or field.alias
    return alias if isinstance(alias, str) else name


def _order(key: str, position: int) -> tuple[int, int]:
    if key in _FIRST:
        return (0, _FIRST.index(key))
    return (2, 0) if key in _LAST else (1, position)


class Node(BaseModel):
    """A JSON-LD node: typed known properties, every unknown property kept as given."""

    # JSON names come from the alias generator (and validation/serialization aliases for
    # "@context"), never from Field(alias=...): type checkers would then make the JSON names
    # the constructor's keywords, where Python code wants the snake_case names.
    model_config = ConfigDict(
        alias_generator=to_camel,
        extra="allow",
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        validate_assignment=True,
    )

    #: Type names of which ``type`` must hold one from each group (e.g. "Achievement").
    required_types: ClassVar[TypeGroups] = ()

    _raw: Any = PrivateAttr(default=None)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        MODEL_NAMES.add(cls.__name__)

    def __init__(self, /, **data: Any) -> None:
        """Build a model from Python values; errors become :class:`MalformedCredential`."""
        try:
            self.__pydantic_validator__.validate_python(data, self_instance=self, context=_BUILDING)
        except ValidationError as exc:
            raise self._error(exc, data) from None

    # Tell pydantic this behaves like BaseModel.__init__, so loading (model_validate) does
    # not route through it: loading must neither add defaults nor forget the original.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    def __setattr__(self, name: str, value: Any) -> None:
        """Assignments are validated; assigning None removes the property."""
        try:
            super().__setattr__(name, value)
        except ValidationError as exc:
            raise self._error(exc, {name: value}) from None
        if value is None and name in type(self).model_fields:
            self.__pydantic_fields_set__.discard(name)

    def __eq__(self, other: object) -> bool:
        """Equal when both are the same class and say the same JSON."""
        if not isinstance(other, Node) or type(other) is not type(self):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    @classmethod
    def _error(cls, exc: ValidationError, data: Mapping[str, Any]) -> MalformedCredential:
        """Pointers use JSON names even where Python code passed field names."""
        names = {name: json_name(name, field) for name, field in cls.model_fields.items()}
        aliased = {names.get(key, key): value for key, value in data.items()}
        return to_malformed(exc, aliased, whole=f"the {cls.__name__}", names=names)

    @classmethod
    def _factory_fields(cls) -> dict[str, str]:
        """Fields with a build-time default (a default factory): Python name -> JSON name."""
        return {
            name: json_name(name, field)
            for name, field in cls.model_fields.items()
            if field.default_factory is not None
        }

    @model_validator(mode="wrap")
    @classmethod
    def _remember(
        cls, data: Any, handler: ModelWrapValidatorHandler[Self], info: ValidationInfo
    ) -> Self:
        """Loading: build-time defaults are required properties; keep the original object.
        Building: write out the defaults that were filled in."""
        if not isinstance(data, Mapping):  # a model instance, or the model on assignment
            return handler(data)
        building = isinstance(info.context, Mapping) and info.context.get(BUILD, False)
        if building:  # Python's None means "leave it out", never JSON null
            data = {key: value for key, value in data.items() if value is not None}
        factory = cls._factory_fields()
        absent = {name for name, key in factory.items() if name not in data and key not in data}
        if building:
            data = cls._prepare_build(data)
        else:
            missing = [name for name in factory if name in absent]
            if missing:
                raise fail(required_detail(factory[missing[0]]), field=factory[missing[0]])
        model = handler(data)
        if building:
            model.__pydantic_fields_set__.update(absent)
        elif isinstance(data, dict):
            model._raw = data
        return model

    @classmethod
    def _prepare_build(cls, data: Mapping[str, Any]) -> Mapping[str, Any]:
        """Hook: add build-time defaults that depend on the other values given."""
        return data

    @field_validator("type", check_fields=False)
    @classmethod
    def _check_type(cls, value: Any) -> Any:
        given = value if isinstance(value, list) else [value]
        for group in cls.required_types:
            if not any(name in given for name in group):
                wanted = " or ".join(repr(name) for name in group)
                raise fail(f"must include {wanted}")
        return value

    @model_serializer(mode="wrap")
    def _serialize(self, handler: SerializerFunctionWrapHandler) -> Any:
        out = handler(self)
        if not isinstance(out, dict):  # pragma: no cover - models always dump to objects
            return out
        raw = self._raw
        if isinstance(raw, dict):
            known = {key: i for i, key in enumerate(raw)}
            rank = {key: (0, known[key]) if key in known else (1, i) for i, key in enumerate(out)}
        else:
            rank = {key: _order(key, i) for i, key in enumerate(out)}
        return dict(sorted(out.items(), key=lambda item: rank[item[0]]))

    @property
    def types(self) -> list[str]:
        """The ``type`` values as a list (empty when there is none)."""
        value = getattr(self, "type", None)
        if value is None:
            return []
        return list(value) if isinstance(value, list) else [value]

    def to_dict(self) -> dict[str, Any]:
        """The JSON object: exactly the original when loaded and unchanged."""
        dumped: dict[str, Any] = self.model_dump(mode="json", by_alias=True, exclude_unset=True)
        raw = self._raw
        if isinstance(raw, dict) and dumped == raw:
            return copy.deepcopy(raw)
        return dumped

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text (UTF-8 characters kept, not escaped)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Load a JSON object (copied first) as this class; :class:`MalformedCredential` if not.

        Loading checks the data model only; it does not verify anything.
        """
        document = copy.deepcopy(require_object(data))
        try:
            return cls.model_validate(document, by_alias=True, by_name=False)
        except ValidationError as exc:
            raise to_malformed(exc, document, whole=f"the {cls.__name__}") from None

    @classmethod
    def from_json(cls, text: str | bytes) -> Self:
        """Parse JSON text (size, depth and duplicate keys checked) and load it as this class."""
        return cls.from_dict(parse_json_object(text))
