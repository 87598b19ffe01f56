"""Search latency and transfer in Chromium at a simulated "Fast 3G", on a large index.

    python3 benchmarks/search_latency.py --index /tmp/s100k/site/search/index [--runs 3]
    (make the index: python3 benchmarks/make_archive.py 100000 --out /tmp/s100k/data, then
     sitegen.search.index.write_search_index over that store, or `sitegen build`)

Builds the real search page from a small store (three saved Hugging Face days), points its
`search/index/` at the given index, and serves it from 127.0.0.1 with gzip for text files, as
GitHub Pages does (HTTP/1.1 here; Pages speaks HTTP/2, which lets more requests run at once).
Debian's Chromium, driven by playwright, has its network throttled over CDP to DevTools' "Fast
3G" (562.5 ms latency, 1.44 Mbit/s down, 675 kbit/s up). For each query, in a fresh browser
context (cold cache): open search/, wait for the page to load, type the query at 8 keys a second,
and record, from the page's own clock, the first keystroke, the last one, and when the first
result and the final results appear; and the bytes transferred (gzip-encoded, as CDP counts
them) after the first keystroke. Then the same query again in a new page of the same context
(warm: files in the HTTP cache) and a second query in the same page.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from real_archive import fill_store, write_config  # noqa: E402

FAST_3G = {"offline": False, "latency": 562.5, "downloadThroughput": 1_440_000 / 8, "uploadThroughput": 675_000 / 8}
QUERIES = [
    "low-rank adaptation vision transformer",
    "mixture of experts routing collapse",
    "diffusion model video generation",
    "reinforcement learning reasoning",
]
KEY_DELAY = 125  # ms between keys
WATCH = """() => {
  window.__t = {};
  const box = document.getElementById('q');
  box.addEventListener('keydown', () => { window.__t.first ??= performance.now(); window.__t.last = performance.now(); });
  const list = document.getElementById('search-results');
  new MutationObserver(() => {
    if (list.children.length) { window.__t.shown ??= performance.now(); }
    if (list.dataset.query === box.value) window.__t.latest = performance.now();
  }).observe(list, { childList: true, attributes: true });
}"""


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            self.send_error(404)
            return None
        body = path.read_bytes()
        kind = {".json": "application/json", ".js": "text/javascript", ".html": "text/html", ".css": "text/css"}.get(path.suffix)
        self.send_response(200)
        if kind:
            body = gzip.compress(body, 6, mtime=0)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Type", kind or "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        import io

        return io.BytesIO(body)


def build_page(folder: Path, index: Path) -> Path:
    fill_store(folder / "data", limit_days=3)
    config = write_config(folder)
    subprocess.run([sys.executable, "-m", "sitegen", "--config", str(config), "build"], check=True, cwd=REPO, capture_output=True)
    output = folder / "output"
    shutil.rmtree(output / "search" / "index")
    (output / "search" / "index").symlink_to(index.resolve())
    return output


def measure(browser, url: str, query: str, second: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", FAST_3G)
    sizes: dict[str, float] = {}
    counting = {"on": False, "bytes": 0.0, "requests": 0}

    def finished(event: dict) -> None:
        if counting["on"]:
            counting["bytes"] += event["encodedDataLength"]
            counting["requests"] += 1

    cdp.on("Network.loadingFinished", finished)
    page.goto(url + "search/", wait_until="load")
    page.wait_for_function("window.SitegenSearch !== undefined")
    page.evaluate(WATCH)
    counting["on"] = True
    page.locator("#q").press_sequentially(query, delay=KEY_DELAY)
    done = "(q) => document.getElementById('search-results').dataset.query === q"
    page.wait_for_function(done, arg=query, timeout=120_000)
    times = page.evaluate("window.__t")
    sizes["cold_first_results_after_first_key_ms"] = times["shown"] - times["first"]
    sizes["cold_all_results_after_last_key_ms"] = times["latest"] - times["last"]
    sizes["cold_kb"] = counting["bytes"] / 1000
    sizes["cold_requests"] = counting["requests"]
    # Warm: a new page in the same context (the HTTP cache holds the files), the same query.
    warm = context.new_page()
    cdp2 = context.new_cdp_session(warm)
    cdp2.send("Network.emulateNetworkConditions", FAST_3G)
    warm.goto(url + "search/", wait_until="load")
    warm.evaluate(WATCH)
    warm.locator("#q").fill(query[:-1])
    warm.wait_for_function(done, arg=query[:-1], timeout=60_000)
    warm.evaluate("window.__t = {}")
    warm.locator("#q").press(query[-1])
    warm.wait_for_function(done, arg=query, timeout=60_000)
    times = warm.evaluate("window.__t")
    sizes["warm_results_after_key_ms"] = times["latest"] - times["last"]
    # Same page, a second query (its words' files are new): what a reader meets next.
    page.evaluate("window.__t = {}")
    page.locator("#q").fill("")
    page.locator("#q").press_sequentially(second, delay=KEY_DELAY)
    page.wait_for_function(done, arg=second, timeout=120_000)
    times = page.evaluate("window.__t")
    sizes["next_query_all_results_after_last_key_ms"] = times["latest"] - times["last"]
    context.close()
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as temp:
        output = build_page(Path(temp), args.index)
        handler = lambda *a, **k: GzipHandler(*a, directory=str(output), **k)  # noqa: E731
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
                rows = []
                for _run in range(args.runs):
                    for i, query in enumerate(QUERIES):
                        row = measure(browser, url, query, QUERIES[(i + 1) % len(QUERIES)])
                        rows.append(row)
                        print(f"{query!r}: " + ", ".join(f"{k} {v:.0f}" for k, v in row.items()), flush=True)
                browser.close()
        finally:
            server.shutdown()
    print("\nmedians over", len(rows), "runs:")
    for key in rows[0]:
        print(f"  {key}: {statistics.median(r[key] for r in rows):.0f}")


if __name__ == "__main__":
    main()
