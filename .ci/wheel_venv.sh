#!/usr/bin/env bash
# What `pip install kinemyo` promises, checked as a user gets it: a wheel built with the permissive Eigen FFT
# backend (so the wheel is MIT: no FFTW inside), installed into a fresh virtual environment that does not see the
# system site-packages (its dependencies come from the package index), then the README's Python blocks and
# `kinemyo demo` run from that environment.
# Usage: bash .ci/wheel_venv.sh [BUILD_DIR]   (default build/python-eigen, which the CI's Eigen stage has
# already built, so the wheel costs seconds; any other folder is a full build)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$KINEMYO_ROOT"
build_dir="${1:-build/python-eigen}"
venv=build/venv-wheel
start=$(date +%s)
lap() { echo "wheel_venv: [$(( $(date +%s) - start )) s] $*"; }

rm -rf build/wheel "$venv" build/venv-wheel-demo
KINEMYO_FFT=eigen "$PYTHON" -m pip wheel -q --disable-pip-version-check --no-deps --no-build-isolation \
    -Cbuild-dir="$build_dir" -w build/wheel .
wheels=(build/wheel/kinemyo-*.whl)
lap "built ${wheels[0]} ($(du -k "${wheels[0]}" | cut -f1) kB)"

"$PYTHON" -m venv "$venv"                    # no --system-site-packages: only what the wheel declares
py="$KINEMYO_ROOT/$venv/bin/python"
"$py" -m pip install -q --disable-pip-version-check "${wheels[0]}"
lap "installed into a fresh virtual environment with its dependencies"

# The package, backend and licence the user gets (and not the source tree: python/kinemyo is not on the path).
"$py" - "$KINEMYO_ROOT/$venv" <<'EOF'
import importlib.metadata as md
import pathlib
import subprocess
import sys

import kinemyo

venv = pathlib.Path(sys.argv[1]).resolve()
where = pathlib.Path(kinemyo.__file__).resolve()
assert venv in where.parents, f"kinemyo imported from {where}, not from the virtual environment {venv}"
assert kinemyo.fft_backend == "eigen", kinemyo.fft_backend
meta = md.metadata("kinemyo")
licence = meta.get("License-Expression") or meta.get("License")
assert licence == "MIT", f"wheel licence metadata: {licence!r}"
assert "License :: OSI Approved :: MIT License" in meta.get_all("Classifier"), meta.get_all("Classifier")
core = next(where.parent.glob("_core*.so"))
linked = subprocess.run(["ldd", str(core)], capture_output=True, text=True, check=True).stdout
assert "fftw" not in linked, f"{core.name} links FFTW (GPL):\n{linked}"
print(f"wheel_venv: kinemyo {kinemyo.__version__} from {where.parent}, {kinemyo.fft_backend} FFT, licence {licence}, "
      f"no FFTW linked; requires {', '.join(r for r in md.requires('kinemyo') if 'extra ==' not in r)}")
EOF

# The README's Python blocks, extracted and run by their own test (pytest is the harness, not a dependency: it
# goes in after the checks above, and kinemyo imports nothing of it).
"$py" -m pip install -q --disable-pip-version-check "pytest>=7"
"$py" -m pytest -q -p no:cacheprovider tests/python/app/test_readme.py
lap "README Python blocks ran from the wheel"

"$KINEMYO_ROOT/$venv/bin/kinemyo" demo --quiet --out build/venv-wheel-demo
for f in report.html summary.json strides.csv realtime; do
  test -e "build/venv-wheel-demo/$f" || { echo "wheel_venv: kinemyo demo did not write $f" >&2; exit 1; }
done
lap "kinemyo demo ran from the wheel: build/venv-wheel-demo/report.html"
