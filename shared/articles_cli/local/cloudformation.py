"""Read template.yaml, so local resources and test tables come from the deployed definition.

CloudFormation's short-form tags (``!Ref``, ``!Sub``, ``!GetAtt`` ...) are loaded as their
long forms (``{"Ref": ...}``, ``{"Fn::Sub": ...}``), the shape CloudFormation itself uses.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
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
        value = loader.construct_mapping(node, deep=True)
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


# -- intrinsic functions -------------------------------------------------------------------------

NO_VALUE = object()  # AWS::NoValue: the property is left out
_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")


class TemplateError(ValueError):
    """The template uses something the local resolver cannot work out."""


@dataclass(frozen=True)
class PhysicalResource:
    """What ``Ref`` and ``Fn::GetAtt`` give for one resource."""

    ref: str
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass
class StackIdentity:
    """Pseudo parameters of a local stack; the id is stable per name so names stay put."""

    name: str = "article-pipeline-local"
    region: str = "us-east-1"
    account_id: str = "123456789012"
    partition: str = "aws"
    url_suffix: str = "amazonaws.com"

    @property
    def stack_id(self) -> str:
        stable = uuid.uuid5(uuid.NAMESPACE_URL, f"article-pipeline/{self.name}")
        return (
            f"arn:{self.partition}:cloudformation:{self.region}:{self.account_id}"
            f":stack/{self.name}/{stable}"
        )

    def pseudo_parameters(self) -> dict[str, Any]:
        return {
            "AWS::AccountId": self.account_id,
            "AWS::Region": self.region,
            "AWS::StackName": self.name,
            "AWS::StackId": self.stack_id,
            "AWS::Partition": self.partition,
            "AWS::URLSuffix": self.url_suffix,
            "AWS::NoValue": NO_VALUE,
        }


def parameter_values(
    template: dict[str, Any], overrides: dict[str, str] | None = None
) -> dict[str, str]:
    """Template parameters with their defaults, then the overrides (unknown names rejected)."""
    declared = template.get("Parameters", {})
    values = {name: str(spec["Default"]) for name, spec in declared.items() if "Default" in spec}
    for name, value in (overrides or {}).items():
        if name not in declared:
            raise TemplateError(f"unknown template parameter {name!r}")
        allowed = declared[name].get("AllowedValues")
        if allowed and value not in [str(item) for item in allowed]:
            raise TemplateError(f"parameter {name}={value!r} is not one of {allowed}")
        values[name] = str(value)
    missing = sorted(set(declared) - set(values))
    if missing:
        raise TemplateError("template parameter(s) without a value: " + ", ".join(missing))
    return values


class Resolver:
    """Evaluates the intrinsic functions the template uses, against a local stack.

    Physical resources are registered as they are created (``register``); a ``Ref`` or
    ``Fn::GetAtt`` to one that is not registered fails loudly rather than guessing.
    """

    def __init__(
        self,
        template: dict[str, Any],
        identity: StackIdentity | None = None,
        parameters: dict[str, str] | None = None,
    ) -> None:
        self.template = template
        self.identity = identity or StackIdentity()
        self.parameters = parameter_values(template, parameters)
        self.physical: dict[str, PhysicalResource] = {}
        self._conditions: dict[str, bool] = {}

    def register(self, logical_id: str, resource: PhysicalResource) -> None:
        self.physical[logical_id] = resource

    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            definitions = self.template.get("Conditions", {})
            if name not in definitions:
                raise TemplateError(f"unknown condition {name!r}")
            self._conditions[name] = bool(self.resolve(definitions[name]))
        return self._conditions[name]

    def resource_enabled(self, logical_id: str) -> bool:
        name = self.template["Resources"][logical_id].get("Condition")
        return name is None or self.condition(name)

    def resolve(self, node: Any) -> Any:
        if isinstance(node, list):
            items = [self.resolve(item) for item in node]
            return [item for item in items if item is not NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            ((name, argument),) = node.items()
            if name == "Ref" or name.startswith("Fn::") or name == "Condition":
                return self._intrinsic(name, argument)
        resolved = {key: self.resolve(value) for key, value in node.items()}
        return {key: value for key, value in resolved.items() if value is not NO_VALUE}

    def _intrinsic(self, name: str, argument: Any) -> Any:
        if name == "Ref":
            return self._ref(argument)
        if name == "Condition":
            return self.condition(argument)
        if name == "Fn::GetAtt":
            parts = argument if isinstance(argument, list) else argument.split(".", 1)
            return self._get_att(parts[0], parts[1])
        if name == "Fn::Sub":
            return self._sub(argument)
        if name == "Fn::Select":
            index, items = argument
            return self.resolve(items)[int(self.resolve(index))]
        if name == "Fn::Split":
            delimiter, source = argument
            return str(self.resolve(source)).split(delimiter)
        if name == "Fn::Join":
            delimiter, items = argument
            return delimiter.join(str(item) for item in self.resolve(items))
        if name == "Fn::If":
            condition, when_true, when_false = argument
            return self.resolve(when_true if self.condition(condition) else when_false)
        if name == "Fn::Equals":
            left, right = (self.resolve(item) for item in argument)
            return str(left) == str(right)
        if name == "Fn::Not":
            return not self.resolve(argument[0])
        if name == "Fn::And":
            return all(self.resolve(item) for item in argument)
        if name == "Fn::Or":
            return any(self.resolve(item) for item in argument)
        raise TemplateError(f"{name} is not supported by the local stack")

    def _ref(self, target: str) -> Any:
        pseudo = self.identity.pseudo_parameters()
        if target in pseudo:
            return pseudo[target]
        if target in self.parameters:
            return self.parameters[target]
        if target in self.physical:
            return self.physical[target].ref
        raise TemplateError(f"Ref {target}: not a parameter or a provisioned resource")

    def _get_att(self, logical_id: str, attribute: str) -> str:
        resource = self.physical.get(logical_id)
        if resource is None or attribute not in resource.attributes:
            raise TemplateError(f"Fn::GetAtt {logical_id}.{attribute} is not known locally")
        return resource.attributes[attribute]

    def _sub(self, argument: Any) -> str:
        if isinstance(argument, list):
            text, variables = argument
            values = {key: self.resolve(value) for key, value in variables.items()}
        else:
            text, values = argument, {}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in values:
                return str(values[name])
            if "." in name and name.split(".", 1)[0] in self.template["Resources"]:
                return str(self._get_att(*name.split(".", 1)))
            return str(self._ref(name))

        # "${!Literal}" stays as "${Literal}", as in CloudFormation.
        return _SUB_VARIABLE.sub(replace, text).replace("${!", "${")
