#!/usr/bin/env bash
# Runs every kinemyo test on this machine, installing what is missing first:
#   1. C++: configure + build (Release) + ctest (GoogleTest suites, the no-allocation test, and the install test
#      that builds examples/cpp_consumer against an installed kinemyo with find_package);
#   2. Python: pip install . (builds the extension) + pytest against SciPy.
# Extra CMake arguments can be passed in KINEMYO_CMAKE_ARGS (e.g. -DKINEMYO_FFT=eigen).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../.ci/env.sh"
bash "$KINEMYO_ROOT/.ci/install-deps.sh"

BUILD="${KINEMYO_BUILD_DIR:-$KINEMYO_ROOT/build/release}"
# shellcheck disable=SC2086
cmake -S "$KINEMYO_ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release ${KINEMYO_CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD" -j "$JOBS"
ctest --test-dir "$BUILD" --output-on-failure -j "$JOBS"

"$PYTHON" -m pip install -q --disable-pip-version-check --no-build-isolation --no-deps "$KINEMYO_ROOT"
cd "$KINEMYO_ROOT"
"$PYTHON" -m pytest tests/python -q
