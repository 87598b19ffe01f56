// sitegen: small enhancements; every page works without this script.
// - Topic filters on a day's list (and the index): show only the papers of one topic, no reload;
//   the choice is kept in the address as ?topic=slug.
// - Copy buttons: BibTeX on a paper page, feed addresses on the topics page.
// - Sorting the organizations table by papers or upvotes.
(() => {
  "use strict";

  for (const group of document.querySelectorAll(".filters")) {
    const buttons = [...group.querySelectorAll("button[data-topic]")];
    const cards = [...document.querySelectorAll(".cards .card")];
    const status = group.parentElement.querySelector(".filter-status");
    const apply = (topic) => {
      let shown = 0;
      for (const card of cards) {
        const match = !topic || card.dataset.topics.split(" ").includes(topic);
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
