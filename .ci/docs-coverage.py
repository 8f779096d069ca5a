"""Reads docc's documentation-coverage.json of every archive under the directory given and
fails (exit status 1) unless every symbol page (a module, type, member or function: the report's
`isSymbol` pages) has an abstract, listing those that have none. The pages docc makes up to
group a type's protocol implementations ("Equatable Implementations") are not symbols and have
no text of their own: they are counted in the first column, not checked.

Usage: python3 .ci/docs-coverage.py .build/plugins/Swift-DocC/outputs/intermediates
"""

import glob
import json
import os
import sys

root = sys.argv[1]
pages, symbols, missing = 0, 0, []
print(f"{'module':<16}{'pages':>7}{'symbols':>9}{'with abstract':>15}")
for path in sorted(glob.glob(os.path.join(root, "*.doccarchive", "documentation-coverage.json"))):
    module = os.path.basename(os.path.dirname(path)).removesuffix(".doccarchive")
    entries = json.load(open(path))
    documented = [e for e in entries if e.get("kind", {}).get("isSymbol", True)]
    lacking = [e for e in documented if not e.get("hasAbstract")]
    pages += len(entries)
    symbols += len(documented)
    missing += [(module, e) for e in lacking]
    share = 100 * (len(documented) - len(lacking)) / max(len(documented), 1)
    print(f"{module:<16}{len(entries):>7}{len(documented):>9}{share:>14.1f}%")
share = 100 * (symbols - len(missing)) / max(symbols, 1)
print(f"{'all':<16}{pages:>7}{symbols:>9}{share:>14.1f}%")
if symbols == 0:
    sys.exit(f"no documentation-coverage.json under {root}")
if missing:
    print(f"\n{len(missing)} pages without an abstract:")
    for module, entry in missing:
        kind = entry.get("kind", {}).get("name", "?")
        print(f"  {module}: {kind} {entry.get('referencePath') or entry.get('title')}")
    sys.exit(1)
