"""Sphinx configuration of the kinemyo documentation: built by ``bash docs/build.sh`` (warnings are errors).

Nothing is fetched at build time: no intersphinx, no remote images; the gallery runs on the recordings bundled
with the package and in ``tests/data``.
"""

from __future__ import annotations

import os
import re
import pathlib

import kinemyo

DOCS = pathlib.Path(__file__).resolve().parent
ROOT = DOCS.parent
BUILD = pathlib.Path(os.environ.get("KINEMYO_DOCS_BUILD", ROOT / "build" / "docs"))

project = "kinemyo"
author = "kinemyo contributors"
copyright = "kinemyo contributors, MIT licence"
version = release = kinemyo.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "myst_parser",
    "breathe",
    "sphinx_gallery.gen_gallery",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "examples/README.rst", "**/GALLERY_HEADER.rst"]
nitpicky = False

# Python API: numpydoc-style docstrings through napoleon, signatures from the code.
autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False

# C++ API: Breathe over the Doxygen XML that docs/build.sh writes first.
breathe_projects = {"kinemyo": str(BUILD / "doxygen" / "xml")}
breathe_default_project = "kinemyo"
breathe_domain_by_extension = {"hpp": "cpp"}
breathe_default_members = ("members",)

# Executed gallery: every docs/examples/plot_*.py runs at build time; a failing example fails the build.
sphinx_gallery_conf = {
    "examples_dirs": str(DOCS / "examples"),
    "gallery_dirs": "gallery",
    "filename_pattern": r"/plot_",
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "download_all_examples": False,
    "remove_config_comments": True,
    "matplotlib_animations": False,
    "image_scrapers": (lambda block, block_vars, gallery_conf: _figures(block_vars, gallery_conf),),
    "plot_gallery": "True",
    "show_memory": False,
    "reset_modules": ("matplotlib",),
}



def _figures(block_vars, gallery_conf):
    """Image scraper: kinemyo.plot returns bare Figures (not registered with pyplot), so besides pyplot's figures
    every Figure held by a variable of the example is saved, once, after the code block that made it."""
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure
    from sphinx_gallery.scrapers import figure_rst

    saved = block_vars["example_globals"].setdefault("__kinemyo_saved_figures__", set())
    found = [plt.figure(n) for n in plt.get_fignums()]
    found += [v for v in block_vars["example_globals"].values() if isinstance(v, Figure)]
    paths = []
    for fig in found:
        if id(fig) in saved:
            continue
        saved.add(id(fig))
        path = next(block_vars["image_path_iterator"])
        fig.savefig(path, dpi=100)
        paths.append(path)
    plt.close("all")
    return figure_rst(paths, gallery_conf["src_dir"])


myst_heading_anchors = 3
html_theme = "furo"
html_title = f"kinemyo {release}"
html_static_path: list[str] = []

# The NumPy-style "Attributes" of dataclasses and named tuples become :ivar: fields, so each attribute is described
# once (autodoc also lists the fields themselves).
napoleon_use_ivar = True
# Types such as "ndarray, shape (n_samples, n_channels)" make napoleon link every word; `n_channels` names an
# attribute of several classes, and an ambiguous link in a type is no documentation error.
# The gallery's image scraper below is a function, so Sphinx cannot cache the configuration; every build is a fresh
# one anyway (docs/build.sh starts from a clean gallery).
suppress_warnings = ["ref.python", "config.cache"]

_ABSOLUTE_VALUE = re.compile(r"(?<![`\\|])\|(?=\S)([^|`\n]*?\S)\|(?![`|_])")


def _plain_bars(app, what, name, obj, options, lines):
    """Docstrings write |x| for an absolute value, which reStructuredText reads as a substitution: escape it."""
    for i, line in enumerate(lines):
        if not line.lstrip().startswith("|"):  # a line block or table row starts with a bar: leave it
            lines[i] = _ABSOLUTE_VALUE.sub(r"\\|\1\\|", line)


def setup(app):
    app.connect("autodoc-process-docstring", _plain_bars)
