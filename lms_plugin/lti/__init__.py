"""LTI 1.3 Advantage: the only package that imports the LTI library."""
