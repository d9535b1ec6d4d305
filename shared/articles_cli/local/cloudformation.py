"""template.yaml as AWS reads it: cfn-lint's parser, then the SAM translator (``sam deploy``'s).

What this module adds is what ``sam package`` and CloudFormation's own checks do before a
deploy: function and layer code pointed at S3 (``package``) and the parameter values checked
against the template (``check_parameters``). Everything else, the Globals, the SAM resource
types, the intrinsic functions, is the translator's and then moto's CloudFormation's.

``deployable_template`` remembers its result under ``.aws-sam/local-stack/`` beside the
template, keyed by the template's bytes and everything else the result depends on, so a start
with an unchanged template loads neither cfn-lint nor the translator.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import os
import re
from importlib.metadata import version
from pathlib import Path
from typing import Any

TEMPLATE_PATH = Path(__file__).resolve().parents[3] / "template.yaml"

# The SAM types whose code the template names by local path, and the property holding it.
CODE_PROPERTIES = {
    "AWS::Serverless::Function": "CodeUri",
    "AWS::Serverless::LayerVersion": "ContentUri",
}


class TemplateError(ValueError):
    """The template, or a parameter given for it, is not one AWS would deploy."""


def load_template(path: Path | str | None = None) -> dict[str, Any]:
    """The template as plain dicts and lists, short-form tags in their long form (cfn-lint)."""
    from cfnlint.decode import decode

    source = Path(path or TEMPLATE_PATH)
    document, problems = decode(str(source))
    if problems or not isinstance(document, dict) or "Resources" not in document:
        detail = "; ".join(problem.message for problem in problems) or "no Resources"
        raise TemplateError(f"{source} is not a CloudFormation template: {detail}")
    # cfn-lint's nodes carry line marks; plain values keep copies and JSON cheap.
    plain: dict[str, Any] = json.loads(json.dumps(document))
    return plain


def check_parameters(template: dict[str, Any], values: dict[str, str]) -> None:
    """Refuse what CloudFormation refuses before it creates anything.

    Unknown names, a ``Number`` that is not a number, values outside ``AllowedValues``,
    ``MinValue``/``MaxValue``, ``MinLength``/``MaxLength``, or not matching the whole
    ``AllowedPattern``. The message names the parameter and the constraint, and the template's
    ``ConstraintDescription`` when it has one.
    """
    declared = template.get("Parameters", {})
    for name, value in values.items():
        if name not in declared:
            raise TemplateError(f"unknown template parameter {name!r}")
        problem = _parameter_problem(declared[name], value)
        if problem:
            hint = declared[name].get("ConstraintDescription")
            raise TemplateError(
                f"parameter {name}={value!r} {problem}" + (f" ({hint})" if hint else "")
            )


def _parameter_problem(declaration: dict[str, Any], value: str) -> str | None:
    """What is wrong with one value for one parameter declaration, or None."""
    allowed = declaration.get("AllowedValues")
    if allowed and value not in [str(item) for item in allowed]:
        return f"is not one of {allowed}"
    if declaration.get("Type") == "Number":
        try:
            number = float(value)
        except ValueError:
            return "is not a number"
        if not math.isfinite(number):
            return "is not a number"
        low, high = declaration.get("MinValue"), declaration.get("MaxValue")
        if low is not None and number < float(low):
            return f"is below MinValue {low}"
        if high is not None and number > float(high):
            return f"is above MaxValue {high}"
        return None
    shortest, longest = declaration.get("MinLength"), declaration.get("MaxLength")
    if shortest is not None and len(value) < int(shortest):
        return f"is shorter than MinLength {shortest}"
    if longest is not None and len(value) > int(longest):
        return f"is longer than MaxLength {longest}"
    pattern = declaration.get("AllowedPattern")
    if pattern is not None and re.fullmatch(pattern, value) is None:
        return f"does not match AllowedPattern {pattern}"
    return None


def package(
    template: dict[str, Any], base: Path, bucket: str
) -> tuple[dict[str, Any], dict[str, Path]]:
    """What ``sam package`` does: local code paths become S3 locations.

    Returns the packaged template and, per logical id, the local directory of its code (the
    objects to upload are named by the same keys: ``<logical id>.zip``).
    """
    packaged = copy.deepcopy(template)
    code: dict[str, Path] = {}
    globals_ = template.get("Globals", {}).get("Function", {})
    for logical_id, resource in packaged["Resources"].items():
        name = CODE_PROPERTIES.get(resource.get("Type", ""))
        if name is None:
            continue
        properties = resource.setdefault("Properties", {})
        location = properties.get(name, globals_.get(name) if name == "CodeUri" else None)
        if not isinstance(location, str):
            raise TemplateError(f"{logical_id}.{name} must be a local path for the local stack")
        code[logical_id] = (base / location).resolve()
        properties[name] = f"s3://{bucket}/{logical_id}.zip"
    return packaged, code


def sam_transform(
    template: dict[str, Any], *, region: str, parameters: dict[str, str]
) -> dict[str, Any]:
    """The CloudFormation template ``sam deploy`` would hand to CloudFormation."""
    import boto3
    from samtranslator.metrics.metrics import Metrics
    from samtranslator.model.exceptions import InvalidDocumentException
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    metrics = Metrics()  # the translator's usage metrics: published nowhere
    session = boto3.session.Session(region_name=region)
    translator = Translator(None, Parser(), boto_session=session, metrics=metrics)
    try:
        translated: dict[str, Any] = translator.translate(
            copy.deepcopy(template),
            parameter_values=dict(parameters),
            get_managed_policy_map=dict,  # inline policies only: nothing to look up in IAM
        )
    except InvalidDocumentException as exc:
        detail = "; ".join(str(cause) for cause in exc.causes)
        raise TemplateError(f"the SAM transform refused the template: {detail}") from exc
    finally:
        metrics.publish()
    return translated


def deployable_template(
    path: Path, *, region: str, parameters: dict[str, str], bucket: str
) -> tuple[dict[str, Any], dict[str, Path]]:
    """``package`` then ``sam_transform`` of the template file, remembered on disk."""
    inputs = json.dumps(
        [version("aws-sam-translator"), region, sorted(parameters.items()), bucket]
    ).encode()
    key = hashlib.sha256(inputs + b"\0" + path.read_bytes()).hexdigest()[:24]
    cache = path.parent / ".aws-sam" / "local-stack" / f"{key}.json"
    if cache.is_file():
        saved = json.loads(cache.read_text(encoding="utf-8"))
        return saved["template"], {name: Path(p) for name, p in saved["code"].items()}
    source = load_template(path)
    check_parameters(source, parameters)
    packaged, code = package(source, path.parent, bucket)
    translated = sam_transform(packaged, region=region, parameters=parameters)
    cache.parent.mkdir(parents=True, exist_ok=True)
    partial = cache.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(
        json.dumps({"template": translated, "code": {k: str(v) for k, v in code.items()}}),
        encoding="utf-8",
    )
    partial.replace(cache)  # whole or not at all, even with two starts at once
    return translated, code
