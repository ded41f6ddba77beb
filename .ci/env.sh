# Sourced by the project's scripts: picks the Python interpreter to build and test with.
# PYTHON may be set by the caller. A Python that refuses pip installs (PEP 668, e.g. Debian's /usr/bin/python3)
# gets a project virtual environment in .venv instead.
KINEMYO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
if "$PYTHON" -c 'import sys, sysconfig, os; sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")) and sys.prefix == sys.base_prefix else 1)' 2>/dev/null; then
  if [ ! -x "$KINEMYO_ROOT/.venv/bin/python" ]; then
    "$PYTHON" -m venv "$KINEMYO_ROOT/.venv"
  fi
  PYTHON="$KINEMYO_ROOT/.venv/bin/python"
fi
export PYTHON KINEMYO_ROOT
JOBS="$(nproc 2>/dev/null || echo 2)"
export JOBS
