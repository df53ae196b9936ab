"""Local fakes of the platforms APIs (see core.py)."""
