"""Options and content fields are declared once; the documentation's tables come from them."""

from __future__ import annotations

import dataclasses
import importlib.util
import sys

import pytest

from okrsite.content import schema as s
from okrsite.content.config import ChartSettings, SiteConfig
from okrsite.content.options import construct, markdown_table, schema_of
from okrsite.model.site import Budget, KeyResult, Project
from tests.conftest import REPO


def _generator():
    spec = importlib.util.spec_from_file_location("docs_generate", REPO / "docs" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["docs_generate"] = module
    spec.loader.exec_module(module)
    return module


def test_the_reference_tables_in_the_readme_and_docs_match_the_declarations() -> None:
    assert _generator().stale() == [], "run: python docs/generate.py"


def test_every_declared_class_has_its_table_somewhere_in_the_documentation() -> None:
    generator = _generator()
    text = "\n".join(path.read_text(encoding="utf-8") for path in generator.documents())
    for name, (cls, first) in generator.TABLES.items():
        assert f"<!-- table: {name} -->\n{markdown_table(cls, first)}\n<!-- end table -->" in text


def test_the_checker_takes_its_defaults_from_the_dataclass() -> None:
    schema = schema_of(KeyResult)
    assert schema["weight"].default == 1 == next(f.default for f in dataclasses.fields(KeyResult) if f.name == "weight")
    assert schema["title"].required and not schema["unit"].required
    assert "progress" not in schema and "objective_id" not in schema  # computed, not written in a file


def test_a_group_left_out_is_all_its_defaults_and_an_optional_one_is_none() -> None:
    config = construct(ChartSettings, {"enabled": False, "format": "svg", "dpi": 144})
    assert config == ChartSettings(enabled=False)
    project = schema_of(Project)
    assert project["budget"].default is None
    assert construct(Budget, {"planned": 10, "spent": None, "currency": ""}) == Budget(planned=10)


def test_site_config_options_use_the_file_names_of_their_keys() -> None:
    assert "status_thresholds" in schema_of(SiteConfig) and "thresholds" not in schema_of(SiteConfig)


@pytest.mark.parametrize(("dpi", "ok"), [(50, True), (600, True), (49.9, False), (100_000, False)])
def test_chart_dpi_has_a_documented_range(dpi: float, ok: bool) -> None:
    kind = schema_of(ChartSettings)["dpi"].kind
    if ok:
        assert kind(dpi, None) == dpi
    else:
        with pytest.raises(s.Invalid, match="from 50 to 600"):
            kind(dpi, None)
