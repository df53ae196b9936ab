from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.template_field import TemplateField
    from ..models.template_size import TemplateSize


T = TypeVar("T", bound="TemplateInfo")


@_attrs_define
class TemplateInfo:
    """
    Attributes:
        slug (str):
        name (str):
        description (str):
        fields (list[TemplateField]):
        sizes (list[TemplateSize]):
    """

    slug: str
    name: str
    description: str
    fields: list[TemplateField]
    sizes: list[TemplateSize]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        slug = self.slug

        name = self.name

        description = self.description

        fields = []
        for fields_item_data in self.fields:
            fields_item = fields_item_data.to_dict()
            fields.append(fields_item)

        sizes = []
        for sizes_item_data in self.sizes:
            sizes_item = sizes_item_data.to_dict()
            sizes.append(sizes_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "slug": slug,
                "name": name,
                "description": description,
                "fields": fields,
                "sizes": sizes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.template_field import TemplateField
        from ..models.template_size import TemplateSize

        d = dict(src_dict)
        slug = d.pop("slug")

        name = d.pop("name")

        description = d.pop("description")

        fields = []
        _fields = d.pop("fields")
        for fields_item_data in _fields:
            fields_item = TemplateField.from_dict(fields_item_data)

            fields.append(fields_item)

        sizes = []
        _sizes = d.pop("sizes")
        for sizes_item_data in _sizes:
            sizes_item = TemplateSize.from_dict(sizes_item_data)

            sizes.append(sizes_item)

        template_info = cls(
            slug=slug,
            name=name,
            description=description,
            fields=fields,
            sizes=sizes,
        )

        template_info.additional_properties = d
        return template_info

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
