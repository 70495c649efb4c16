// Shareable queue addresses: filters left empty stay out of the URL that htmx requests and pushes.
document.addEventListener("htmx:configRequest", (event) => {
  if (event.detail.verb !== "get" || !event.detail.elt.matches("#filters")) return;
  const formData = event.detail.formData;
  for (const [name, value] of [...formData.entries()]) {
    if (value === "") formData.delete(name);
  }
});

// Story desk: words selected in the story fill the "claim the desk missed" box, with their
// offsets in the story's text. Each piece of the text carries its offset (data-at) in Python's
// terms, code points, where JavaScript counts UTF-16 units: hence the [...text] below.
function storyBoundary(node, offset, isEnd) {
  if (node.nodeType === Node.TEXT_NODE) {
    const piece = node.parentElement.closest("[data-at]");
    if (!piece) return null; // inside a proposal's number
    return Number(piece.dataset.at) + [...node.data.slice(0, offset)].length;
  }
  const child = node.childNodes[isEnd ? offset - 1 : offset];
  const piece = child && (child.nodeType === Node.ELEMENT_NODE && child.matches("[data-at]") ? child : null);
  if (!piece) return null;
  return Number(piece.dataset.at) + (isEnd ? [...piece.textContent].length : 0);
}

function storyWords(story, start, end) {
  let words = "";
  for (const piece of story.querySelectorAll("[data-at]")) {
    const at = Number(piece.dataset.at);
    const characters = [...piece.textContent];
    const from = Math.max(start, at);
    const to = Math.min(end, at + characters.length);
    if (from < to) words += characters.slice(from - at, to - at).join("");
  }
  return words;
}

document.addEventListener("selectionchange", () => {
  const selection = document.getSelection();
  if (!selection || selection.isCollapsed || !selection.rangeCount) return;
  const range = selection.getRangeAt(0);
  const story = range.commonAncestorContainer.parentElement?.closest("[data-story]")
    || (range.commonAncestorContainer.matches?.("[data-story]") && range.commonAncestorContainer);
  if (!story) return;
  const start = storyBoundary(range.startContainer, range.startOffset, false);
  const end = storyBoundary(range.endContainer, range.endOffset, true);
  if (start === null || end === null || start >= end) return;
  const form = story.closest("form");
  form.querySelector("#add-words").value = storyWords(story, start, end).trim();
  form.querySelector("#add-start").value = start;
  form.querySelector("#add-end").value = end;
});

// Words typed or pasted by hand are found in the text instead.
document.addEventListener("input", (event) => {
  if (event.target.id !== "add-words") return;
  event.target.form.querySelector("#add-start").value = "";
  event.target.form.querySelector("#add-end").value = "";
});

// Enter in the words' box adds them as a claim, as its button does: the form's first button
// (Enter in the proposals' boxes keeps the changes) had thrown the words away. Not while an
// input method is composing (Enter there picks the characters).
document.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || event.target.id !== "add-words" || event.isComposing) return;
  event.preventDefault();
  event.target.form.querySelector("#add-button").click();
});

// Story desk: a proposal's number (in the story, or in a proposal's links) opens the proposal it
// leads to, whose fields are closed on its one line; so does an address ending in #proposal-N.
function openProposal(hash) {
  const proposal = hash.startsWith("#proposal-") && document.getElementById(hash.slice(1));
  const fields = proposal?.querySelector?.("details.proposal-body");
  if (fields) fields.open = true;
}
document.addEventListener("click", (event) => {
  const link = event.target.closest?.('a[href^="#proposal-"]');
  if (link) openProposal(link.getAttribute("href"));
});
addEventListener("hashchange", () => openProposal(location.hash));
document.addEventListener("DOMContentLoaded", () => openProposal(location.hash));

// Story desk: a proposal's line follows its claim and who said it as they are typed, drawn as the
// server draws it (story_review.html), where it had kept the old words until the desk was redrawn.
const LINE_FIELDS = /^p[^-]+-(claim|speaker|title|affiliation)$/;
document.addEventListener("input", (event) => {
  if (!LINE_FIELDS.test(event.target.name || "")) return;
  const proposal = event.target.closest("li.proposal");
  const line = proposal?.querySelector("summary.proposal-line");
  if (!line) return;
  const key = event.target.name.split("-")[0];
  const value = (name) => proposal.querySelector(`[name="${key}-${name}"]`)?.value ?? "";
  const claim = line.querySelector(".proposal-claim");
  if (value("claim")) {
    claim.textContent = value("claim");
  } else {
    claim.replaceChildren(Object.assign(document.createElement("em"), { textContent: "No claim written yet" }));
  }
  const [title, affiliation] = [value("title"), value("affiliation")];
  const who = [value("speaker") || "No speaker"];
  // As story_review.html draws it: no title the name holds already ("The mayor", not "The mayor, Mayor").
  if (title && !who[0].toLowerCase().includes(title.toLowerCase())) who.push(title);
  if (affiliation && !title.includes(affiliation)) who.push(affiliation);
  line.querySelector(".proposal-who").textContent = who.join(", ");
});

// The desk is drawn anew by each of its buttons (htmx): the proposals the reviewer opened stay
// open, besides those the server opens (one with something to settle).
let proposalsOpen = [];
const isDesk = (event) => event.detail.target?.id === "desk";
document.addEventListener("htmx:beforeSwap", (event) => {
  if (!isDesk(event)) return;
  const opened = event.detail.target.querySelectorAll("details.proposal-body[open]");
  proposalsOpen = [...opened].map((fields) => fields.closest("li.proposal").id);
});
document.addEventListener("htmx:afterSwap", (event) => {
  if (!isDesk(event)) return;
  for (const id of proposalsOpen) {
    const fields = document.getElementById(id)?.querySelector("details.proposal-body");
    if (fields) fields.open = true;
  }
  proposalsOpen = [];
});

