// sitegen search: queries the static index in search/index/ (written by sitegen/search_index.py).
// Every word of the query must match (the last one as a prefix, so results come while typing);
// a match in the title, an author or the organization ranks above one in the abstract only,
// then newer papers first. Nothing leaves the site: the index is plain JSON beside this page.
(() => {
  "use strict";
  const form = document.getElementById("search-form");
  if (!form) return;
  const input = form.querySelector("input[name=q]");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const more = document.getElementById("search-more");
  const indexBase = new URL(form.dataset.index, document.baseURI);
  const siteRoot = new URL(form.dataset.root, document.baseURI);
  const PAGE = 20;
  const files = new Map();
  let results = [];
  let shown = 0;
  let generation = 0;

  const getJSON = (url) => {
    const key = String(url);
    if (!files.has(key)) {
      files.set(key, fetch(key).then((response) => {
        if (response.status === 404) return null; // no word of the index starts this way
        if (!response.ok) throw new Error(`${response.status} for ${key}`);
        return response.json();
      }));
    }
    return files.get(key);
  };
  const manifest = () => getJSON(new URL("manifest.json", indexBase));

  // The same normalization as the indexer: lower case, NFKD, no combining accents.
  const normalize = (text) => text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  const shardKey = (word) => [...word].slice(0, 2).map((c) => (/^[a-z0-9]$/.test(c) ? c : "_" + c.codePointAt(0).toString(16))).join("");

  const queryTerms = (query, info) => {
    const stop = new Set(info.stopwords);
    const words = normalize(query).match(/[\p{L}\p{N}]+/gu) || [];
    const terms = [];
    for (const word of words) {
      const length = [...word].length;
      if (length >= info.min_word && length <= info.max_word && !stop.has(word) && !terms.includes(word)) terms.push(word);
    }
    return terms;
  };

  // doc -> strong? for one term in one chunk (the last term matches as a prefix).
  const termDocs = async (chunkURL, term, prefix) => {
    const shard = await getJSON(new URL(`t/${shardKey(term)}.json`, chunkURL));
    const docs = new Map();
    if (!shard) return docs;
    const words = prefix ? Object.keys(shard).filter((word) => word.startsWith(term)) : (term in shard ? [term] : []);
    for (const word of words) {
      let value = 0;
      for (const delta of shard[word]) {
        value += delta;
        const doc = value >> 1;
        docs.set(doc, docs.get(doc) || (value & 1) === 1);
      }
    }
    return docs;
  };

  const searchChunk = async (chunk, chunkIndex, terms) => {
    const chunkURL = new URL(`${chunk.dir}/`, indexBase);
    const perTerm = await Promise.all(terms.map((term, i) => termDocs(chunkURL, term, i === terms.length - 1)));
    perTerm.sort((a, b) => a.size - b.size);
    const found = [];
    for (const [doc, strong] of perTerm[0]) {
      let score = strong ? 3 : 1;
      let all = true;
      for (const other of perTerm.slice(1)) {
        if (!other.has(doc)) { all = false; break; }
        score += other.get(doc) ? 3 : 1;
      }
      if (all) found.push({ chunkURL, chunkIndex, doc, score });
    }
    return found;
  };

  const describe = async (hit, block) => {
    const docs = await getJSON(new URL(`d/${Math.floor(hit.doc / block)}.json`, hit.chunkURL));
    return docs[hit.doc % block];
  };

  const renderMore = async (info, mine) => {
    const page = results.slice(shown, shown + PAGE);
    const entries = await Promise.all(page.map((hit) => describe(hit, info.block)));
    if (mine !== generation) return;
    for (const [arxivId, title, day, authors, org, teaser] of entries) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = new URL(`papers/${arxivId}/`, siteRoot).href;
      link.textContent = title;
      const meta = document.createElement("p");
      const time = document.createElement("time");
      time.dateTime = day;
      time.textContent = day;
      meta.append(time, ` · ${authors}${org ? ` · ${org}` : ""}`);
      item.append(link, meta);
      if (teaser) {
        const text = document.createElement("p");
        text.className = "teaser";
        text.textContent = teaser;
        item.append(text);
      }
      list.append(item);
    }
    shown += page.length;
    more.hidden = shown >= results.length;
  };

  const run = async (query) => {
    const mine = ++generation;
    const info = await manifest();
    const terms = queryTerms(query, info);
    if (mine !== generation) return;
    list.replaceChildren();
    results = [];
    shown = 0;
    more.hidden = true;
    if (!terms.length) {
      status.textContent = query.trim() ? "Type a longer or more specific word." : "";
      return;
    }
    const chunks = info.chunks.map((chunk, index) => searchChunk(chunk, index, terms));
    const found = (await Promise.all(chunks)).flat();
    if (mine !== generation) return;
    found.sort((a, b) => b.score - a.score || b.chunkIndex - a.chunkIndex || b.doc - a.doc);
    results = found;
    const count = found.length;
    status.textContent = count ? `${count} paper${count === 1 ? "" : "s"} found.` : `No paper matches “${query.trim()}”.`;
    await renderMore(info, mine);
  };

  const safely = (promise) => promise.catch((error) => {
    status.textContent = "Search is unavailable right now: the index could not be loaded.";
    console.error(error);
  });

  let timer = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const url = new URL(window.location.href);
      if (input.value) url.searchParams.set("q", input.value); else url.searchParams.delete("q");
      history.replaceState(null, "", url);
      safely(run(input.value));
    }, 150);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    const url = new URL(window.location.href);
    url.searchParams.set("q", input.value);
    history.replaceState(null, "", url);
    safely(run(input.value));
  });
  more.addEventListener("click", () => safely(manifest().then((info) => renderMore(info, generation))));

  const initial = new URLSearchParams(window.location.search).get("q");
  if (initial) {
    input.value = initial;
    safely(run(initial));
  }
})();
