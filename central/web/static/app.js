// The officers' alert feed. Plain JS, no build step, no CDN: it must work offline.
// The live feed is read with fetch (not EventSource) so the bearer token travels in a
// header; after a drop it resumes from the last event id, so nothing is lost or repeated.
"use strict";

const TOKEN_KEY = "checkpoint.token";
const RETRY_MS = 1000;
const SILENCE_MS = 15000; // central sends a heartbeat every 5 s: silence means a dead link
const alerts = new Map(); // alert id -> alert JSON
let cursor = null; // last event id seen
let stream = null; // AbortController of the live feed
let retryTimer = null;
let lastHeard = 0;
const params = new URLSearchParams(location.search);
const state = { token: localStorage.getItem(TOKEN_KEY) || "", checkpoint: params.get("checkpoint") || "" };

const $ = (id) => document.getElementById(id);

function headers() {
  return state.token ? { Authorization: "Bearer " + state.token } : {};
}

class Unauthorized extends Error {}

async function api(path, options = {}) {
  const response = await fetch(path, { ...options, headers: { ...headers(), ...(options.headers || {}) } });
  if (response.status === 401) throw new Unauthorized(await response.text());
  if (!response.ok) throw new Error(path + ": HTTP " + response.status);
  return response;
}

function setStatus(text) {
  const el = $("status");
  el.textContent = text;
  el.dataset.state = text;
}

function showLogin(message) {
  stopStream();
  setStatus("offline");
  $("login").hidden = false;
  $("logout").hidden = true;
  $("feed").hidden = true;
  $("empty").hidden = true;
  $("login-error").textContent = message || "";
  $("token").focus();
}

function stopStream() {
  if (stream) stream.abort();
  stream = null;
  clearTimeout(retryTimer);
}

function filterQuery(extra) {
  const q = new URLSearchParams(extra || {});
  if (state.checkpoint) q.set("checkpoint", state.checkpoint);
  return q.toString();
}

async function start() {
  try {
    const who = await (await api("/api/whoami")).json();
    $("login").hidden = true;
    $("feed").hidden = false;
    $("logout").hidden = who.open;
    await load();
  } catch (error) {
    if (error instanceof Unauthorized) showLogin(state.token ? "Token refused" : "");
    else retryLater();
  }
}

async function load() {
  stopStream();
  const response = await api("/api/alerts?" + filterQuery({ limit: "100" }));
  cursor = response.headers.get("X-Last-Event-Id");
  alerts.clear();
  $("feed").replaceChildren();
  for (const alert of (await response.json()).reverse()) show(alert);
  refreshEmpty();
  connect();
}

function retryLater() {
  setStatus("reconnecting");
  clearTimeout(retryTimer);
  retryTimer = setTimeout(() => (cursor === null ? start() : connect()), RETRY_MS);
}

