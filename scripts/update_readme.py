"""Regenerate the README's rule table and rule examples from the rule metadata."""

import os
import sys

from goretain.rules.docs import update_readme

path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "README.md")
with open(path, encoding="utf-8") as fh:
    old = fh.read()
new = update_readme(old)
if new != old:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(new)
    print("README.md updated")
sys.exit(0)
