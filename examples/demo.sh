#!/usr/bin/env bash
# The main job (for now): install what is missing, build and install kinemyo, then run the bundled real surface
# EMG recording through the real-time filter chain. Writes demo_output/summary.json and demo_output/emg_demo.png.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../.ci/env.sh"
bash "$KINEMYO_ROOT/.ci/install-deps.sh"
"$PYTHON" -m pip install -q --disable-pip-version-check --no-build-isolation --no-deps "$KINEMYO_ROOT"
cd "$KINEMYO_ROOT"
"$PYTHON" -m kinemyo demo --out "${1:-demo_output}"
