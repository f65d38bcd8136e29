"""Plan Annotator: code plan documents clause by clause.

The version below is the single source of truth: pyproject reads it, ``annotator --version``
prints it and exports record it in their provenance.
"""

__version__ = "0.1.0"
