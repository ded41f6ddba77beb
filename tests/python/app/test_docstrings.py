"""Every public function of kinemyo.{dsp,emg,imu,gait,questionnaire} and the session entry points has a numpydoc
docstring: a Parameters section naming each of its parameters and a Returns section; every public class a
docstring."""

import importlib
import inspect
import re

import pytest

MODULES = ["dsp", "emg", "imu", "gait", "questionnaire", "analysis", "session"]


def _public(modname):
    mod = importlib.import_module(f"kinemyo.{modname}")
    assert hasattr(mod, "__all__"), modname
    return [(f"{modname}.{name}", getattr(mod, name)) for name in mod.__all__]


PUBLIC = [item for m in MODULES for item in _public(m)]
FUNCTIONS = [(n, f) for n, f in PUBLIC if callable(f) and not inspect.isclass(f)]


def _section(doc, title):
    """The lines of a numpydoc section (title underlined with dashes), or None."""
    m = re.search(rf"^\s*{title}\n\s*-{{{len(title)}}}\n(.*?)(?=^\s*\w[\w ]*\n\s*-{{3,}}\n|\Z)", doc, re.S | re.M)
    return m.group(1) if m else None


def _documented_names(params_text):
    names = set()
    for line in params_text.splitlines():
        m = re.match(r"^\s{0,8}(\*{0,2}\w+(?:\s*,\s*\w+)*)\s*(?::|$)", line)
        if m and not line.startswith(" " * 9):
            names.update(n.strip() for n in m.group(1).split(","))
    return names


def test_the_walk_finds_the_api():
    assert len(FUNCTIONS) > 90 and len(PUBLIC) > 130


@pytest.mark.parametrize("name, func", FUNCTIONS, ids=[n for n, _ in FUNCTIONS])
def test_function_has_numpydoc_parameters_and_returns(name, func):
    doc = inspect.cleandoc(func.__doc__ or "")
    params = _section(doc, "Parameters")
    assert params is not None, f"{name}: no Parameters section"
    assert _section(doc, "Returns") is not None, f"{name}: no Returns section"
    sig = inspect.signature(func)
    wanted = {("**" + p.name) if p.kind is p.VAR_KEYWORD else ("*" + p.name) if p.kind is p.VAR_POSITIONAL
              else p.name for p in sig.parameters.values()}
    missing = wanted - _documented_names(params)
    assert not missing, f"{name}: parameters not documented: {sorted(missing)}"


@pytest.mark.parametrize("name, cls", [(n, c) for n, c in PUBLIC if inspect.isclass(c)],
                         ids=[n for n, c in PUBLIC if inspect.isclass(c)])
def test_class_has_a_docstring(name, cls):
    doc = (cls.__doc__ or "").strip()
    assert doc and not doc.startswith(f"{cls.__name__}(") or len(doc.splitlines()) > 2, name


def test_section_parser_rejects_a_bare_paragraph():
    assert _section("Does a thing with x (s).", "Parameters") is None
    text = "Summary.\n\nParameters\n----------\nx : float\n    Time in s.\ny, z : int\n\nReturns\n-------\nfloat\n"
    assert _documented_names(_section(text, "Parameters")) == {"x", "y", "z"}
