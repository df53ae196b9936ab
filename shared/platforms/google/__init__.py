"""Google platform code that YouTube and Google Business Profile share (a family package: only they
import it, tests/test_layers.py)."""
