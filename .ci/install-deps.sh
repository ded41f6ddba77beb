#!/usr/bin/env bash
# Installs everything kinemyo needs to build, test, benchmark and run its demo on Debian 12. Idempotent: only
# missing apt packages are installed (apt-get update runs only then), and pip skips satisfied requirements.
# Works as root or through sudo. Nothing is downloaded during the build itself.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

APT_PACKAGES=(build-essential cmake pkg-config libeigen3-dev libfftw3-dev libgtest-dev libbenchmark-dev nlohmann-json3-dev python3-venv clang libclang-rt-14-dev doxygen)
PIP_PACKAGES=("pybind11>=2.12" "scikit-build-core>=0.10" "numpy>=1.23" "scipy>=1.11" "pandas>=1.5" "pytest>=7" "hypothesis>=6" "matplotlib>=3.6"
              # independent references run side by side in tests and benchmarks: Madgwick (ahrs), VQF (vqf),
              # Mobilise-D's lower-back gait detectors (mobgap, bench/mobgap_eval.py)
              "ahrs>=0.3" "vqf>=2.0" "mobgap>=1.2"
              # Lab Streaming Layer input of kinemyo biofeedback
              "pylsl>=1.16"
              # C3D input of session files
              "ezc3d>=1.5"
              # cohorts: a study over many sessions on a Dask cluster, results as Parquet (kinemyo.cohort)
              "dask[distributed]>=2024.1" "pyarrow>=14"
              # the documentation site (docs/build.sh): Sphinx, the C++ reference from Doxygen XML, the gallery
              "sphinx>=7.2" "breathe>=4.35" "sphinx-gallery>=0.15" "myst-parser>=2" "furo>=2024.1"
              # static types: tests/python/app/test_typing.py runs mypy --strict on the package (py.typed)
              "mypy>=1.8" "pandas-stubs>=2.0")

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: apt packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! "$PYTHON" -c 'import pybind11, scikit_build_core, numpy, scipy, pandas, pytest, matplotlib, ahrs, vqf, mobgap, pylsl, ezc3d, distributed, pyarrow, sphinx, breathe, sphinx_gallery, myst_parser, furo' 2>/dev/null; then
  echo "install-deps: pip packages for $PYTHON"
fi
"$PYTHON" -m pip install -q --disable-pip-version-check "${PIP_PACKAGES[@]}"
