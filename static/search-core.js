// sitegen search core: reads a query, loads the few index files it needs and ranks papers by
// BM25F (see sitegen/search/chunk.py for the files). No page and no network here: `load(path)`
// is given by the caller, so the same code runs in the page (static/search.js, with fetch) and
// under node (benchmarks/search_quality.py and the tests, with the files on disk).
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.SitegenSearch = factory();
})(typeof self !== "undefined" ? self : globalThis, function () {
  "use strict";
  // The same cutting as sitegen/search/text.py (tests/test_search_ranking.py checks they agree).
  const MARKS = /[\u0300-\u036f]/g;
  const WORD = /[\p{L}\p{N}]+/gu;
  const CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff";
  const CJK_SPLIT = new RegExp(`([${CJK}]+)`, "u");
  const CJK_RUN = new RegExp(`^[${CJK}]+$`, "u");
  const LETTERS = /^[a-z]+$/;
  const PREFIX_WEIGHT = 0.5; // a longer word that starts with the word being typed counts this much
  const PREFIX_WORDS = 24; // at most this many completions of the word being typed, the most frequent
  const FILTER = /(^|\s)(author|org|year|date):("[^"]*"?|\S*)/gi;

  const normalize = (text) => text.toLowerCase().normalize("NFKD").replace(MARKS, "").replace(/ς/g, "σ");
  const fold = (word) => {
    if (word.length < 4 || !LETTERS.test(word)) return word;
    if (word.endsWith("ies") && word.length > 4) return word.slice(0, -3) + "y";
    if (["sses", "xes", "ches", "shes", "zzes"].some((end) => word.endsWith(end))) return word.slice(0, -2);
    if (["ss", "us", "is"].some((end) => word.endsWith(end)) || !word.endsWith("s")) return word;
    return word.slice(0, -1);
  };

  // [term or null, raw word] for each position of `text` (null: stop word, too short or long).
  const stopSets = new WeakMap(); // one Set of stop words per manifest, not one per call
  const positioned = (text, info) => {
    let stop = stopSets.get(info);
    if (!stop) stopSets.set(info, (stop = new Set(info.stopwords)));
    const found = [];
    for (const run of normalize(text).match(WORD) || []) {
      for (const part of run.split(CJK_SPLIT)) {
        if (!part) continue;
        const chars = [...part];
        if (CJK_RUN.test(part)) {
          if (chars.length === 1) found.push([part, part]);
          else for (let i = 0; i + 1 < chars.length; i++) found.push([chars[i] + chars[i + 1], chars[i] + chars[i + 1]]);
        } else {
          const ok = chars.length >= info.min_word && chars.length <= info.max_word && !stop.has(part);
          found.push([ok ? fold(part) : null, part]);
        }
      }
    }
    return found;
  };
  const terms = (text, info) => positioned(text, info).map(([term]) => term).filter((term) => term !== null);

  const shardKey = (term, splits) => {
    const chars = [...term];
    let length = 1;
    while (splits.has(chars.slice(0, length).join("")) && chars.length > length) length++;
    return chars.slice(0, length).join("");
  };
  const fileName = (key) => [...key].map((c) => (/^[a-z0-9]$/.test(c) ? c : "_" + c.codePointAt(0).toString(16))).join("");

  // year:2024, year:2023..2025, date:2024-05, date:2024-05-01..2024-06-30 -> [from, to] as
  // strings that compare like dates ("2024-05" ends at "2024-05-99").
  const dateRange = (name, value) => {
    const shape = name === "year" ? /^\d{4}$/ : /^\d{4}(-\d{2}(-\d{2})?)?$/;
    const [from, to = from, ...rest] = value.split("..");
    if (rest.length || (from && !shape.test(from)) || (to && !shape.test(to)) || (!from && !to)) return null;
    return [from || "0000", to ? to + "-99-99".slice(to.length - 4) : "9999"];
  };

  // The query: free words (any may match), quoted phrases (every word, in order), filters.
  const parse = (query, info) => {
    const filters = { authors: [], orgs: [], from: "0000", to: "9999" };
    const problems = [];
    let rest = query.replace(FILTER, (whole, space, name, value) => {
      name = name.toLowerCase();
      const text = value.replace(/"/g, "");
      if (!text) return space;
      if (name === "author" || name === "org") {
        (name === "author" ? filters.authors : filters.orgs).push(...terms(text, info));
      } else {
        const range = dateRange(name, text);
        if (!range) problems.push(`${name}:${text} is not a ${name === "year" ? "year (2024 or 2023..2025)" : "date (2024-05, 2024-05-01 or 2024-05..2024-07)"}`);
        else { filters.from = range[0] > filters.from ? range[0] : filters.from; filters.to = range[1] < filters.to ? range[1] : filters.to; }
      }
      return space;
    });
    // The word being typed (no space or closing quote after it) matches as a prefix.
    const typing = /[\p{L}\p{N}]$/u.test(query);
    const phrases = [];
    const slots = [];
    const addWords = (text, phrase) => {
      const words = positioned(text, info);
      words.forEach(([term, raw], offset) => {
        if (term === null) return;
        const slot = { term, raw, prefix: false, phrase, offset };
        slots.push(slot);
        if (phrase !== null) phrases[phrase].push(slot);
      });
    };
    rest = rest.replace(/"([^"]*)("|$)/g, (whole, inner) => {
      if (positioned(inner, info).filter(([term]) => term !== null).length > 1) {
        phrases.push([]);
        addWords(inner, phrases.length - 1);
      } else addWords(inner, null);
      return " ";
    });
    addWords(rest, null);
    if (typing && !/(^|\s)(author|org|year|date):\S*$/i.test(query) && !query.trimEnd().endsWith('"')) {
      const last = positioned(query, info).pop();
      const slot = slots.length && last ? slots[slots.length - 1] : null;
      if (slot && slot.raw === last[1]) slot.prefix = true;
      else if (last && [...last[1]].length >= 2 && !CJK_RUN.test(last[1])) {
        // A stop word or short word being typed: only its completions.
        slots.push({ term: null, raw: last[1], prefix: true, phrase: null, offset: 0 });
      }
    }
    return { slots, phrases, filters, problems };
  };

  // A term's postings as typed arrays, decoded once per list (the parsed file is kept).
  const decoded = new WeakMap();
  const decodePostings = (values) => {
    let found = decoded.get(values);
    if (!found) {
      const docs = new Int32Array(values.length);
      const qs = new Uint8Array(values.length);
      let doc = 0;
      for (let k = 0; k < values.length; k++) {
        doc += Math.floor(values[k] / 32);
        docs[k] = doc;
        qs[k] = values[k] % 32;
      }
      found = { docs, qs };
      decoded.set(values, found);
    }
    return found;
  };
  const decodeDocs = (values) => {
    const docs = new Set();
    let doc = 0;
    for (const delta of values) docs.add((doc += delta));
    return docs;
  };
  // Results kept, best first, for showing and paging; the count covers every match.
  const KEEP = 500;
  const idf = (papers, df) => Math.log(1 + (papers - df + 0.5) / (df + 0.5));

  function createSearcher(load) {
    const files = new Map();
    const get = (path) => {
      if (!files.has(path)) files.set(path, Promise.resolve(load(path)));
      return files.get(path);
    };
    const manifest = () => get("manifest.json");
    // The best few papers for each one- or two-character word being typed (sitegen/search/head.py).
    const head = () => get("head.json");

    // Which words of each chunk a slot matches: the exact term, or for the word being typed
    // every word of its shard that starts with it (when its shard holds them all).
    const slotWords = (slot, shard, chunk) => {
      const words = [];
      if (slot.term !== null && shard[slot.term] !== undefined) words.push([slot.term, 1]);
      if (slot.prefix && !(chunk.splitSet.has(slot.raw))) {
        for (const word of Object.keys(shard)) {
          if (word.startsWith(slot.raw) && word !== slot.term && !word.startsWith("@")) words.push([word, PREFIX_WEIGHT]);
        }
      }
      return words;
    };

    const search = async (query) => {
      const info = await manifest();
      const parsed = parse(query, info);
      const { slots, phrases, filters } = parsed;
      if (!info.chunkList) info.chunkList = info.chunks.map((chunk, index) => ({ ...chunk, index, splitSet: new Set(chunk.splits ? chunk.splits.split(" ") : []) }));
      const chunks = info.chunkList
        .filter((chunk) => chunk.last >= filters.from && chunk.first <= filters.to);
      const named = [...filters.authors.map((t) => ["@a:" + t, t]), ...filters.orgs.map((t) => ["@o:" + t, t])];
      // The first one or two letters or digits being typed are answered by the head, without a
      // request (sitegen/search/head.py): the page has it from the start.
      const lone = normalize(query.trimStart());
      if (/^[a-z0-9]$|^[a-z][a-z0-9]$|^[0-9][a-z]$/.test(lone)) { // head.py PREFIXES
        const top = await head();
        if (top) {
          const entries = top.prefixes[lone] || [];
          const hits = entries.map(([row, word, excerpt], k) => ({ row: [...top.rows[row], excerpt], word, score: entries.length - k }));
          return { hits, total: hits.length, words: new Set(hits.map((hit) => hit.word)), problems: parsed.problems, empty: false, head: true };
        }
      }
      if (!slots.length && !named.length && filters.from === "0000" && filters.to === "9999") {
        return { hits: [], total: 0, words: new Set(), problems: parsed.problems, empty: true };
      }
      const shardOf = (chunk, term) => get(`${chunk.dir}/t/${fileName(shardKey(term, chunk.splitSet))}.json`);
      const loaded = await Promise.all(chunks.map(async (chunk) => {
        const shards = await Promise.all(slots.map((slot) => shardOf(chunk, slot.term ?? slot.raw)));
        const names = await Promise.all(named.map(([, term]) => shardOf(chunk, term)));
        const days = filters.from > chunk.first || filters.to < chunk.last ? await get(`${chunk.dir}/days.json`) : null;
        return { chunk, shards: shards.map((shard) => shard || {}), names: names.map((shard) => shard || {}), days };
      }));
      // Document frequency of every matched word over the whole archive, for its idf.
      const df = new Map();
      const completions = new Set();
      for (const { chunk, shards } of loaded) {
        const counted = new Set();
        slots.forEach((slot, i) => {
          for (const [word, weight] of slotWords(slot, shards[i], chunk)) {
            if (weight < 1) completions.add(word);
            if (counted.has(word)) continue;
            counted.add(word);
            df.set(word, (df.get(word) || 0) + shards[i][word].length);
          }
        });
      }
      // The completions of a word being typed: the most frequent ones.
      const allowed = new Set([...completions].sort((a, b) => df.get(b) - df.get(a) || (a < b ? -1 : 1)).slice(0, PREFIX_WORDS));
      const scale = (info.k1 + 1) / info.levels;
      const candidates = []; // per chunk: its slots' best words and the docs kept
      let total = 0;
      for (const { chunk, shards, names, days } of loaded) {
        // Per slot and doc: the best value among the slot's words, which word, which posting.
        // Typed arrays over the chunk's docs: no Map per posting, so common words stay cheap.
        const n = chunk.docs;
        const score = new Float64Array(n);
        const any = new Uint8Array(n); // matched by some slot
        const matchedDocs = []; // those docs, in the order first matched
        const perSlot = slots.map((slot, i) => {
          const best = new Float64Array(n);
          const word = new Int16Array(n).fill(-1);
          const index = new Int32Array(n);
          const words = [];
          const touched = [];
          for (const [term, weight] of slotWords(slot, shards[i], chunk)) {
            if (weight < 1 && !allowed.has(term)) continue;
            const w = words.push(term) - 1;
            const wordIdf = idf(info.papers, df.get(term));
            const { docs, qs } = decodePostings(shards[i][term]);
            for (let k = 0; k < docs.length; k++) {
              const doc = docs[k];
              const value = weight * wordIdf * qs[k] * scale;
              if (value > best[doc]) {
                if (word[doc] < 0) touched.push(doc);
                best[doc] = value; word[doc] = w; index[doc] = k;
              }
            }
          }
          for (const doc of touched) {
            score[doc] += best[doc];
            if (!any[doc]) { any[doc] = 1; matchedDocs.push(doc); }
          }
          return { best, word, index, words, get: (doc) => (word[doc] >= 0 ? [best[doc], words[word[doc]], index[doc]] : undefined) };
        });
        const nameDocs = named.map(([key], i) => decodeDocs(names[i][key] || []));
        let range = [0, n];
        if (days) {
          let start = 0, first = null, end = 0;
          for (const [day, count] of days) {
            if (day >= filters.from && first === null && day <= filters.to) first = start;
            if (day <= filters.to) end = start + count;
            start += count;
          }
          range = first === null ? [0, 0] : [first, end];
        }
        // Docs some word matched, or with no words those of the first name, or every doc in range.
        let keep = slots.length ? matchedDocs : nameDocs.length ? [...nameDocs[0]] : null;
        if (keep === null) keep = Array.from({ length: range[1] - range[0] }, (_, k) => range[0] + k);
        else if (range[0] > 0 || range[1] < n) keep = keep.filter((doc) => doc >= range[0] && doc < range[1]);
        if (nameDocs.length) keep = keep.filter((doc) => nameDocs.every((set) => set.has(doc)));
        const postingCount = (slot, word) => shards[slots.indexOf(slot)][word].length;
        const docs = await phraseFilter(chunk, phrases, perSlot, slots, keep, postingCount);
        total += docs.length;
        candidates.push({ chunk, score, perSlot, docs });
      }
      // The KEEP best, highest score first; equal scores newest first (later chunk, later doc):
      // a total order. Only scores at least the KEEP-th best are sorted.
      let threshold = -Infinity;
      if (total > KEEP) {
        const all = new Float64Array(total);
        let at = 0;
        for (const { score, docs } of candidates) for (const doc of docs) all[at++] = score[doc];
        all.sort();
        threshold = all[total - KEEP];
      }
      const hits = [];
      for (const { chunk, score, docs } of candidates) {
        for (const doc of docs) if (score[doc] >= threshold) hits.push({ chunk: chunk.index, dir: chunk.dir, doc, score: score[doc] });
      }
      hits.sort((a, b) => b.score - a.score || b.chunk - a.chunk || b.doc - a.doc);
      hits.length = Math.min(hits.length, KEEP);
      // The words to highlight: those that matched in the results kept.
      const matched = new Set();
      const byChunk = new Map(candidates.map((entry) => [entry.chunk.index, entry]));
      for (const hit of hits) {
        for (const slot of byChunk.get(hit.chunk).perSlot) if (slot.word[hit.doc] >= 0) matched.add(slot.words[slot.word[hit.doc]]);
      }
      for (const [, term] of named) matched.add(term);
      return { hits, total, words: matched, problems: parsed.problems, empty: false };
    };

    // Keep the docs where every phrase's words stand at the query's distances.
    const phraseFilter = async (chunk, phrases, perSlot, slots, docs, postingCount) => {
      if (!phrases.length) return docs;
      const needed = phrases.flat();
      const shards = await Promise.all(needed.map((slot) => get(`${chunk.dir}/p/${fileName(shardKey(slot.term ?? slot.raw, chunk.splitSet))}.json`)));
      // A term's list: its postings' position counts, then their positions (chunk.py); where
      // each posting's positions start, computed once per list.
      const starts = new Map();
      const spots = (slot, doc) => {
        const i = needed.indexOf(slot);
        const best = perSlot[slots.indexOf(slot)].get(doc);
        if (!best || !shards[i] || !shards[i][best[1]]) return null;
        const list = shards[i][best[1]];
        const postings = postingCount(slot, best[1]);
        if (!starts.has(list)) {
          const at = new Uint32Array(postings + 1);
          at[0] = postings;
          for (let k = 0; k < postings; k++) at[k + 1] = at[k] + list[k];
          starts.set(list, at);
        }
        const at = starts.get(list);
        let position = 0;
        const found = new Set();
        for (let k = at[best[2]]; k < at[best[2] + 1]; k++) found.add((position += list[k]));
        return found;
      };
      return docs.filter((doc) => phrases.every((phrase) => {
        const sets = phrase.map((slot) => spots(slot, doc));
        if (sets.some((set) => !set)) return false;
        for (const start of sets[0]) {
          if (phrase.every((slot, k) => sets[k].has(start - phrase[0].offset + slot.offset))) return true;
        }
        return false;
      }));
    };

    const describe = async (hit) => {
      if (hit.row) return hit.row; // from the head
      const info = await manifest();
      const rows = await get(`${hit.dir}/d/${Math.floor(hit.doc / info.block)}.json`);
      return rows[hit.doc % info.block];
    };

    return { search, describe, manifest, head };
  }

  // Split `text` into [piece, highlighted?] for showing: a word is highlighted when its term is
  // one the query matched (CJK: the characters of a matched pair).
  const highlight = (text, words, info) => {
    const pieces = [];
    let last = 0;
    const marked = new Array(text.length).fill(false);
    for (const match of text.matchAll(WORD)) {
      const run = match[0];
      let at = match.index;
      for (const part of run.split(CJK_SPLIT)) {
        if (!part) continue;
        if (CJK_RUN.test(part)) {
          const chars = [...part];
          let offset = at;
          const starts = chars.map((c) => { const s = offset; offset += c.length; return s; });
          chars.forEach((c, i) => {
            const pair = normalize(c + (chars[i + 1] || ""));
            if (words.has(pair) || (chars.length === 1 && words.has(normalize(c)))) {
              for (let k = starts[i]; k < (chars[i + 1] ? starts[i + 1] + chars[i + 1].length : starts[i] + c.length); k++) marked[k] = true;
            }
          });
        } else {
          const term = terms(part, info)[0];
          if (term !== undefined && words.has(term)) for (let k = at; k < at + part.length; k++) marked[k] = true;
        }
        at += part.length;
      }
    }
    for (let i = 0; i <= text.length; i++) {
      if (i === text.length || (i > last && marked[i] !== marked[last])) {
        if (i > last) pieces.push([text.slice(last, i), marked[last]]);
        last = i;
      }
    }
    return pieces;
  };

  return { normalize, fold, positioned, terms, parse, shardKey, createSearcher, highlight };
});
