"""Sphinx configuration of the skhptune documentation.

Build from the repository root with ``sphinx-build -W -b html docs docs/_build/html``.
The gallery scripts in ``docs/examples/`` run during the build; their output goes to
``docs/auto_examples/`` and the API pages to ``docs/generated/`` (both ignored by git).
"""

import os
import re

from threadpoolctl import threadpool_limits

import skhptune

project = "skhptune"
author = "The skhptune developers"
copyright = "The skhptune developers"
release = skhptune.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

# Links to the scikit-learn, NumPy, SciPy and matplotlib documentation need their
# inventories from the web; the default build stays offline so that it passes
# with -W anywhere. SKHPTUNE_DOCS_INTERSPHINX=1 turns the links on.
if os.environ.get("SKHPTUNE_DOCS_INTERSPHINX") == "1":
    extensions.append("sphinx.ext.intersphinx")
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable", None),
        "scipy": ("https://docs.scipy.org/doc/scipy", None),
        "sklearn": ("https://scikit-learn.org/stable", None),
        "matplotlib": ("https://matplotlib.org/stable", None),
        "joblib": ("https://joblib.readthedocs.io/en/stable", None),
    }

templates_path = ["_templates"]
# examples/ holds the gallery sources; sphinx-gallery turns them into auto_examples/.
exclude_patterns = ["_build", "examples", "Thumbs.db", ".DS_Store", "auto_examples/*.ipynb"]
root_doc = "index"
nitpicky = False
default_role = "literal"

# API reference: one page per public class, built from the numpydoc docstrings.
autosummary_generate = True
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False

# Gallery: every example runs during the build and must finish quickly.
sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py",
    "doc_module": ("skhptune",),
    "backreferences_dir": "generated/backreferences",
    "download_all_examples": False,
    "remove_config_comments": True,
    "show_memory": False,
    "min_reported_time": 5,
    "abort_on_example_error": True,
}

# The examples fit small models: threaded BLAS would only add overhead (and
# oversubscribe a shared machine), so the build runs them with one thread.
threadpool_limits(limits=1)

# Examples run with the non-interactive backend.
os.environ.setdefault("MPLBACKEND", "Agg")

html_theme = "pydata_sphinx_theme"
html_title = f"skhptune {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 6,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_context = {"default_mode": "light"}
html_sidebars = {"index": [], "install": [], "getting_started": [], "changelog": [], "benchmarks": []}
html_show_sourcelink = False


# Docstrings inherited from scikit-learn (the properties of BaseSearchCV that
# numpydoc pulls into the Attributes sections) point into scikit-learn's glossary,
# and scikit-learn style shapes such as ``(n_features_in_,)`` read as link targets
# to docutils. Render both as plain text rather than failing the build.
_TERM = re.compile(r":term:`([^`<]*?)\s*(?:<([^>]*)>)?`")
_SHAPE = re.compile(r"shape \([^)]*\)")


def _plain_sklearn_markup(app, what, name, obj, options, lines):
    for i, line in enumerate(lines):
        line = _TERM.sub(lambda m: f"``{m.group(1).strip()}``", line)
        lines[i] = _SHAPE.sub(lambda m: re.sub(r"(\w)_(?=[,)\s])", r"\1\\_", m.group(0)), line)


def setup(app):
    app.connect("autodoc-process-docstring", _plain_sklearn_markup)
