"""Read template.yaml, so local resources and test tables come from the deployed definition.

CloudFormation's short-form tags (``!Ref``, ``!Sub``, ``!GetAtt`` ...) are loaded as their
long forms (``{"Ref": ...}``, ``{"Fn::Sub": ...}``), the shape CloudFormation itself uses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

TEMPLATE_PATH = Path(__file__).resolve().parents[3] / "template.yaml"


class _TemplateLoader(yaml.SafeLoader):
    """A SafeLoader that understands CloudFormation's intrinsic-function tags."""


def _construct_tag(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    if tag_suffix == "Ref":
        return {"Ref": value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{tag_suffix}": value}


_TemplateLoader.add_multi_constructor("!", _construct_tag)


def load_template(path: Path | str | None = None) -> dict[str, Any]:
    with open(path or TEMPLATE_PATH, encoding="utf-8") as handle:
        document = yaml.load(handle, Loader=_TemplateLoader)  # noqa: S506 - SafeLoader subclass
    if not isinstance(document, dict) or "Resources" not in document:
        raise ValueError(f"{path or TEMPLATE_PATH} is not a CloudFormation template")
    return document


def table_definition(
    template: dict[str, Any], table_name: str, logical_id: str = "ArticlesTable"
) -> dict[str, Any]:
    """``create_table`` arguments for a table resource of the template."""
    properties = template["Resources"][logical_id]["Properties"]
    definition: dict[str, Any] = {
        "TableName": table_name,
        "AttributeDefinitions": properties["AttributeDefinitions"],
        "KeySchema": properties["KeySchema"],
        "BillingMode": properties.get("BillingMode", "PAY_PER_REQUEST"),
    }
    if "GlobalSecondaryIndexes" in properties:
        definition["GlobalSecondaryIndexes"] = properties["GlobalSecondaryIndexes"]
    return definition
