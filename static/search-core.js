// sitegen search core: reads a query, loads the few index files it needs and ranks papers by
// BM25F (see sitegen/search/chunk.py for the files). No page and no network here: `load(path)`
// is given by the caller, so the same code runs in the page (static/search.js, with fetch) and
// under node (benchmarks/search_quality.py and the tests, with the files on disk).
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory(require("./search-score.js"));
  else root.SitegenSearch = factory(root.SitegenScore);
})(typeof self !== "undefined" ? self : globalThis, function (scoring) {
  "use strict";
  // The same cutting as sitegen/search/text.py (tests/test_search_ranking.py checks they agree).
  const MARKS = /[\u0300-\u036f]/g;
  const WORD = /[\p{L}\p{N}]+/gu;
  const CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff";
  const CJK_SPLIT = new RegExp(`([${CJK}]+)`, "u");
  const CJK_RUN = new RegExp(`^[${CJK}]+$`, "u");
  const LETTERS = /^[a-z]+$/;
  const ASCII = /^[\x00-\x7f]*$/;
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
  // A packed list of numbers (sitegen/search/packed.py): base 32, most significant digit first;
  // the characters 0-9 A-V are a number's last digit, W-Z a-z - _ a digit before it.
  const DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  const DIGIT = new Int8Array(128).fill(-1);
  for (let i = 0; i < DIGITS.length; i++) DIGIT[DIGITS.charCodeAt(i)] = i;
  const unpack = (text) => {
    const numbers = [];
    let value = 0;
    for (let i = 0; i < text.length; i++) {
      const digit = DIGIT[text.charCodeAt(i)];
      if (digit >= 32) value = value * 32 + digit - 32;
      else {
        numbers.push(value * 32 + digit);
        value = 0;
      }
    }
    return numbers;
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

  const { KEEP, decodePostings, decodeDocs, idf, layout, subtree, exists, slotScores, sumSlots, bestHits, matchedWords } = scoring;

  function createSearcher(load) {
    const files = new Map();
    // `priority` "low": a file asked for ahead of need, which the page may fetch after others.
    const get = (path, priority) => {
      if (!files.has(path)) {
        // A file that could not be read is asked for again next time, not remembered as failed.
        const loading = Promise.resolve().then(() => load(path, priority));
        loading.catch(() => files.get(path) === loading && files.delete(path));
        files.set(path, loading);
      }
      return files.get(path);
    };
    const manifest = () => get("manifest.json");
    // The best few papers for each one- or two-character word being typed (sitegen/search/head.py).
    const head = () => get("head.json");
    // The terms of several shard files of one chunk as one object, made once per set of files.
    const joined = new Map();
    const shardsOf = (chunk, kind, keys) => {
      const name = `${chunk.dir}/${kind}/${keys.join("/")}`;
      if (!joined.has(name)) {
        const loading = Promise.all(keys.map((key) => (exists(chunk, key) ? get(`${chunk.dir}/${kind}/${fileName(key)}.json`) : null)))
          .then((parts) => (parts.length === 1 ? parts[0] || {} : Object.assign({}, ...parts)));
        loading.catch(() => joined.get(name) === loading && joined.delete(name));
        joined.set(name, loading);
      }
      return joined.get(name);
    };
    // Slots scored in recent searches, by chunk and words (a key typed after another usually
    // changes one slot only, and the same object stands for the same slot: see sumSlots).
    const scored = new Map();
    const SCORED = 128;
    const scoredOnce = (key, make) => {
      let found = scored.get(key);
      if (found) scored.delete(key);
      else found = make();
      scored.set(key, found);
      if (scored.size > SCORED) scored.delete(scored.keys().next().value);
      return found;
    };
    const sums = new Map(); // chunk folder -> the last search's sums (sumSlots)

    // Which files of a chunk a slot reads: its term's shard, and for the word being typed, when
    // its prefix was split, every file under it (so long as they are few: then `complete`).
    const slotFiles = (slot, chunk) => {
      const keys = [shardKey(slot.term ?? slot.raw, chunk.splitSet)];
      if (!slot.prefix || !chunk.splitSet.has(slot.raw)) return { keys, complete: true };
      const more = subtree(chunk, slot.raw);
      if (more === null) return { keys, complete: false };
      return { keys: [...new Set([...keys, ...more])], complete: true };
    };
    // Which words of each chunk a slot matches: the exact term, and for the word being typed
    // every word of its files that starts with it (when they hold them all).
    const slotWords = (slot, shard, complete) => {
      const words = [];
      if (slot.term !== null && shard[slot.term] !== undefined) words.push([slot.term, 1]);
      if (slot.prefix && complete) {
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
      // Made at the first search the head does not answer (not on the first key's path).
      if (!info.chunkList) info.chunkList = info.chunks.map(layout);
      const chunks = info.chunkList.filter((chunk) => chunk.last >= filters.from && chunk.first <= filters.to);
      const loaded = await Promise.all(chunks.map(async (chunk) => {
        const reads = slots.map((slot) => slotFiles(slot, chunk));
        const shards = await Promise.all(reads.map(({ keys }) => shardsOf(chunk, "t", keys)));
        const names = await Promise.all(named.map(([, term]) => shardsOf(chunk, "t", [shardKey(term, chunk.splitSet)])));
        const days = filters.from > chunk.first || filters.to < chunk.last ? await get(`${chunk.dir}/days.json`) : null;
        return { chunk, reads, shards, names, days };
      }));
      // Document frequency of every matched word over the chunks searched, for its idf.
      const df = new Map();
      const completions = new Set();
      for (const { reads, shards } of loaded) {
        const counted = new Set();
        slots.forEach((slot, i) => {
          for (const [word, weight] of slotWords(slot, shards[i], reads[i].complete)) {
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
      const candidates = []; // per chunk: its slots' scores and the docs kept
      let total = 0;
      for (const { chunk, reads, shards, names, days } of loaded) {
        const n = chunk.docs;
        const perSlot = slots.map((slot, i) => {
          const chosen = slotWords(slot, shards[i], reads[i].complete).filter(([term, weight]) => weight === 1 || allowed.has(term));
          const words = chosen.map(([term]) => term);
          const lists = chosen.map(([term, weight]) => ({ ...decodePostings(shards[i][term]), wi: weight * idf(info.papers, df.get(term)) }));
          const key = `${chunk.dir} ${chosen.map(([term], k) => `${term}:${lists[k].wi}`).join(" ")}`;
          return scoredOnce(key, () => slotScores(lists, words, n, scale));
        });
        const { score, matchedDocs } = sumSlots(perSlot, n, sums.get(chunk.dir) || sums.set(chunk.dir, {}).get(chunk.dir));
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
        const docs = await phraseFilter(chunk, phrases, perSlot, slots, reads, keep, postingCount);
        total += docs.length;
        candidates.push({ chunk, score, perSlot, docs });
      }
      // The KEEP best, highest score first; equal scores newest first (later chunk, later doc):
      // a total order. Only scores at least the KEEP-th best are sorted.
      const hits = bestHits(candidates, total);
      hits.sort((a, b) => b.score - a.score || b.chunk - a.chunk || b.doc - a.doc);
      hits.length = Math.min(hits.length, KEEP);
      // The words to highlight: those that matched in the results kept.
      const matched = matchedWords(hits, candidates);
      for (const [, term] of named) matched.add(term);
      return { hits, total, words: matched, problems: parsed.problems, empty: false };
    };

    // Keep the docs where every phrase's words stand at the query's distances.
    const phraseFilter = async (chunk, phrases, perSlot, slots, reads, docs, postingCount) => {
      if (!phrases.length) return docs;
      const needed = phrases.flat();
      const shards = await Promise.all(needed.map((slot) => shardsOf(chunk, "p", reads[slots.indexOf(slot)].keys)));
      // A term's list: its postings' position counts, then their positions (chunk.py), packed
      // as text (unpack); unpacked, with where each posting's positions start, once per list.
      const lists = new Map();
      const spots = (slot, doc) => {
        const i = needed.indexOf(slot);
        const best = perSlot[slots.indexOf(slot)].get(doc);
        if (!best || !shards[i][best[1]]) return null;
        const packed = shards[i][best[1]];
        const postings = postingCount(slot, best[1]);
        if (!lists.has(packed)) {
          const numbers = unpack(packed);
          const at = new Uint32Array(postings + 1);
          at[0] = postings;
          for (let k = 0; k < postings; k++) at[k + 1] = at[k] + numbers[k];
          lists.set(packed, [numbers, at]);
        }
        const [list, at] = lists.get(packed);
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

    const describe = async (hit, priority) => {
      if (hit.row) return hit.row; // from the head
      const info = await manifest();
      const rows = await get(`${hit.dir}/d/${Math.floor(hit.doc / info.block)}.json`, priority);
      return rows[hit.doc % info.block];
    };

    return { search, describe, manifest, head };
  }

  // The term of one word as shown (the same words recur in every result), remembered per manifest.
  const shownTerms = new WeakMap();
  const termOf = (part, info) => {
    let known = shownTerms.get(info);
    if (!known || known.size > 50000) shownTerms.set(info, (known = new Map()));
    if (!known.has(part)) known.set(part, terms(part, info)[0]);
    return known.get(part);
  };

  // Split `text` into [piece, highlighted?] for showing: a word is highlighted when its term is
  // one the query matched (CJK: the characters of a matched pair).
  const highlight = (text, words, info) => {
    const pieces = [];
    let last = 0;
    const marked = new Array(text.length).fill(false);
    for (const match of text.matchAll(WORD)) {
      const run = match[0];
      let at = match.index;
      if (ASCII.test(run)) { // most words: one part, no CJK (and no costly split)
        const term = termOf(run, info);
        if (term !== undefined && words.has(term)) for (let k = at; k < at + run.length; k++) marked[k] = true;
        continue;
      }
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
          const term = termOf(part, info);
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
