// sitegen search scoring: the shard layout a chunk's manifest entry describes, and the BM25F
// sums over typed arrays that static/search-core.js ranks with (sitegen/search/chunk.py writes
// the files). Split from search-core.js so each file has one job; the page loads this first.
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.SitegenScore = factory();
})(typeof self !== "undefined" ? self : globalThis, function () {
  "use strict";
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
  // At most this many shard files of one chunk are read for the completions of a word being
  // typed whose prefix was split into several files (a long prefix: "generatio" has one or two).
  const SUBTREE_FILES = 4;

  // A chunk's shard layout from the manifest: the split prefixes and, for each, which files exist
  // and which are large (sitegen/search/chunk.py shard_leaves), so that a split prefix being
  // typed can be completed.
  const layout = (chunk, index) => {
    const splits = chunk.splits ? chunk.splits.split(" ") : [];
    const leaves = chunk.leaves !== undefined ? chunk.leaves.split("|") : null;
    const own = new Set();
    const large = new Set();
    const below = new Map(); // split prefix -> existing files one character longer, and splits
    splits.forEach((prefix, i) => {
      const found = [];
      let last = null;
      for (const char of leaves ? leaves[i] : "") {
        if (char === "*") large.add(last);
        else if (char === "=") own.add((last = prefix));
        else found.push((last = prefix + char));
      }
      below.set(prefix, found);
    });
    for (const prefix of splits) {
      const parent = [...prefix].slice(0, -1).join("");
      if (below.has(parent)) below.get(parent).push(prefix);
    }
    return { ...chunk, index, splitSet: new Set(splits), own, large, below, listed: leaves !== null };
  };
  // The existing files under a split prefix (its own, its leaves, its splits' in turn), but a
  // large one (a common word's) only when it is one character longer than the prefix: null
  // when there are more than SUBTREE_FILES or the manifest does not list them.
  const subtree = (chunk, prefix) => {
    if (!chunk.listed) return null;
    const found = [];
    const queue = [prefix];
    const near = [...prefix].length + 1;
    while (queue.length) {
      const key = queue.shift();
      if (chunk.splitSet.has(key)) queue.push(...chunk.below.get(key));
      const file = chunk.splitSet.has(key) ? chunk.own.has(key) : true;
      if (file && (!chunk.large.has(key) || [...key].length <= near)) found.push(key);
      if (found.length > SUBTREE_FILES) return null;
    }
    return found;
  };
  // A split prefix's own file exists only when some term equals it: skip the request otherwise.
  const exists = (chunk, key) => !chunk.listed || !chunk.splitSet.has(key) || chunk.own.has(key);

  // One slot's scores in one chunk, sparse: `docs` ascending; for a slot of one word its
  // postings as they are (value = weight * idf * q * scale), for several the best word per doc,
  // merged through dense arrays reused between searches (the caller keeps the result).
  const scratch = new Map();
  const denseOf = (n) => {
    if (!scratch.has(n)) scratch.set(n, { best: new Float64Array(n), word: new Int16Array(n).fill(-1), index: new Int32Array(n) });
    return scratch.get(n);
  };
  const merge = (lists, n, scale) => {
    const { best, word, index } = denseOf(n);
    const touched = [];
    lists.forEach(({ docs, qs, wi }, w) => {
      for (let k = 0; k < docs.length; k++) {
        const doc = docs[k];
        const value = wi * qs[k] * scale;
        if (value > best[doc]) {
          if (word[doc] < 0) touched.push(doc);
          best[doc] = value; word[doc] = w; index[doc] = k;
        }
      }
    });
    const docs = Int32Array.from(touched).sort();
    const values = new Float64Array(docs.length);
    const words = new Int16Array(docs.length);
    const at = new Int32Array(docs.length);
    for (let j = 0; j < docs.length; j++) {
      const doc = docs[j];
      values[j] = best[doc]; words[j] = word[doc]; at[j] = index[doc];
      best[doc] = 0; word[doc] = -1; // clean for the next merge
    }
    return { docs, values, words, at };
  };
  const slotScores = (lists, words, n, scale) => {
    const single = lists.length === 1 ? lists[0] : null;
    const merged = single ? null : merge(lists, n, scale);
    const docs = single ? single.docs : merged.docs;
    const find = (doc) => {
      let lo = 0, hi = docs.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (docs[mid] < doc) lo = mid + 1; else if (docs[mid] > doc) hi = mid - 1; else return mid;
      }
      return -1;
    };
    // [value, word, index of its posting] at `doc`, or undefined.
    const get = (doc) => {
      const j = find(doc);
      if (j < 0) return undefined;
      return single ? [single.wi * single.qs[j] * scale, words[0], j] : [merged.values[j], words[merged.words[j]], merged.at[j]];
    };
    return { docs, single, merged, values: merged ? merged.values : null, scale, find, get, words };
  };
  // The k-th largest of `values` (k from 1), as sorting and indexing would give, in linear time.
  const kthLargest = (values, k) => {
    const a = values;
    const target = a.length - k;
    let lo = 0, hi = a.length - 1;
    while (lo < hi) {
      const pivot = a[(lo + hi) >> 1];
      let i = lo, j = hi;
      while (i <= j) {
        while (a[i] < pivot) i++;
        while (a[j] > pivot) j--;
        if (i <= j) { const t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
      }
      if (target <= j) hi = j; else if (target >= i) lo = i; else return a[target];
    }
    return a[target];
  };

  // Each doc's score, the sum of its slots' values in slot order, and the docs some slot matched
  // (ascending). The last search's sums over all its slots and over all but its last are kept in
  // `kept`: a query that starts with the same slots (one more word, or its last word longer)
  // adds only its new slot. (Hot loops live in small functions, which V8 optimizes early.)
  const sumSlots = (perSlot, n, kept) => {
    const same = (sum) => sum && sum.slots.length <= perSlot.length && sum.slots.every((slot, i) => slot === perSlot[i]);
    const start = [kept.all, kept.stem].filter(same).sort((a, b) => b.slots.length - a.slots.length)[0];
    const score = start ? start.score.slice() : new Float64Array(n);
    for (let i = start ? start.slots.length : 0; i < perSlot.length; i++) {
      if (i === perSlot.length - 1) kept.stem = { slots: perSlot.slice(0, i), score: score.slice() };
      addSlot(score, perSlot[i]);
    }
    kept.all = { slots: perSlot.slice(), score };
    // Every value is above 0, so the docs matched are those with a score.
    let count = 0;
    for (let doc = 0; doc < n; doc++) if (score[doc] > 0) count++;
    const matchedDocs = new Int32Array(count);
    for (let doc = 0, at = 0; doc < n; doc++) if (score[doc] > 0) matchedDocs[at++] = doc;
    return { score, matchedDocs };
  };
  const addSlot = (score, { docs, single, values, scale }) => {
    if (single) {
      const { qs, wi } = single;
      for (let j = 0; j < docs.length; j++) score[docs[j]] += wi * qs[j] * scale;
    } else {
      for (let j = 0; j < docs.length; j++) score[docs[j]] += values[j];
    }
  };
  // Hits at least as good as the KEEP-th best score (all of them when fewer).
  const bestHits = (candidates, total) => {
    let threshold = -Infinity;
    if (total > KEEP) {
      const all = new Float64Array(total);
      let at = 0;
      for (const { score, docs } of candidates) for (let k = 0; k < docs.length; k++) all[at++] = score[docs[k]];
      threshold = kthLargest(all, KEEP);
    }
    const hits = [];
    for (const { chunk, score, docs } of candidates) {
      for (let k = 0; k < docs.length; k++) {
        const doc = docs[k];
        if (score[doc] >= threshold) hits.push({ chunk: chunk.index, dir: chunk.dir, doc, score: score[doc] });
      }
    }
    return hits;
  };

  // The words that matched in the hits: the ones to highlight.
  const matchedWords = (hits, candidates) => {
    const matched = new Set();
    const byChunk = new Map(candidates.map((entry) => [entry.chunk.index, entry.perSlot]));
    for (const hit of hits) {
      for (const slot of byChunk.get(hit.chunk)) {
        const j = slot.find(hit.doc);
        if (j >= 0) matched.add(slot.words[slot.single ? 0 : slot.merged.words[j]]);
      }
    }
    return matched;
  };

  return { KEEP, decodePostings, decodeDocs, idf, layout, subtree, exists, slotScores, sumSlots, bestHits, matchedWords };
});
