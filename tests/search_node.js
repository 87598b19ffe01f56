// Runs static/search-core.js under node over an index on disk, for the tests and
// benchmarks/search_quality.py: the ranking they measure is the one the page ships.
// Usage: node tests/search_node.js INDEX_DIR < requests (one JSON per line) > answers
//   {"query": "...", "top": 20}  ->  {"ids": [...], "words": [...], "problems": [...], "found": N,
//                                     "absent": [files it asked for that do not exist]}
//   {"positioned": "text"}       ->  {"terms": [term or null, ...]}
//   {"highlight": "text", "words": [...]} -> {"pieces": [[text, marked], ...]}
"use strict";
const fs = require("fs");
const path = require("path");
const readline = require("readline");
const core = require(path.join(__dirname, "..", "static", "search-core.js"));

const folder = process.argv[2];
let absent = [];
const load = (relative) => {
  try {
    return JSON.parse(fs.readFileSync(path.join(folder, relative), "utf8"));
  } catch (error) {
    if (error.code === "ENOENT") {
      absent.push(relative);
      return null;
    }
    throw error;
  }
};
const searcher = core.createSearcher(load);

(async () => {
  const info = await searcher.manifest();
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const request = JSON.parse(line);
    let answer;
    if ("positioned" in request) {
      answer = { terms: core.positioned(request.positioned, info).map(([term]) => term) };
    } else if ("highlight" in request) {
      answer = { pieces: core.highlight(request.highlight, new Set(request.words), info) };
    } else {
      absent = [];
      const result = await searcher.search(request.query);
      const top = result.hits.slice(0, request.top || 20);
      const rows = await Promise.all(top.map((hit) => searcher.describe(hit)));
      answer = { ids: rows.map((row) => row[0]), scores: top.map((hit) => hit.score), words: [...result.words].sort(), problems: result.problems, found: result.total, absent };
    }
    process.stdout.write(JSON.stringify(answer) + "\n");
  }
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
