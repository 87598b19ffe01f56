// sitegen: small enhancements; every page works without this script.
// - Topic filters on a day's list (and the index): show only the papers of one topic, no reload;
//   the choice is kept in the address as ?topic=slug.
// - BibTeX on a paper page, made from the page's citation_* tags (below), with its copy button.
// - Copy buttons: BibTeX on a paper page, feed addresses on the topics page.
// - Sorting the organizations table by papers or upvotes.
(() => {
  "use strict";
  // Pages with script-only controls in their HTML set this in their head before the first paint;
  // a paper page does not (its only such control is made below).
  document.documentElement.classList.add("js");

  for (const group of document.querySelectorAll(".filters")) {
    const buttons = [...group.querySelectorAll("button[data-topic]")];
    const cards = [...document.querySelectorAll(".cards .card")];
    // A card's topics: the slugs of its tag links (".../topics/<slug>/"), not repeated in an attribute.
    const topicsOf = new Map(cards.map((card) => [card, [...card.querySelectorAll(".tags a")].map((link) => link.getAttribute("href").split("/").at(-2))]));
    const status = group.parentElement.querySelector(".filter-status");
    const apply = (topic) => {
      let shown = 0;
      for (const card of cards) {
        const match = !topic || topicsOf.get(card).includes(topic);
        card.hidden = !match;
        if (match) shown += 1;
      }
      for (const button of buttons) button.setAttribute("aria-pressed", String(button.dataset.topic === topic));
      if (status) status.textContent = topic ? `Showing ${shown} of ${cards.length} papers.` : "";
    };
    group.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-topic]");
      if (!button) return;
      apply(button.dataset.topic);
      // Keep the choice in the address (?topic=slug), so a reload, a bookmark or a shared link
      // shows the same filtered list.
      const url = new URL(window.location.href);
      if (button.dataset.topic) url.searchParams.set("topic", button.dataset.topic); else url.searchParams.delete("topic");
      history.replaceState(null, "", url);
    });
    const chosen = new URLSearchParams(window.location.search).get("topic");
    if (chosen && buttons.some((button) => button.dataset.topic === chosen)) apply(chosen);
  }

  // The organizations table: sort by papers or by upvotes (most first; ties keep the page's order).
  for (const table of document.querySelectorAll("table.orgs-table")) {
    const body = table.tBodies[0];
    const rows = [...body.rows];
    const headers = [...table.querySelectorAll("th[data-sort]")];
    for (const header of headers) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = header.textContent;
      header.replaceChildren(button);
      button.addEventListener("click", () => {
        const field = header.dataset.sort;
        const sorted = rows.map((row, index) => [Number(row.dataset[field]), index, row]);
        sorted.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
        body.replaceChildren(...sorted.map((entry) => entry[2]));
        for (const other of headers) {
          if (other === header) other.setAttribute("aria-sort", "descending");
          else other.removeAttribute("aria-sort");
        }
      });
    }
  }

  // A paper page's BibTeX entry, made as sitegen/site/bibtex.py makes it (tests compare the two),
  // from the Highwire tags the page has for Zotero: the entry is not repeated in every page's HTML.
  const cite = document.querySelector("details.cite");
  if (cite) {
    const metas = (name) => [...document.querySelectorAll(`meta[name="${name}"]`)].map((meta) => meta.content);
    // Python's str.split() whitespace, so a field's spaces collapse exactly as in bibtex.py.
    const words = (text) => text.split(/[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/).filter(Boolean);
    const balanced = (text) => {
      let depth = 0;
      for (const char of text) {
        depth += (char === "{") - (char === "}");
        if (depth < 0) return false;
      }
      return depth === 0;
    };
    // A value safe inside {...}: an unbalanced brace from scraped text would end the field.
    const field = (text) => {
      const joined = words(text).join(" ");
      return balanced(joined) ? joined : joined.replace(/[{}]/g, (brace) => (brace === "{" ? "(" : ")"));
    };
    const asciiWords = (text) => text.match(/[A-Za-z]+/g) || [];
    const title = cite.dataset.title ?? metas("citation_title")[0] ?? "";
    // One tag holds every author, "; " between them (bibtex.py's HIGHWIRE_SEPARATOR).
    const authors = metas("citation_author").flatMap((names) => names.split("; "));
    const year = (metas("citation_date")[0] || "").slice(0, 4);
    const arxivId = metas("citation_arxiv_id")[0] || "";
    // arXiv's address, from the PDF tag: this script names no other site (tests/test_site_links.py).
    const arxiv = new URL(metas("citation_pdf_url")[0] || "/", document.baseURI).origin;
    // The key: the first author's last name (the last word with ASCII letters), the year, the
    // title's first word longer than three letters: `lastnameYYYYfirstword`, never empty.
    const lastName = authors.length ? words(authors[0]).reverse().flatMap(asciiWords)[0] : undefined;
    const firstWord = asciiWords(title).find((word) => word.length > 3);
    const key = `${(lastName ?? "arxiv").toLowerCase()}${year}${(firstWord ?? "").toLowerCase()}`;
    const lines = [
      `@misc{${key},`,
      `  title = {${field(title)}},`,
      `  author = {${field(authors.join(" and ") || "Unknown")}},`,
      `  year = {${year}},`,
      `  eprint = {${arxivId}},`,
      "  archivePrefix = {arXiv},",
    ];
    if (cite.dataset.class) lines.push(`  primaryClass = {${cite.dataset.class}},`);
    lines.push(`  url = {${arxiv}/abs/${arxivId}}`, "}");
    const pre = document.createElement("pre");
    pre.id = "bibtex";
    pre.tabIndex = 0;
    pre.setAttribute("aria-label", "BibTeX entry");
    pre.append(document.createElement("code"));
    pre.firstChild.textContent = lines.join("\n");
    const copy = document.createElement("button");
    copy.type = "button";
    copy.className = "copy";
    copy.dataset.copy = "bibtex";
    copy.textContent = "Copy BibTeX";
    cite.querySelector("summary").after(pre, copy);
  }

  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.addEventListener("click", async () => {
      const source = document.getElementById(button.dataset.copy);
      const label = button.textContent;
      try {
        await navigator.clipboard.writeText(source.textContent);
        button.textContent = "Copied";
      } catch {
        // No clipboard access (an insecure context, or denied): select the text for a manual copy.
        const range = document.createRange();
        range.selectNodeContents(source);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        button.textContent = "Selected: press Ctrl+C";
      }
      setTimeout(() => { button.textContent = label; }, 2000);
    });
  }
})();
