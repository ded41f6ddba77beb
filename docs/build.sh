#!/usr/bin/env bash
# Builds the documentation site into build/docs/html (open build/docs/html/index.html):
#   1. Doxygen: XML of the C++ headers (include/kinemyo) into build/docs/doxygen; any warning fails the build;
#   2. Sphinx with warnings as errors: the pages in docs/, the Python API (autodoc), the C++ API (Breathe over the
#      XML) and the gallery (docs/examples/plot_*.py, executed now on the bundled recordings).
# Installs what is missing first (.ci/install-deps.sh) and kinemyo itself; KINEMYO_DOCS_NO_INSTALL=1 skips both and
# documents the kinemyo that Python finds (e.g. on PYTHONPATH). Nothing is downloaded during the build itself.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../.ci/env.sh"
cd "$KINEMYO_ROOT"
if [ "${KINEMYO_DOCS_NO_INSTALL:-0}" != 1 ]; then
  bash .ci/install-deps.sh
  "$PYTHON" -m pip install -q --disable-pip-version-check --no-build-isolation --no-deps .
fi
OUT="${KINEMYO_DOCS_BUILD:-$KINEMYO_ROOT/build/docs}"
export KINEMYO_DOCS_BUILD="$OUT"
mkdir -p "$OUT/doxygen"

# Header comments that document declarations must be Doxygen comments (///), or Doxygen silently skips them.
"$PYTHON" "$KINEMYO_ROOT/docs/convert_header_comments.py" --check || {
  echo "docs: run python docs/convert_header_comments.py to convert the header comments listed above" >&2; exit 1; }

# Doxygen reads its paths relative to the repository root; only the output folder follows KINEMYO_DOCS_BUILD.
set +e
{ cat docs/Doxyfile; echo "OUTPUT_DIRECTORY = $OUT/doxygen"; echo "WARN_LOGFILE = $OUT/doxygen/warnings.log"; } | doxygen -
doxygen_status=$?
set -e
n_warnings=$(grep -c . "$OUT/doxygen/warnings.log" || true)
echo "docs: Doxygen: $n_warnings warning line(s) in $OUT/doxygen/warnings.log"
if [ "$doxygen_status" -ne 0 ] || [ "$n_warnings" -ne 0 ]; then
  cat "$OUT/doxygen/warnings.log"
  echo "docs: Doxygen failed (exit $doxygen_status, $n_warnings warning line(s))" >&2
  exit 1
fi

# sphinx-gallery writes the executed examples' pages into docs/gallery (ignored by git); start clean so a removed
# example leaves nothing behind.
rm -rf docs/gallery docs/sg_execution_times.rst
MPLBACKEND=Agg "$PYTHON" -m sphinx -W --keep-going -b html -d "$OUT/doctrees" docs "$OUT/html"
echo "docs: open $OUT/html/index.html"
