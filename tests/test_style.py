"""Size limits of the code: no function over 50 lines of code, no module over 500 lines.

Counted in ``core/``, ``ui/`` and ``streamlit_app.py``. A function's code lines
are its lines (nested functions included) less its docstring, blank lines and
comment-only lines; a module's are all its lines.
"""

from __future__ import annotations

import ast
import io
import tokenize

from tests.conftest import ROOT

MAX_FUNCTION_LINES = 50
MAX_MODULE_LINES = 500
SOURCES = sorted([*ROOT.glob("core/*.py"), *ROOT.glob("ui/*.py"), ROOT / "streamlit_app.py"])

_NOT_CODE = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
             tokenize.ENCODING, tokenize.ENDMARKER}


def code_lines(source: str) -> set[int]:
    """Numbers of the lines that hold code: not blank, not only a comment."""
    lines = set()
    for tok in tokenize.tokenize(io.BytesIO(source.encode()).readline):
        if tok.type not in _NOT_CODE:
            lines.update(range(tok.start[0], tok.end[0] + 1))
    return lines


def function_sizes(source: str) -> dict[str, int]:
    """Code lines of every function and method (``Class.method``), docstrings left out."""
    code, sizes = code_lines(source), {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = prefix + child.name
                span = set(range(child.lineno, child.end_lineno + 1))
                doc = child.body[0]
                if ast.get_docstring(child, clean=False) is not None:
                    span -= set(range(doc.lineno, doc.end_lineno + 1))
                sizes[name] = len(span & code)
                visit(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                visit(child, prefix + child.name + ".")
            else:
                visit(child, prefix)

    visit(ast.parse(source), "")
    return sizes


def offenders() -> dict[str, int]:
    """``"path"`` or ``"path: function"`` -> its size, for everything over the limits."""
    found = {}
    for path in SOURCES:
        source, rel = path.read_text(), path.relative_to(ROOT).as_posix()
        if len(source.splitlines()) > MAX_MODULE_LINES:
            found[rel] = len(source.splitlines())
        for name, size in function_sizes(source).items():
            if size > MAX_FUNCTION_LINES:
                found[f"{rel}: {name}"] = size
    return found


def test_no_function_or_module_is_too_long():
    over = offenders()
    assert not over, (
        f"over {MAX_FUNCTION_LINES} code lines (a function) or {MAX_MODULE_LINES} lines "
        f"(a module): {over}"
    )


def test_the_count_leaves_out_docstrings_comments_and_blank_lines():
    source = '''
def f(x):
    """Doc.

    More doc.
    """
    # a comment

    y = (x +
         1)
    return y
'''
    assert function_sizes(source) == {"f": 4}
