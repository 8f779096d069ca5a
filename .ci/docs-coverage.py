"""Reads docc's documentation-coverage.json of every archive under the directory given and
fails (exit status 1) unless every page has an abstract, listing the pages that have none.

Usage: python3 .ci/docs-coverage.py .build/plugins/Swift-DocC/outputs/intermediates
"""

import glob
import json
import os
import sys

root = sys.argv[1]
pages, missing = 0, []
print(f"{'module':<16}{'pages':>7}{'with abstract':>15}")
for path in sorted(glob.glob(os.path.join(root, "*.doccarchive", "documentation-coverage.json"))):
    module = os.path.basename(os.path.dirname(path)).removesuffix(".doccarchive")
    entries = json.load(open(path))
    lacking = [e for e in entries if not e.get("hasAbstract")]
    pages += len(entries)
    missing += [(module, e) for e in lacking]
    share = 100 * (len(entries) - len(lacking)) / max(len(entries), 1)
    print(f"{module:<16}{len(entries):>7}{share:>14.1f}%")
share = 100 * (pages - len(missing)) / max(pages, 1)
print(f"{'all':<16}{pages:>7}{share:>14.1f}%")
if pages == 0:
    sys.exit(f"no documentation-coverage.json under {root}")
if missing:
    print(f"\n{len(missing)} pages without an abstract:")
    for module, entry in missing:
        kind = entry.get("kind", {}).get("name", "?")
        print(f"  {module}: {kind} {entry.get('referencePath') or entry.get('title')}")
    sys.exit(1)
