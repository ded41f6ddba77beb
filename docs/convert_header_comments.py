"""Turn the `//` comments that document declarations in the public headers into Doxygen's `///` (and trailing
`//` into `///<`), so the C++ reference (docs/build.sh) shows them. Idempotent; touches nothing else:

- a block of `//` lines directly above a declaration (no blank line between) at namespace or class scope becomes
  `///`; a block above a preprocessor line, an access specifier, a closing brace or a blank line stays as it is
  (file headers, section notes);
- a `//` comment after the code on a declaration line at namespace or class scope (members, enumerators,
  parameters) becomes `///<`;
- comments inside function bodies, initialisers and lambdas are never changed.

    python docs/convert_header_comments.py [--check] [include/kinemyo]

--check changes nothing and exits 1 if a file would change (for CI or a pre-commit hook).
"""

from __future__ import annotations

import argparse
import pathlib
import re
import sys

TYPE_SCOPE = re.compile(r"^\s*(?:inline\s+)?(?:namespace|class|struct|union|enum)\b|^\s*extern\s+\"C\"")
ACCESS = re.compile(r"^\s*(?:public|private|protected)\s*:\s*$")
TEMPLATE_HEAD = re.compile(r"^\s*template\s*<")


def _split_code_comment(line: str) -> tuple[str, str | None]:
    """(code, comment) where comment is the text from the first `//` outside a string or character literal."""
    quote = None
    i = 0
    while i < len(line):
        c = line[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == quote:
                quote = None
        elif c in "\"'":
            # a digit separator (1'000) is not a character literal
            if c == "'" and i > 0 and line[i - 1].isalnum() and i + 1 < len(line) and line[i + 1].isalnum():
                i += 1
                continue
            quote = c
        elif line.startswith("//", i):
            return line[:i], line[i:]
        i += 1
    return line, None


def _strip_template_head(statement: str) -> str:
    """The statement without a leading `template <...>` (whose `class T` is not a class declaration)."""
    m = TEMPLATE_HEAD.match(statement)
    if not m:
        return statement
    depth, i = 0, m.end() - 1
    while i < len(statement):
        depth += statement[i] == "<"
        depth -= statement[i] == ">"
        if depth == 0:
            return _strip_template_head(statement[i + 1:])
        i += 1
    return statement


def convert(text: str) -> str:
    lines = text.split("\n")
    out = list(lines)
    scopes: list[bool] = []          # True: namespace/class scope (declarations), False: a body of code
    statement = ""                   # code of the current statement so far (for classifying a `{`)
    block: list[int] = []            # indices of the pending `//` block at declaration scope
    in_declaration_scope = True

    def flush(next_line: str | None):
        """The pending block documents `next_line` if that is a declaration: convert it."""
        if block and next_line is not None:
            stripped = next_line.strip()
            declaration = (stripped and not stripped.startswith(("#", "}", "//")) and not ACCESS.match(next_line))
            if declaration:
                for k in block:
                    indent, rest = re.match(r"^(\s*)//(.*)$", out[k]).groups()
                    out[k] = f"{indent}///{rest}"
        block.clear()

    trail: tuple[int, bool] | None = None  # column of the last line's trailing comment, and whether it was converted
    for n, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("//"):
            column = line.index("//")
            if trail is not None and column == trail[0]:
                # the trailing comment of the line above, continued in the same column: same member
                if trail[1] and not stripped.startswith("///"):
                    out[n] = line[:column] + "///<" + line[column + 2:]
                continue
            trail = None
            if in_declaration_scope and not stripped.startswith("///"):
                block.append(n)
            else:
                block.clear()
            continue
        trail = None
        flush(line if in_declaration_scope else None)
        if stripped.startswith("#"):
            statement = ""
            continue
        if ACCESS.match(line):
            statement = ""
            continue
        code, comment = _split_code_comment(line)
        if comment is not None and code.strip():
            convert_trailing = (in_declaration_scope and not comment.startswith("///")
                                and not code.rstrip().endswith(("{", "}", "};")))
            if convert_trailing:
                out[n] = code + "///<" + comment[2:]
            trail = (len(code), convert_trailing or comment.startswith("///<"))
        for c in code:
            if c == "{":
                scopes.append(in_declaration_scope and bool(TYPE_SCOPE.match(_strip_template_head(statement + " "))))
                in_declaration_scope = scopes[-1]
                statement = ""
            elif c == "}":
                if scopes:
                    scopes.pop()
                in_declaration_scope = scopes[-1] if scopes else True
                statement = ""
            elif c == ";":
                statement = ""
            else:
                statement += c
        statement += " "
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", nargs="?", default=str(pathlib.Path(__file__).resolve().parents[1] / "include"))
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file would change")
    args = parser.parse_args(argv)
    changed = []
    for path in sorted(pathlib.Path(args.root).rglob("*.hpp")):
        text = path.read_text(encoding="utf-8")
        new = convert(text)
        if new != text:
            changed.append(path)
            if not args.check:
                path.write_text(new, encoding="utf-8")
    for path in changed:
        print(("would convert " if args.check else "converted ") + str(path))
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
