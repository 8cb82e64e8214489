// wordvec explore: the page's behaviour. Every answer comes from this server's /api/
// queries (see wordvec/explore/__init__.py); nothing is fetched from anywhere else.
"use strict";

const $ = (id) => document.getElementById(id);
const METHOD_NAMES = { pca: "PCA", tsne: "t-SNE", umap: "UMAP" };
const LABELLED_POINTS = 30;  // the nearest (or most frequent) words named on the map;
                              // the others show their word on hover

const state = { word: null, info: null, sequence: {} };

// ------------------------------------------------------------------ queries
class QueryError extends Error {
  constructor(body) { super(body.error || "the query failed"); this.body = body; }
}

async function query(name, params) {
  const response = await fetch(`/api/${name}?${new URLSearchParams(params)}`);
  let body;
  try { body = await response.json(); } catch (e) { body = { error: response.statusText }; }
  if (!response.ok) throw new QueryError(body);
  return body;
}

// Runs query(name, params) for one panel; an answer older than the panel's latest
// question is dropped, so that fast typing never shows a stale list.
async function latest(panel, name, params) {
  const ticket = (state.sequence[panel] = (state.sequence[panel] || 0) + 1);
  const body = await query(name, params);
  if (ticket !== state.sequence[panel]) throw new Error("stale");
  return body;
}

// ------------------------------------------------------------------ drawing
function clear(element) { while (element.firstChild) element.removeChild(element.firstChild); }

function wordButton(word, className = "word") {
  const button = document.createElement("button");
  button.type = "button";
  button.className = className;
  button.textContent = word;
  button.title = `search ${word}`;
  button.addEventListener("click", () => search(word));
  return button;
}

function bar(similarity) {
  const outer = document.createElement("span");
  outer.className = "bar";
  const inner = document.createElement("span");
  inner.style.width = `${Math.max(0, Math.min(1, similarity)) * 100}%`;
  outer.appendChild(inner);
  return outer;
}

function score(similarity) {
  const span = document.createElement("span");
  span.className = "score";
  span.textContent = similarity.toFixed(3);
  return span;
}

function showScores(list, pairs) {
  clear(list);
  for (const { word, similarity } of pairs) {
    const item = document.createElement("li");
    item.append(wordButton(word), bar(similarity), score(similarity));
    list.appendChild(item);
  }
}

function showMessage(element, text, suggestions = []) {
  clear(element);
  element.classList.toggle("error", Boolean(text));
  if (!text) return;
  element.append(document.createTextNode(text));
  if (suggestions.length) {
    const line = document.createElement("div");
    for (const word of suggestions) line.appendChild(wordButton(word, "suggestion"));
    element.appendChild(line);
  }
}

function showError(element, error, list) {
  if (error.message === "stale") return;
  if (list) clear(list);
  const body = error.body || {};
  showMessage(element, error.message, body.suggestions || []);
}

// ------------------------------------------------------------------ panels
async function search(word, { updateMap = true } = {}) {
  word = word.trim();
  if (!word) return;
  $("word").value = word;
  showMessage($("search-message"), "");
  try {
    const body = await latest("search", "similar", { word, topn: $("topn").value });
    state.word = word;
    history.replaceState(null, "", `#${encodeURIComponent(word)}`);
    showScores($("neighbours"), body.neighbours);
    if (updateMap && $("map-scope").value === "word") drawMap();
    else highlightOnMap();
  } catch (error) {
    showError($("search-message"), error, $("neighbours"));
  }
}

async function solveAnalogy(event) {
  event.preventDefault();
  const terms = { a: $("a").value.trim(), b: $("b").value.trim(), c: $("c").value.trim() };
  showMessage($("analogy-message"), "");
  try {
    const body = await latest("analogy", "analogy", { ...terms, topn: 5 });
    showScores($("answers"), body.answers);
  } catch (error) {
    showError($("analogy-message"), error, $("answers"));
  }
}

async function comparePair(event) {
  event.preventDefault();
  const w1 = $("w1").value.trim(), w2 = $("w2").value.trim();
  showMessage($("pair-message"), "");
  const result = $("pair-result");
  try {
    const body = await latest("pair", "similarity", { w1, w2 });
    clear(result);
    const item = document.createElement("li");
    const label = document.createElement("span");
    label.className = "word pair-words";
    label.textContent = `${w1} · ${w2}`;
    label.title = `cosine of ${w1} and ${w2}`;
    item.append(label, bar(body.similarity), score(body.similarity));
    result.appendChild(item);
  } catch (error) {
    showError($("pair-message"), error, result);
  }
}

let completionTimer = null;
function complete() {
  clearTimeout(completionTimer);
  const prefix = $("word").value;
  if (!prefix) return;
  completionTimer = setTimeout(async () => {
    try {
      const body = await latest("complete", "complete", { prefix, limit: 10 });
      const list = $("completions");
      clear(list);
      for (const word of body.words) {
        const option = document.createElement("option");
        option.value = word;
        list.appendChild(option);
      }
    } catch (error) { /* completions are a convenience: a failed one shows nothing */ }
  }, 150);
}