async function connect() {
  stopStream();
  const controller = new AbortController();
  stream = controller;
  try {
    const response = await api("/api/stream?" + filterQuery(cursor ? { after: cursor } : {}), {
      signal: controller.signal,
      headers: { Accept: "text/event-stream" },
    });
    setStatus("live");
    lastHeard = Date.now();
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      lastHeard = Date.now();
      buffer += value;
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        handle(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  } catch (error) {
    if (controller.signal.aborted) return;
    if (error instanceof Unauthorized) return showLogin("Token refused");
  }
  if (stream === controller) retryLater();
}

function handle(block) {
  let id = null;
  let data = "";
  for (const line of block.split("\n")) {
    if (line.startsWith("id: ")) id = line.slice(4);
    else if (line.startsWith("data: ")) data += line.slice(6);
  }
  if (!data) return;
  const message = JSON.parse(data);
  show(message.alert, message.event === "raised");
  if (id) cursor = id;
  refreshEmpty();
}

function idKey(id) {
  const [ms, seq] = id.split("-").map(Number);
  return ms * 1e6 + (seq || 0);
}

function show(alert, fresh) {
  alerts.set(alert.id, alert);
  let card = document.querySelector(`article[data-id="${alert.id}"]`);
  if (!card) {
    card = $("card").content.firstElementChild.cloneNode(true);
    card.dataset.id = alert.id;
    card.querySelector(".ack").addEventListener("click", () => acknowledge(alert.id, card));
    place(card, alert.id);
    loadPictures(card, alert);
    if (fresh && navigator.vibrate) navigator.vibrate(200);
  }
  fill(card, alert);
  refreshEscalations();
  remember(alert.checkpoint);
}

function place(card, id) {
  const feed = $("feed");
  const key = idKey(id);
  for (const other of feed.children) {
    if (idKey(other.dataset.id) < key) return feed.insertBefore(card, other);
  }
  feed.appendChild(card);
}

function fill(card, alert) {
  const text = (selector, value) => (card.querySelector(selector).textContent = value);
  card.classList.toggle("stop", alert.verdict === "STOP");
  card.classList.toggle("escalated", alert.escalated);
  card.classList.toggle("acknowledged", Boolean(alert.acknowledged_by));
  card.dataset.verdict = alert.verdict;
  text(".verdict", alert.verdict === "STOP" ? "STOP 拦截" : "CHECK 核查");
  text(".plate", alert.plate || "no plate 无牌");
  card.querySelector(".plate").classList.toggle("none", !alert.plate);
  const match = alert.match;
  text(".reason", alert.reason);
  const who = match.label ? `${match.label} (${match.key})` : match.key;
  text(".match", match.key ? `entry ${who} · ${match.category} · ${match.severity} · score ${match.score.toFixed(2)}` : "");
  text(".lane", alert.last_lane && alert.last_lane !== alert.lane ? `${alert.lane} (last: ${alert.last_lane})` : alert.lane);
  text(".time", formatTime(alert.time));
  text(".checkpoint", alert.checkpoint);
  text(".sightings", alert.sightings > 1 ? `${alert.sightings} times, last ${formatTime(alert.last_seen)}` : "once");
  text(".candidates", alert.candidates.map((c) => `${c.text} (${c.confidence})`).join(", ") || "—");
  text(".acked", alert.acknowledged_by ? `Acknowledged by ${alert.acknowledged_by} at ${formatTime(alert.acknowledged_at)}` : "");
}

function formatTime(iso) {
  if (!iso) return "";
  const t = new Date(iso);
  const today = new Date().toDateString() === t.toDateString();
  return today ? t.toLocaleTimeString() : t.toLocaleString();
}

async function loadPictures(card, alert) {
  const figure = card.querySelector(".pics");
  for (const [selector, url] of [[".evidence", alert.evidence_url], [".thumbnail", alert.thumbnail_url]]) {
    if (!url) continue;
    try {
      const blob = await (await api(url)).blob();
      const img = card.querySelector(selector);
      img.src = URL.createObjectURL(blob);
      img.classList.add("loaded");
      figure.classList.add("has-picture");
    } catch (error) {
      /* the card stays useful without its picture */
    }
  }
}

async function acknowledge(id, card) {
  const button = card.querySelector(".ack");
  button.disabled = true;
  try {
    const response = await api(`/api/alerts/${id}/ack`, { method: "POST" });
    show(await response.json());
  } catch (error) {
    if (error instanceof Unauthorized) return showLogin("Token refused");
    button.textContent = "Retry acknowledge 重试";
  } finally {
    button.disabled = false;
  }
}

function refreshEscalations() {
  const open = [...alerts.values()].filter((a) => a.escalated && !a.acknowledged_by);
  const banner = $("escalations");
  banner.hidden = open.length === 0;
  banner.textContent = `${open.length} escalated alert${open.length === 1 ? "" : "s"} not acknowledged: ` +
    open.map((a) => `${a.plate || "no plate"} (${a.lane})`).join(", ");
}

function refreshEmpty() {
  $("empty").hidden = alerts.size > 0 || !$("login").hidden;
}

const known = new Set();
function remember(checkpoint) {
  if (!checkpoint || known.has(checkpoint)) return;
  known.add(checkpoint);
  const option = document.createElement("option");
  option.value = checkpoint;
  $("checkpoints").appendChild(option);
}

$("login-form").addEventListener("submit", (event) => {
  event.preventDefault();
  state.token = $("token").value.trim();
  localStorage.setItem(TOKEN_KEY, state.token);
  start();
});

$("logout").addEventListener("click", () => {
  localStorage.removeItem(TOKEN_KEY);
  state.token = "";
  alerts.clear();
  $("feed").replaceChildren();
  showLogin("");
});

$("filter").addEventListener("submit", (event) => {
  event.preventDefault();
  state.checkpoint = $("checkpoint").value.trim();
  const url = new URL(location.href);
  if (state.checkpoint) url.searchParams.set("checkpoint", state.checkpoint);
  else url.searchParams.delete("checkpoint");
  history.replaceState(null, "", url);
  cursor = null;
  start();
});

// A Wi-Fi drop often leaves the connection open but silent: give up on it and resume.
setInterval(() => {
  if (stream && lastHeard && Date.now() - lastHeard > SILENCE_MS) {
    stopStream();
    retryLater();
  }
}, 2000);
window.addEventListener("offline", () => {
  stopStream();
  retryLater();
});
window.addEventListener("online", () => {
  clearTimeout(retryTimer);
  if (cursor === null) start();
  else connect();
});

$("checkpoint").value = state.checkpoint;
start();