// "More claims" (and the indexes' "More") is replaced by the rows it loads. The focus it held
// goes to the first of them: left to itself it fell back to the start of the page, and a
// keyboard user had to tab past every row again to reach the new ones.
let loadedAt = null; // [the list, the place of the "More" row in it]
document.addEventListener("htmx:beforeSwap", (event) => {
  const more = event.detail.target;
  if (!more?.matches?.("li.load-more") || !more.contains(document.activeElement)) return;
  loadedAt = [more.parentElement, [...more.parentElement.children].indexOf(more)];
});
document.addEventListener("htmx:afterSettle", () => {
  if (!loadedAt) return;
  const [list, place] = loadedAt;
  loadedAt = null;
  list.children[place]?.querySelector("a")?.focus();
});

// What an action did is said until the next action answers: a post's answer drawn into one panel
// takes away what the other panels, and the messages of the page's last load, still said was done.
// "Evidence added." had stayed above the status while a note, then a re-check date were added.
document.addEventListener("htmx:beforeSwap", (event) => {
  if (!event.detail.shouldSwap || event.detail.requestConfig?.verb === "get") return;
  for (const result of document.querySelectorAll(".done, #messages > .message")) {
    if (!event.detail.target.contains(result)) result.remove();
  }
});

// Claim page: adding evidence, or posting a decision, draws the review panel again. Every other
// decision the editor had opened stays open with the reason typed, and may now cite the new
// evidence; the decision posted is drawn as the server answers it. Other panels' swaps are let
// be: the duplicates panel, loaded lazily, could land between the review's swap and its settling
// (htmx settles 20 ms later) and had emptied the reasons kept.
let decisionsOpen = [];
const isReview = (event) => event.detail.target?.id === "review";
document.addEventListener("htmx:beforeSwap", (event) => {
  if (!isReview(event)) return;
  const posted = event.detail.requestConfig?.elt?.closest(".decision");
  decisionsOpen = [...event.detail.target.querySelectorAll("details.decision[open] textarea")]
    .filter((box) => !posted?.contains(box))
    .map((box) => [box.id, box.value]);
});
document.addEventListener("htmx:afterSettle", (event) => {
  if (!isReview(event)) return;
  for (const [id, reason] of decisionsOpen) {
    const box = document.getElementById(id);
    if (!box) continue; // no longer offered
    box.closest("details").open = true;
    box.value = reason;
  }
  decisionsOpen = [];
});

// Forms marked data-unsaved-warning (the story desk) ask before the page is left with edits not
// posted yet. Posting the form keeps them (every button of the desk does), so it is clean again
// until the next edit; a form the server draws with edits it did not keep (a stale post) comes
// marked data-unsaved. The page can be left three ways, each asked in its own place: unloaded
// (closing the tab, reloading, a link htmx does not follow: beforeunload, the browser's words),
// a link or form htmx follows (hx-boost: nothing is unloaded), the back button (htmx draws the
// page it comes back to itself).
const UNSAVED_QUESTION = "Your changes on this page are not kept yet. Leave it and lose them?";
const unsavedForm = () => document.querySelector("form[data-unsaved-warning][data-unsaved]");
let unsavedAt = null; // the address of the page whose form holds them

for (const type of ["input", "change"]) {
  document.addEventListener(type, (event) => {
    const form = event.target.closest?.("form[data-unsaved-warning]");
    if (!form) return;
    form.dataset.unsaved = "";
    unsavedAt = location.href;
  });
}
document.addEventListener("submit", (event) => {
  if (event.target.matches("form[data-unsaved-warning]")) delete event.target.dataset.unsaved;
});
// A post that never arrived, or was refused without an answer to draw, kept nothing.
for (const type of ["htmx:sendError", "htmx:responseError"]) {
  document.addEventListener(type, (event) => {
    const form = event.detail.elt?.closest?.("form[data-unsaved-warning]");
    if (form?.isConnected) form.dataset.unsaved = "";
  });
}

addEventListener("beforeunload", (event) => {
  if (!unsavedForm()) return;
  event.preventDefault();
  event.returnValue = true; // browsers before 2023 ask only when this is set
});
document.addEventListener("htmx:confirm", (event) => {
  const form = unsavedForm();
  if (!form || form.contains(event.detail.elt) || event.detail.target !== document.body) return;
  if (!window.confirm(UNSAVED_QUESTION)) event.preventDefault();
});
// Registered before htmx's own handler (which it sets once the page is loaded), so it runs first.
addEventListener("popstate", (event) => {
  if (!unsavedForm() || window.confirm(UNSAVED_QUESTION)) return;
  event.stopImmediatePropagation();
  history.pushState({ htmx: true }, "", unsavedAt ?? location.href);
});

// Import preview: "Remember these columns" follows the columns as they are chosen, ticked once one
// is read otherwise than its name says (data-named), as the server ticks it, until the person ticks
// or unticks it: then their choice stands.
document.addEventListener("change", (event) => {
  const box = event.target.form?.elements.remember;
  if (event.target === box) box.dataset.chosen = "";
  if (!box || box.dataset.chosen !== undefined || !event.target.matches("#import-columns select")) return;
  const columns = event.target.closest("#import-columns").querySelectorAll("select[data-named]");
  box.checked = [...columns].some((column) => column.value !== column.dataset.named);
});
