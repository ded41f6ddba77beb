"""What `pip install kinemyo` promises: the dependencies in pyproject.toml cover every import the package makes
outside its extras, each extra's package is imported only on first use, and a missing one is an error that names
the extra to install (checked with the package made unimportable)."""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import subprocess
import sys
import sysconfig

import pytest

from kinemyo import _optional

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib


def _name(requirement: str) -> str:
    """The distribution name of a PEP 508 requirement, normalised (PEP 503): 'dask[distributed]>=1' -> 'dask'."""
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9_.-]+", requirement).group(0)).lower()


@pytest.fixture(scope="module")
def project(repo_dir) -> dict:
    return tomllib.loads((repo_dir / "pyproject.toml").read_text())["project"]


def _imports(repo_dir):
    """(file, top-level module, at module level?) for every absolute import in python/kinemyo."""
    for path in sorted((repo_dir / "python" / "kinemyo").rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        module_level = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                yield path.name, name.partition(".")[0], id(node) in module_level


def _is_stdlib(module: str) -> bool:
    if hasattr(sys, "stdlib_module_names"):  # Python 3.10+
        return module in sys.stdlib_module_names
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return False
    return spec.origin in ("built-in", "frozen") or (spec.origin.startswith(sysconfig.get_paths()["stdlib"])
                                                     and "site-packages" not in spec.origin)


def test_every_import_is_stdlib_a_dependency_or_a_lazy_extra(repo_dir, project):
    dependencies = {_name(r) for r in project["dependencies"]}
    assert {"numpy", "scipy", "pandas", "matplotlib"} <= dependencies
    unexplained, eager_extras = [], []
    for file, top, module_level in _imports(repo_dir):
        if _is_stdlib(top) or top in ("kinemyo", "tomllib"):  # tomllib: stdlib from 3.11, tomli before it
            continue
        if top in _optional.EXTRAS:
            if module_level:
                eager_extras.append(f"{file}: {top}")
        elif top not in dependencies:  # each import name here is its distribution name
            unexplained.append(f"{file}: {top}")
    assert not unexplained, f"imports that are neither dependencies nor extras: {unexplained}"
    assert not eager_extras, f"extras imported when the module loads (must be on first use): {eager_extras}"


def test_extras_in_the_code_match_pyproject_and_install_deps(repo_dir, project):
    extras = project["optional-dependencies"]
    for module, (extra, dist) in _optional.EXTRAS.items():
        assert extra in extras, f"{module}: extra {extra!r} is not in pyproject.toml"
        assert _name(dist) in {_name(r) for r in extras[extra]}, f"{module}: {dist} is not in the {extra!r} extra"
    # The project's own setup (.ci/install-deps.sh) installs everything a user could pip install with an extra.
    script = (repo_dir / ".ci" / "install-deps.sh").read_text()
    pip_packages = {_name(r) for r in re.findall(r'"([A-Za-z][^"\s]*)"', script.split("PIP_PACKAGES=(")[1])}
    wanted = {_name(r) for r in project["dependencies"] if "python_version" not in r}
    wanted |= {_name(r) for reqs in extras.values() for r in reqs}
    assert wanted <= pip_packages, f"in pyproject.toml but not in .ci/install-deps.sh: {sorted(wanted - pip_packages)}"


def test_import_kinemyo_and_every_module_without_any_extra():
    # A fresh interpreter in which every extra's package is unimportable (None in sys.modules blocks an import).
    code = ("import sys\n"
            f"for m in {sorted(_optional.EXTRAS)!r}: sys.modules[m] = None\n"
            "import kinemyo, kinemyo.cohort, kinemyo.cli\n"
            "for name in kinemyo._LAZY: getattr(kinemyo, name)\n"
            "print(sorted(m for m in sys.modules if m.partition('.')[0] in "
            f"{sorted(_optional.EXTRAS)!r} and sys.modules[m] is not None))\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


@pytest.fixture
def without(monkeypatch):
    """Make a module (and its submodules) unimportable for the test."""

    def block(module: str) -> None:
        for name in [m for m in sys.modules if m == module or m.startswith(module + ".")]:
            monkeypatch.delitem(sys.modules, name)
        monkeypatch.setitem(sys.modules, module, None)

    return block


def test_missing_ezc3d_names_the_c3d_extra(tmp_path, without):
    from kinemyo.io import read_c3d

    without("ezc3d")
    with pytest.raises(ValueError, match=r"reading C3D needs ezc3d, which is not installed: "
                                         r"pip install 'kinemyo\[c3d\]'"):
        read_c3d(tmp_path / "walk.c3d")


def test_cli_analyze_of_a_c3d_session_without_ezc3d_is_one_line_naming_the_extra(tmp_path, without, capsys):
    from kinemyo.cli import main

    (tmp_path / "emg.c3d").write_bytes(bytes(512))
    (tmp_path / "s.json").write_text(json.dumps({"name": "c3d", "emg": [
        {"file": "emg.c3d", "format": "c3d", "fs": 1000.0, "units": "adc",
         "channels": [{"name": "ES_L", "column": 0, "profile": "trunk"}]}]}))
    without("ezc3d")
    assert main(["analyze", str(tmp_path / "s.json"), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "pip install 'kinemyo[c3d]'" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_missing_pylsl_names_the_lsl_extra(without, capsys):
    from kinemyo.biofeedback import lsl_blocks
    from kinemyo.cli import main

    without("pylsl")
    with pytest.raises(RuntimeError, match=r"needs pylsl, which is not installed: pip install 'kinemyo\[lsl\]'"):
        lsl_blocks("MyEMG")
    assert main(["biofeedback", "--lsl", "MyEMG"]) == 2
    assert "pip install 'kinemyo[lsl]'" in capsys.readouterr().err


@pytest.mark.parametrize("blocked", ["pyarrow", "distributed"])
def test_missing_cohort_packages_name_the_cohort_extra(tmp_path, without, blocked):
    from kinemyo import cohort

    without(blocked)
    hint = r"which is not installed: pip install 'kinemyo\[cohort\]'"
    with pytest.raises(ModuleNotFoundError, match=hint):
        cohort.analyze_cohort([], out=tmp_path / "cohort")
    if blocked == "pyarrow":
        with pytest.raises(ModuleNotFoundError, match=hint):
            cohort.read_table(tmp_path, "sessions")
        with pytest.raises(ModuleNotFoundError, match=hint):
            cohort.parquet_schema("strides")


def test_require_returns_the_module_when_it_is_installed():
    pytest.importorskip("pyarrow")
    assert _optional.require("pyarrow.parquet", "kinemyo.cohort").__name__ == "pyarrow.parquet"


@pytest.mark.parametrize("package, names", [
    ("Eigen3", ["sudo apt-get install libeigen3-dev", "brew install eigen"]),
    ("nlohmann_json", ["sudo apt-get install nlohmann-json3-dev", "brew install nlohmann-json"]),
    ("FFTW3", ["sudo apt-get install libfftw3-dev", "brew install fftw", "KINEMYO_FFT=eigen pip install ."]),
])
def test_a_missing_system_package_stops_cmake_with_the_package_to_install(repo_dir, tmp_path, package, names):
    import shutil

    if shutil.which("cmake") is None:
        pytest.skip("cmake is not installed")
    run = subprocess.run(["cmake", "-S", str(repo_dir), "-B", str(tmp_path), f"-DCMAKE_DISABLE_FIND_PACKAGE_{package}=ON",
                          "-DKINEMYO_BUILD_TESTS=OFF", "-DKINEMYO_BUILD_BENCHMARKS=OFF", "-DKINEMYO_BUILD_EXAMPLES=OFF"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode != 0
    message = " ".join(run.stderr.split())  # CMake wraps the message; compare it as one line
    assert f"kinemyo needs the {package} development files" in message, run.stderr
    for name in names:
        assert name in message, (name, run.stderr)
