#!/usr/bin/env bash
# Builds the Python distribution (wheel and sdist) from the jsii assembly and checks it and the README's
# Python examples. Needs `npm run build` first (the .jsii assembly and the handler bundle), and Debian's
# python3-build and twine (`apt-get install python3-build twine`).
#
# Why not plain `jsii-pacmak --targets python`: it pip-installs its pinned build tools (setuptools~=75.3,
# build~=1.5, twine~=7.0) from PyPI, which this environment cannot reach. So pacmak only generates the
# code (--code-only) and Debian's setuptools, build and twine build and check it. The release pipeline,
# with PyPI, runs the real `jsii-pacmak --targets python` and uploads its output.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f .jsii ] && [ -f assets/handler/index.js ] || { echo 'no .jsii or handler bundle: run `npm run build` first' >&2; exit 1; }
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20   # Node.js 20 is supported here; see scripts/compile.mjs
PYTHON=/usr/bin/python3   # Debian's, where python3-build and twine are installed (not a pyenv one)

rm -rf .pacmak/python dist/python
# pacmak packs this package (npm pack) for the Python package to embed; ignore-scripts keeps prepack from
# building everything a second time. translate: the README's TypeScript examples become Python in the
# package's description, instead of TypeScript under a python fence.
npm_config_ignore_scripts=true npx jsii-pacmak --targets python --code-only --outdir .pacmak --rosetta-unknown-snippets translate
# The output folder must not be called build/: `python3 -m build` would import it as the build module.
"$PYTHON" -m build --no-isolation --skip-dependency-check --outdir dist/python .pacmak/python
"$PYTHON" -m twine check --strict dist/python/*
"$PYTHON" -m compileall -q .pacmak/python/src
# The embedded npm tarball is what the jsii kernel loads at run time: it needs the assembly and the handler.
embedded=$(tar -tzf .pacmak/python/src/cdk_apprunner_scheduler/_jsii/*.jsii.tgz)
for file in package/.jsii package/assets/handler/index.js; do
  grep -qxF "$file" <<<"$embedded" || { echo "the Python package's npm tarball has no ${file#package/}" >&2; exit 1; }
done
"$PYTHON" scripts/check-python-examples.py README.md .pacmak/python/src/cdk_apprunner_scheduler/__init__.py
ls -l dist/python
