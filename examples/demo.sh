#!/usr/bin/env bash
# The main job: install what is missing, build and install kinemyo, then analyse the bundled demo session (public
# recordings: surface EMG, two foot IMUs, questionnaire examples). Writes demo_output/report.html, summary.json,
# strides.csv, and the real-time EMG chain check in demo_output/realtime/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../.ci/env.sh"
bash "$KINEMYO_ROOT/.ci/install-deps.sh"
"$PYTHON" -m pip install -q --disable-pip-version-check --no-build-isolation --no-deps "$KINEMYO_ROOT"
cd "$KINEMYO_ROOT"
# --force: a re-run replaces the previous demo results (only a folder kinemyo wrote is ever replaced)
"$PYTHON" -m kinemyo demo --force --out "${1:-demo_output}"
