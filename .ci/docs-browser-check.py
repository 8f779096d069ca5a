"""The browser check of the documentation site (see .ci/docs-browser-check).

Usage: python3 .ci/docs-browser-check.py BROWSER SITE [--screenshot FILE]
"""

import html
import http.server
import re
import socketserver
import subprocess
import sys
import tempfile
import threading

browser, site = sys.argv[1], sys.argv[2]
screenshot = sys.argv[sys.argv.index("--screenshot") + 1] if "--screenshot" in sys.argv else None

# Each page, the title it must show, and a sentence of its body text (from its source:
# the catalog's Markdown or the symbol's doc comment), all of which DocC's JavaScript renders.
PAGES = [
    ("", "Residual", "twelve runnable lessons on a CPU tensor core"),  # the root redirects
    ("documentation/residual", "Residual",
     "twelve runnable lessons on a CPU tensor core"),
    ("documentation/resnetmodels/basicblock", "BasicBlock",
     "two 3x3 convolutions, each followed by batch norm"),
    ("documentation/residual/gradienthighway", "The gradient highway",
     "The first term is the upstream gradient itself, untouched by F."),
]


class Quiet(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=site, **kwargs)

    def log_message(self, *args):
        pass


server = socketserver.TCPServer(("127.0.0.1", 0), Quiet)
port = server.server_address[1]
threading.Thread(target=server.serve_forever, daemon=True).start()
profile = tempfile.mkdtemp(prefix="docs-browser-")
flags = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         f"--user-data-dir={profile}", "--virtual-time-budget=15000"]


def visible_text(dom):
    """The text a reader sees: scripts, styles and tags removed, whitespace collapsed."""
    dom = re.sub(r"<(script|style|noscript)\b.*?</\1>", " ", dom, flags=re.S | re.I)
    dom = re.sub(r"<wbr\b[^>]*>", "", dom, flags=re.I)  # word-break hints inside long names
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", dom))).strip()


failures = 0
for path, title, sentence in PAGES:
    url = f"http://127.0.0.1:{port}/{path}/" if path else f"http://127.0.0.1:{port}/"
    dom = subprocess.run(flags + ["--dump-dom", url], capture_output=True, text=True,
                         timeout=120).stdout
    text = visible_text(dom)
    rendered = re.sub(r"<noscript\b.*?</noscript>", " ", dom, flags=re.S | re.I)
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", rendered, flags=re.S)
    shown_title = visible_text(heading.group(1)) if heading else ""
    ok_title = shown_title == title
    ok_body = sentence in text
    print(f"{'ok' if ok_title and ok_body else 'FAIL'}  /{path}/: title {shown_title!r}"
          f"{'' if ok_title else f' (expected {title!r})'}, body text "
          f"{'found' if ok_body else f'missing {sentence!r}'} ({len(text)} characters shown)")
    failures += not (ok_title and ok_body)

if screenshot:
    subprocess.run(flags + ["--hide-scrollbars", "--window-size=1280,1400",
                            f"--screenshot={screenshot}",
                            f"http://127.0.0.1:{port}/documentation/residual/"],
                   capture_output=True, timeout=120, check=True)
    print(f"screenshot of the landing page: {screenshot}")
server.shutdown()
sys.exit(1 if failures else 0)
