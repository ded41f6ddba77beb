"""Sphinx configuration of the kinemyo documentation: built by ``bash docs/build.sh`` (warnings are errors).

Nothing is fetched at build time: no intersphinx, no remote images; the gallery runs on the recordings bundled
with the package and in ``tests/data``.
"""

from __future__ import annotations

import os
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
    "image_scrapers": ("matplotlib",),
    "plot_gallery": "True",
    "show_memory": False,
    "reset_modules": ("matplotlib",),
}

myst_heading_anchors = 3
html_theme = "furo"
html_title = f"kinemyo {release}"
html_static_path: list[str] = []
