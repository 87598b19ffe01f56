// sitegen search page: runs static/search-core.js over the index in search/index/ as you type
// and shows the ranked papers with the matched words highlighted. Nothing leaves the site: the
// index is plain JSON beside this page, fetched a few files at a time.
(() => {
  "use strict";
  const form = document.getElementById("search-form");
  if (!form || !window.SitegenSearch) return;
  const core = window.SitegenSearch;
  const input = form.querySelector("input[name=q]");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const more = document.getElementById("search-more");
  const indexBase = new URL(form.dataset.index, document.baseURI);
  const siteRoot = new URL(form.dataset.root, document.baseURI);
  const PAGE = 20;
  const searcher = core.createSearcher((path, priority) => fetch(new URL(path, indexBase), priority ? { priority } : {}).then((response) => {
    if (response.status === 404) return null; // no word of the index is in that file
    if (!response.ok) throw new Error(`${response.status} for ${path}`);
    return response.json();
  }));
  let results = { hits: [], words: new Set(), query: "" };
  let shown = 0;
  let generation = 0;

  // Text with the matched words in <mark>, built as DOM nodes (never as HTML).
  const marked = (element, text, info) => {
    for (const [piece, hit] of core.highlight(text, results.words, info)) {
      if (!hit) { element.append(piece); continue; }
      const mark = document.createElement("mark");
      mark.textContent = piece;
      element.append(mark);
    }
    return element;
  };

  const renderMore = async (mine) => {
    const info = await searcher.manifest();
    const page = results.hits.slice(shown, shown + PAGE);
    // Every row is asked for at once, and each is shown as soon as it and those above it came.
    const entries = page.map((hit) => searcher.describe(hit));
    // Unless another key is waiting, the rows of the page after, at low priority: the next key's
    // best results are mostly among them (its word's files came with this search: see
    // search-core.js), so they show without waiting for a file, and so does "More". A row that
    // cannot be read now is asked for again when shown.
    if (pending === null) {
      for (const hit of results.hits.slice(shown + PAGE, shown + 2 * PAGE)) searcher.describe(hit, "low").catch(() => {});
    }
    for (const entry of entries) {
      const [arxivId, title, day, authors, org, teaser] = await entry;
      if (mine !== generation) return;
      const item = document.createElement("li");
      const link = marked(document.createElement("a"), title, info);
      link.href = new URL(`papers/${arxivId}/`, siteRoot).href;
      const meta = document.createElement("p");
      const time = document.createElement("time");
      time.dateTime = day;
      time.textContent = day;
      meta.append(time);
      if (authors) { meta.append(" · "); marked(meta, authors, info); } // the head's rows have none
      if (org) { meta.append(" · "); marked(meta, org, info); }
      item.append(link, meta);
      if (teaser) {
        const text = marked(document.createElement("p"), teaser, info);
        text.className = "teaser";
        item.append(text);
      }
      list.append(item);
    }
    shown += page.length;
    more.hidden = shown >= results.hits.length;
    list.dataset.query = results.query; // what the list shows (read by tests and benchmarks)
  };

  const run = async (query) => {
    const mine = ++generation;
    const found = await searcher.search(query);
    if (mine !== generation) return;
    list.replaceChildren();
    results = { ...found, query };
    shown = 0;
    more.hidden = true;
    const count = found.total; // every match; the best KEEP of them can be paged through
    if (found.problems.length) status.textContent = found.problems.join("; ") + ".";
    else if (found.empty) status.textContent = query.trim() ? "Type a longer or more specific word." : "";
    else if (found.head && count) status.textContent = `The best ${count} for words starting with “${query.trim()}”: type more to see every match.`;
    else status.textContent = count ? `${count} paper${count === 1 ? "" : "s"} found.` : `No paper matches “${query.trim()}”.`;
    await renderMore(mine);
  };

  const safely = (promise) => promise.catch((error) => {
    status.textContent = "Search is unavailable right now: the index could not be loaded.";
    console.error(error);
  });

  const remember = () => {
    const url = new URL(window.location.href);
    if (input.value) url.searchParams.set("q", input.value); else url.searchParams.delete("q");
    history.replaceState(null, "", url);
  };
  // One search at a time, the newest query next: a key typed while a search runs waits for it,
  // and keys typed meanwhile are merged into one search (so typing fast does not queue a fetch
  // per key), while a key typed when nothing runs is answered at once.
  let running = false;
  let pending = null;
  const request = (query) => {
    pending = query;
    if (running) return;
    running = true;
    (async () => {
      while (pending !== null) {
        const next = pending;
        pending = null;
        await safely(run(next));
        remember(); // after the results: replacing the address takes a frame's worth of time
      }
      running = false;
    })();
  };
  input.addEventListener("input", () => request(input.value));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    request(input.value);
  });
  more.addEventListener("click", () => safely(renderMore(generation)));

  const initial = new URLSearchParams(window.location.search).get("q");
  if (initial) {
    input.value = initial;
    request(initial);
  } else {
    // Fetch the manifest and the head while the reader starts typing (the page preloads both):
    // the first keys are answered without a request, and later ones need one round trip fewer.
    safely(Promise.all([searcher.manifest(), searcher.head()]));
  }
})();
