"""One module per chapter of the book; one function per claim or figure.

Each function returns a frozen dataclass holding every number the chapter quotes, so the chapter
cells (which glue those numbers into the prose) and ``tests/test_claims.py`` (which asserts them)
read the same values from the same code.
"""