// --------------------------------------------------------------------- map
function axisTitles(body) {
  const name = METHOD_NAMES[body.method];
  if (body.method !== "pca") return [`${name} 1`, `${name} 2`];
  return body.explained.map((share, i) => `PC${i + 1} (${(share * 100).toFixed(1)}% of variance)`);
}

function mapLabels(words) {
  return words.map((w, i) => (i < LABELLED_POINTS || w === state.word ? w : ""));
}

function markerSizes(words) { return words.map((w) => (w === state.word ? 15 : 8)); }
function markerLines(words) { return words.map((w) => (w === state.word ? 2 : 0.5)); }

function mapTrace(body) {
  const around = body.word !== null;
  const colours = around ? body.similarity : body.words.map((_, i) => i + 1);
  return {
    type: "scatter",
    mode: "markers+text",
    x: body.x, y: body.y, text: mapLabels(body.words), customdata: body.words,
    textposition: "top center",
    textfont: { size: 11, color: "#374151" },
    hovertemplate: around ? "<b>%{customdata}</b><br>cos %{marker.color:.3f}<extra></extra>"
                          : "<b>%{customdata}</b><br>rank %{marker.color}<extra></extra>",
    marker: {
      size: markerSizes(body.words),
      color: colours,
      colorscale: around ? "Viridis" : "Blues",
      line: { width: markerLines(body.words), color: "#1f2430" },
      showscale: true,
      colorbar: { title: { text: around ? "cosine" : "rank", side: "right" }, thickness: 12 },
    },
  };
}

function mapLayout(body) {
  const [xTitle, yTitle] = axisTitles(body);
  const what = body.word !== null ? `${body.words.length} words around “${body.word}”`
                                  : `the ${body.words.length} most frequent words`;
  return {
    title: { text: `${METHOD_NAMES[body.method]} map of ${what}`, font: { size: 14 } },
    margin: { l: 56, r: 16, t: 44, b: 48 },
    xaxis: { title: { text: xTitle }, zeroline: false, gridcolor: "#eef0f4" },
    yaxis: { title: { text: yTitle }, zeroline: false, gridcolor: "#eef0f4" },
    hovermode: "closest",
    dragmode: "pan",
    paper_bgcolor: "#ffffff",
    plot_bgcolor: "#ffffff",
    font: { family: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif" },
  };
}

async function drawMap(event) {
  if (event) event.preventDefault();
  const params = { n: $("map-n").value, method: $("map-method").value };
  if ($("map-scope").value === "word" && state.word) params.word = state.word;
  const method = METHOD_NAMES[params.method];
  showMessage($("map-message"), params.method === "pca" ? "" : `computing the ${method} map…`);
  $("map-message").classList.remove("error");
  try {
    const body = await latest("map", "map", params);
    showMessage($("map-message"), "");
    state.mapWords = body.words;
    const config = { responsive: true, scrollZoom: true, displaylogo: false,
                     modeBarButtonsToRemove: ["select2d", "lasso2d", "toImage"] };
    await Plotly.react("map", [mapTrace(body)], mapLayout(body), config);
    const plot = $("map");
    if (!plot.dataset.bound) {
      plot.on("plotly_click", (e) => e.points.length && search(e.points[0].customdata,
                                                               { updateMap: false }));
      plot.dataset.bound = "yes";
    }
  } catch (error) {
    showError($("map-message"), error);
  }
}

// On a map of the top words, a new search marks its word instead of redrawing.
function highlightOnMap() {
  if (!state.mapWords || !window.Plotly) return;
  const words = state.mapWords;
  Plotly.restyle("map", {
    text: [mapLabels(words)],
    "marker.size": [markerSizes(words)],
    "marker.line.width": [markerLines(words)],
  });
}

// -------------------------------------------------------------------- start
function describe(info) {
  const mapped = info.memory_mapped ? " · memory-mapped" : "";
  $("source").textContent = `${info.source || "vectors"} — ${info.words.toLocaleString("en")} ` +
                            `words · ${info.dim} dimensions${mapped}`;
  const select = $("map-method");
  clear(select);
  for (const method of info.methods) {
    const option = document.createElement("option");
    option.value = method;
    option.textContent = METHOD_NAMES[method] || method;
    select.appendChild(option);
  }
  const [low, high] = info.limits.n;
  Object.assign($("map-n"), { min: low, max: high });
  $("word").placeholder = `Search a word, e.g. ${info.sample.slice(0, 3).join(", ")}…`;
}

async function start() {
  $("search-form").addEventListener("submit", (e) => { e.preventDefault(); search($("word").value); });
  $("word").addEventListener("input", complete);
  $("analogy-form").addEventListener("submit", solveAnalogy);
  $("pair-form").addEventListener("submit", comparePair);
  $("map-form").addEventListener("submit", drawMap);
  $("map-scope").addEventListener("change", () => drawMap());
  $("map-method").addEventListener("change", () => drawMap());
  try {
    state.info = await query("info", {});
    describe(state.info);
  } catch (error) {
    showError($("search-message"), error);
    return;
  }
  const asked = decodeURIComponent(location.hash.slice(1));
  if (asked) search(asked);
  else drawMap();
  document.body.dataset.ready = "yes";
}

document.addEventListener("DOMContentLoaded", start);
