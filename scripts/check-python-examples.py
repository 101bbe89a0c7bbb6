"""Checks the ```python examples of a Markdown file against the generated Python module.

A Python CDK app cannot be installed here (aws-cdk-lib, constructs and jsii for Python come only from
PyPI), so the examples cannot run. What can be checked without them, and is checked: each example
compiles; every name it imports from the module exists in it; every keyword argument it passes to one
of the module's classes is a parameter of that class; every `Enum.MEMBER` it reads exists.

Usage: check-python-examples.py README.md path/to/cdk_apprunner_scheduler/__init__.py
"""
import ast
import re
import sys

MODULE = "cdk_apprunner_scheduler"


def python_blocks(markdown_path):
    """(line of the opening fence, code) of every ```python block."""
    text = open(markdown_path, encoding="utf-8").read()
    for match in re.finditer(r"^```python[^\n]*\n(.*?)^```\s*$", text, re.MULTILINE | re.DOTALL):
        yield text.count("\n", 0, match.start()) + 1, match.group(1)


def module_api(module_path):
    """{class name: set of keyword parameters of __init__, or of enum members}."""
    tree = ast.parse(open(module_path, encoding="utf-8").read())
    api = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef) or node.name.startswith("_"):
            continue
        names = set()
        for item in node.body:
            if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                names |= {a.arg for a in item.args.args + item.args.kwonlyargs}
            elif isinstance(item, ast.Assign):
                names |= {t.id for t in item.targets if isinstance(t, ast.Name)}
        api[node.name] = names
    return api


def problems_of(code, api):
    tree = ast.parse(code)
    imported = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == MODULE:
            for alias in node.names:
                if alias.name not in api:
                    yield f"imports {alias.name}, which {MODULE} does not have"
                imported[alias.asname or alias.name] = alias.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in imported:
            cls = imported[node.func.id]
            for keyword in node.keywords:
                if keyword.arg is not None and keyword.arg not in api.get(cls, set()):
                    yield f"line {node.lineno}: {cls}(...) has no parameter {keyword.arg}"
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in imported:
            cls = imported[node.value.id]
            if node.attr.isupper() and node.attr not in api.get(cls, set()):
                yield f"line {node.lineno}: {cls} has no member {node.attr}"


def main(markdown_path, module_path):
    api = module_api(module_path)
    blocks = list(python_blocks(markdown_path))
    if not blocks:
        sys.exit(f"{markdown_path} has no ```python example")
    failed = False
    for line, code in blocks:
        try:
            compile(code, f"{markdown_path}:{line}", "exec")
            found = list(problems_of(code, api))
        except SyntaxError as error:
            found = [f"does not compile: {error}"]
        for problem in found:
            print(f"{markdown_path}:{line}: {problem}", file=sys.stderr)
        failed = failed or bool(found)
    if failed:
        sys.exit(1)
    print(f"{len(blocks)} Python example(s) in {markdown_path} compile and match {MODULE}'s API")


if __name__ == "__main__":
    main(*sys.argv[1:])
