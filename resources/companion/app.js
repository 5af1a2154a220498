// FieldVisit field companion: a collector's round, check-in/out, SOS and an offline queue, on a phone.
// Tokens and unsent actions live in a vault encrypted with a key derived from the crew member's PIN.
"use strict";

const API = "/api/v1";
const PIN_TRIES = 5;
const SOS_HOLD_MS = 3000;
const POLL_MS = 5000;

const state = {
  lang: localStorage.getItem("fv.lang") || (navigator.language.startsWith("zh") ? "zh" : "en"),
  strings: {},
  vocabulary: {},
  key: null,            // AES key from the PIN, in memory only
  vault: null,          // {username, access, refresh, queue: [], sessions: {stopId: session}}
  today: null,
  skew: 0,              // server time minus this phone's time, in ms: timers follow the server
  flushing: false,
};

// ---------- text ----------
function t(key, params = {}) {
  const template = state.strings[key] || key;
  return template.replace(/\{(\w+)\}/g, (_, name) => (name in params ? params[name] : `{${name}}`));
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child.nodeType ? child : document.createTextNode(String(child)));
  }
  return node;
}

function say(text) { document.getElementById("message").textContent = text || ""; }

async function loadStrings() {
  const cacheKey = `fv.strings.${state.lang}`;
  try {
    const response = await fetch(`${API}/companion/strings?lang=${state.lang}`);
    if (!response.ok) throw new Error(String(response.status));
    localStorage.setItem(cacheKey, await response.text());
  } catch (_) { /* offline: the copy from last time */ }
  const cached = JSON.parse(localStorage.getItem(cacheKey) || "{}");
  state.strings = cached.strings || {};
  state.vocabulary = cached.vocabulary || {};
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  document.getElementById("title").textContent = t("companion.title");
  document.getElementById("lang").textContent = state.lang === "zh" ? "EN" : "中文";
}

// ---------- the PIN vault ----------
const enc = new TextEncoder();
const b64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)));
const unb64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

async function deriveKey(pin, salt) {
  const base = await crypto.subtle.importKey("raw", enc.encode(pin), "PBKDF2", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "PBKDF2", salt, iterations: 150000, hash: "SHA-256" },
    base, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
}

async function saveVault() {
  const stored = JSON.parse(localStorage.getItem("fv.vault") || "{}");
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, state.key, enc.encode(JSON.stringify(state.vault)));
  localStorage.setItem("fv.vault", JSON.stringify({ salt: stored.salt, iv: b64(iv), data: b64(data) }));
  showQueue();
}

async function createVault(pin, vault) {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  localStorage.setItem("fv.vault", JSON.stringify({ salt: b64(salt) }));
  state.key = await deriveKey(pin, salt);
  state.vault = vault;
  await saveVault();
}

async function openVault(pin) {
  const stored = JSON.parse(localStorage.getItem("fv.vault"));
  const key = await deriveKey(pin, unb64(stored.salt));
  const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: unb64(stored.iv) }, key, unb64(stored.data));
  state.key = key;
  state.vault = JSON.parse(new TextDecoder().decode(plain));
}

function forget() {
  localStorage.removeItem("fv.vault");
  localStorage.removeItem("fv.pinFailures");
  state.key = null;
  state.vault = null;
}

// ---------- the server ----------
class Offline extends Error {}
class Refused extends Error {}

async function call(method, path, body) {
  let response;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const headers = { "Content-Type": "application/json" };
    if (state.vault && state.vault.access) headers.Authorization = `Bearer ${state.vault.access}`;
    try {
      response = await fetch(API + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (_) {
      throw new Offline();
    }
    if (response.status !== 401 || attempt > 0 || !state.vault || !(await refresh())) break;
  }
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (response.ok) return data;
  const detail = (data && (data.message || data.detail)) || response.statusText;
  if (response.status >= 500) throw new Offline(String(detail));
  throw new Refused(typeof detail === "string" ? detail : JSON.stringify(detail));
}

async function refresh() {
  try {
    const response = await fetch(`${API}/auth/refresh`, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: state.vault.refresh }),
    });
    if (!response.ok) return false;
    const tokens = await response.json();
    state.vault.access = tokens.access_token;
    state.vault.refresh = tokens.refresh_token || state.vault.refresh;
    await saveVault();
    return true;
  } catch (_) {
    return false;
  }
}

// ---------- the offline queue: every action has its own id, so the server applies it once ----------
function newId() { return crypto.randomUUID ? crypto.randomUUID() : b64(crypto.getRandomValues(new Uint8Array(16))); }

async function enqueue(action) {
  state.vault.queue.push({ id: newId(), at: new Date().toISOString(), ...action });
  await saveVault();
  return flush();
}

function showQueue() {
  const box = document.getElementById("queue");
  const count = state.vault ? state.vault.queue.length : 0;
  box.hidden = count === 0;
  box.textContent = count ? t("companion.queue", { count }) : "";
  box.dataset.count = String(count);
}

async function visitOf(action) {
  if (action.visit_id) return action.visit_id;
  const started = await call("POST", `/stops/${action.stop_id}/start`);
  action.visit_id = started.visit_id;
  return action.visit_id;
}

async function send(action) {
  const visit = action.kind === "sos" || action.kind === "extend" ? null : await visitOf(action);
  if (action.kind === "check_in") {
    return call("POST", `/visits/${visit}/check-in`, {
      position: action.position, location_status: action.location_status,
      client_event_id: action.id, at: action.at,
    });
  }
  if (action.kind === "check_out") {
    return call("POST", `/visits/${visit}/check-out`, {
      outcome: action.outcome, position: action.position, pin: action.pin,
      declaration: action.declaration || null, client_event_id: action.id, at: action.at,
    });
  }
  if (action.kind === "extend") return call("POST", `/safety-sessions/${action.session_id}/extend`);
  return call("POST", `/safety-sessions/${action.session_id}/sos`, { position: action.position });
}

async function flush() {
  if (state.flushing || !state.vault) return;
  state.flushing = true;
  try {
    while (state.vault.queue.length) {
      const action = state.vault.queue[0];
      let result;
      try {
        result = await send(action);
      } catch (error) {
        if (error instanceof Refused) {
          say(t("companion.rejected", { detail: error.message }));
          state.vault.queue.shift();
          await saveVault();
          continue;
        }
        setOnline(false);
        return;
      }
      setOnline(true);
      remember(action, result);
      state.vault.queue.shift();
      await saveVault();
    }
  } finally {
    state.flushing = false;
    showQueue();
  }
}

function remember(action, result) {
  const sessions = state.vault.sessions;
  if (action.kind === "check_in" && result) {
    sessions[action.stop_id] = { ...sessions[action.stop_id], session_id: result.session_id,
      visit_id: action.visit_id, expected_end: result.expected_end, sent: true };
  } else if (action.kind === "extend" && result && sessions[action.stop_id]) {
    sessions[action.stop_id].expected_end = result.expected_end;
  }
}

function setOnline(online) {
  const badge = document.getElementById("net");
  badge.hidden = online;
  badge.textContent = t("companion.offline");
}

// ---------- position ----------
function position() {
  return new Promise((resolve) => {
    if (!navigator.geolocation) return resolve({ position: null, location_status: "unavailable" });
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ position: { lat: p.coords.latitude, lon: p.coords.longitude, accuracy_m: p.coords.accuracy },
                       location_status: "ok" }),
      (error) => resolve({ position: null, location_status: error.code === 1 ? "denied" : "unavailable" }),
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 0 });
  });
}

// ---------- screens ----------
function show(...children) {
  const view = document.getElementById("view");
  view.replaceChildren(...children);
}

function signInScreen() {
  const user = el("input", { id: "username", autocomplete: "username", autocapitalize: "none" });
  const pass = el("input", { id: "password", type: "password", autocomplete: "current-password" });
  const form = el("form", { class: "card", onsubmit: async (event) => {
    event.preventDefault();
    say("");
    try {
      const tokens = await call("POST", "/auth/sign-in", { username: user.value.trim(), password: pass.value });
      pinScreen({ username: user.value.trim(), access: tokens.access_token, refresh: tokens.refresh_token, queue: [], sessions: {} });
    } catch (error) {
      say(t("companion.sign_in_failed", { detail: error.message || t("companion.offline") }));
    }
  } },
  el("label", { for: "username" }, t("companion.username")), user,
  el("label", { for: "password" }, t("companion.password")), pass,
  el("button", { class: "primary", type: "submit", id: "sign-in" }, t("companion.sign_in")));
  show(form);
}

function pinScreen(vault) {
  const pin = el("input", { id: "pin", type: "password", inputmode: "numeric", autocomplete: "off" });
  const again = el("input", { id: "pin-again", type: "password", inputmode: "numeric", autocomplete: "off" });
  show(el("form", { class: "card", onsubmit: async (event) => {
    event.preventDefault();
    if (!/^\d{4,6}$/.test(pin.value)) return say(t("companion.pin_format"));
    if (pin.value !== again.value) return say(t("companion.pin_mismatch"));
    say("");
    await createVault(pin.value, vault);
    todayScreen();
  } },
  el("h2", {}, t("companion.set_pin")),
  el("label", { for: "pin" }, t("companion.pin")), pin,
  el("label", { for: "pin-again" }, t("companion.pin_again")), again,
  el("button", { class: "primary", type: "submit", id: "save-pin" }, t("companion.save"))));
}

function unlockScreen() {
  const pin = el("input", { id: "pin", type: "password", inputmode: "numeric", autocomplete: "off" });
  show(el("form", { class: "card", onsubmit: async (event) => {
    event.preventDefault();
    try {
      await openVault(pin.value);
      localStorage.removeItem("fv.pinFailures");
      say("");
      todayScreen();
      flush();
    } catch (_) {
      const failures = Number(localStorage.getItem("fv.pinFailures") || 0) + 1;
      localStorage.setItem("fv.pinFailures", String(failures));
      if (failures >= PIN_TRIES) {
        forget();
        say(t("companion.pin_locked"));
        signInScreen();
      } else {
        say(t("companion.pin_wrong", { left: PIN_TRIES - failures }));
      }
    }
  } },
  el("label", { for: "pin" }, t("companion.enter_pin")), pin,
  el("button", { class: "primary", type: "submit", id: "unlock" }, t("companion.unlock"))));
}

async function todayScreen() {
  showQueue();
  try {
    state.today = await call("GET", "/companion/today");
    if (state.today) state.skew = new Date(state.today.now) - Date.now();
    setOnline(true);
  } catch (error) {
    if (error instanceof Refused) { say(t("companion.error", { detail: error.message })); }
    else setOnline(false);
  }
  const today = state.today;
  const toolbar = el("div", { class: "links" },
    el("button", { class: "secondary", type: "button", id: "refresh", onclick: () => todayScreen() }, t("companion.refresh")),
    el("button", { class: "secondary", type: "button", id: "sign-out", onclick: signOut }, t("companion.sign_out")));
  if (!today || !today.stops || !today.stops.length) {
    return show(el("div", { class: "card" }, el("h2", {}, t("companion.today")), el("p", {}, t("companion.no_round"))), toolbar);
  }
  for (const stop of today.stops) {  // a visit under way, begun on this phone or another
    if (stop.session_id && !(state.vault.sessions[stop.stop_id] || {}).closed) {
      state.vault.sessions[stop.stop_id] = { session_id: stop.session_id, visit_id: stop.visit_id,
        expected_end: stop.expected_end, sent: true };
    }
  }
  await saveVault();
  const open = Object.entries(state.vault.sessions).find(([, s]) => !s.closed);
  if (open) {
    const stop = today.stops.find((s) => String(s.stop_id) === open[0]);
    if (stop) return visitScreen(stop);
  }
  show(el("h2", {}, t("companion.today")), ...today.stops.map(stopCard), toolbar);
}

function stopCard(stop) {
  const done = state.vault.sessions[stop.stop_id] && state.vault.sessions[stop.stop_id].closed;
  return el("div", { class: "card stop", "data-stop": stop.stop_id },
    el("h2", {}, `${t("companion.stop", { seq: stop.seq })} · ${stop.case_number}`),
    el("div", {}, stop.debtor_name || ""),
    el("div", { class: "address" }, stop.address),
    el("div", { class: "muted" }, [t("companion.eta", { time: stop.eta }),
      stop.window ? t("companion.window", { window: stop.window }) : null].filter(Boolean).join(" · ")),
    el("span", { class: "status" }, t(`companion.status.${stop.status}`)),
    el("div", { class: "links" }, (stop.links || []).map((link) =>
      el("a", { href: link.url, target: "_blank", rel: "noopener noreferrer" }, t(`companion.app.${link.app}`)))),
    stop.workable && !done
      ? el("button", { class: "primary check-in", type: "button", onclick: () => checkIn(stop) }, t("companion.check_in"))
      : null);
}

async function checkIn(stop) {
  say(t("companion.checking_in"));
  const where = await position();
  say(where.location_status === "ok"
    ? t("companion.location_accuracy", { metres: Math.round(where.position.accuracy_m) })
    : t("companion.location_denied"));
  const plannedEnd = new Date(Date.now() + state.skew + (stop.planned_minutes || 30) * 60000).toISOString();
  state.vault.sessions[stop.stop_id] = { visit_id: stop.visit_id, expected_end: plannedEnd, sent: false };
  await saveVault();
  visitScreen(stop);
  await enqueue({ kind: "check_in", stop_id: stop.stop_id, visit_id: stop.visit_id, ...where });
  visitScreen(stop);
}

function clockText(seconds) {
  const two = (n) => String(n).padStart(2, "0");
  const hours = Math.floor(seconds / 3600);
  const rest = `${two(Math.floor((seconds % 3600) / 60))}:${two(seconds % 60)}`;
  return hours ? `${hours}:${rest}` : rest;
}

let ticker = null;
let poller = null;
let retick = () => {};  // redraws the running timer at once (after the server's time is known)

function visitScreen(stop) {
  clearInterval(ticker);
  clearInterval(poller);
  const session = state.vault.sessions[stop.stop_id];
  const timer = el("div", { class: "timer", id: "timer" });
  const caption = el("div", { class: "muted", id: "timer-caption" });
  const tick = () => {
    const left = Math.round((new Date(session.expected_end) - (Date.now() + state.skew)) / 1000);
    const text = clockText(Math.abs(left));
    timer.textContent = text;
    timer.classList.toggle("overdue", left < 0);
    caption.textContent = left < 0 ? t("companion.overdue", { time: text }) : t("companion.time_left", { time: text });
  };
  tick();
  retick = tick;
  ticker = setInterval(tick, 1000);
  poller = setInterval(() => pollSession(stop), POLL_MS);
  pollSession(stop);
  show(
    el("div", { class: "card" },
      el("h2", {}, `${t("companion.in_visit")} · ${t("companion.stop", { seq: stop.seq })} · ${stop.case_number}`),
      el("div", { class: "address" }, stop.address), timer, caption,
      el("button", { class: "secondary", type: "button", id: "extend", onclick: () => extend(stop) }, t("companion.extend")),
      sosButton(stop)),
    checkOutForm(stop));
}

async function pollSession(stop) {
  const session = state.vault.sessions[stop.stop_id];
  if (!session || !session.session_id) return;
  try {
    const status = await call("GET", `/companion/sessions/${session.session_id}`);
    state.skew = new Date(status.now) - Date.now();
    if (status.expected_end) session.expected_end = status.expected_end;
    retick();
    showAlarm(status);
  } catch (_) { /* the banner keeps its last state */ }
}

function showAlarm(status) {
  const banner = document.getElementById("alarm");
  const alarm = status && status.alarm;
  banner.hidden = !alarm;
  if (!alarm) return;
  banner.classList.toggle("acknowledged", Boolean(alarm.acknowledged_by));
  banner.textContent = alarm.acknowledged_by
    ? t("companion.alarm_acknowledged", { by: alarm.acknowledged_by })
    : t("companion.alarm_active");
  if (!alarm.acknowledged_by && navigator.vibrate) navigator.vibrate([400, 200, 400]);
}

async function extend(stop) {
  const session = state.vault.sessions[stop.stop_id];
  if (!session.session_id) return;
  await enqueue({ kind: "extend", stop_id: stop.stop_id, session_id: session.session_id });
  visitScreen(stop);
}

function choice(name, options, onchange) {
  return el("select", { id: name, name, onchange },
    el("option", { value: "" }, t("companion.choose")),
    (options || []).map(([value, label]) => el("option", { value }, label)));
}

// What the debtor declared at the door ("not at these times", "no more visits here"): sent with
// the check-out, stored as a blackout the next planning honours. Checked here, before it is
// queued: a refused declaration would refuse the whole check-out on the server.
function declarationFields() {
  const kind = el("select", { id: "declaration-kind", onchange: () => toggle() },
    el("option", { value: "" }, t("companion.choose")),
    ["inconvenient", "no_visits_here"].map((k) => el("option", { value: k }, t(`safety.declare.kind.${k}`))));
  const weekday = el("select", { id: "declaration-weekday" },
    el("option", { value: "" }, t("safety.declare.every_day")),
    [0, 1, 2, 3, 4, 5, 6].map((d) => el("option", { value: String(d) }, t(`ui.weekday.${d}`))));
  const corrected = () => { error.hidden = true; };
  const start = el("input", { id: "declaration-start", type: "time", value: "18:00", oninput: corrected });
  const end = el("input", { id: "declaration-end", type: "time", value: "21:00", oninput: corrected });
  const note = el("input", { id: "declaration-note", maxlength: "500", placeholder: t("safety.declare.note_hint") });
  const error = el("p", { class: "error", id: "declaration-error", hidden: true });
  const times = el("div", { hidden: true },
    el("label", { for: "declaration-weekday" }, t("safety.declare.field.weekday")), weekday,
    el("label", { for: "declaration-start" }, t("safety.declare.field.start")), start,
    el("label", { for: "declaration-end" }, t("safety.declare.field.end")), end);
  const rest = el("div", { hidden: true }, times,
    el("label", { for: "declaration-note" }, t("safety.declare.field.note")), note);
  function toggle() {
    rest.hidden = !kind.value;
    times.hidden = kind.value !== "inconvenient";
    error.hidden = true;
  }
  function value() {  // undefined: nothing declared; null: not valid (the error is shown)
    if (!kind.value) return undefined;
    if (kind.value === "no_visits_here") return { kind: kind.value, note: note.value || null };
    if (!start.value || !end.value || end.value <= start.value) {
      error.textContent = t("safety.declare.error.end");
      error.hidden = false;
      return null;
    }
    return { kind: kind.value, weekday: weekday.value === "" ? null : Number(weekday.value),
             start: start.value, end: end.value, note: note.value || null };
  }
  const box = el("fieldset", { id: "declaration" },
    el("legend", {}, t("safety.declare.field.kind")), kind, rest, error);
  return { box, value };
}

function checkOutForm(stop) {
  const v = state.vocabulary;
  const fields = {
    person_met: choice("person_met", v.person_met),
    outcome: choice("outcome", v.outcome, () => toggle()),
    next_action: choice("next_action", v.next_action),
    next_action_date: el("input", { id: "next_action_date", type: "date" }),
    ptp_amount: el("input", { id: "ptp_amount", inputmode: "decimal" }),
    ptp_date: el("input", { id: "ptp_date", type: "date" }),
    payment_amount: el("input", { id: "payment_amount", inputmode: "decimal" }),
    payment_method: choice("payment_method", v.payment_method),
    notes: el("textarea", { id: "notes", rows: 2 }),
  };
  const pin = el("input", { id: "checkout-pin", type: "password", inputmode: "numeric", autocomplete: "off" });
  const promise = el("div", { hidden: true }, label("ptp_amount"), fields.ptp_amount, label("ptp_date"), fields.ptp_date);
  const payment = el("div", { hidden: true }, label("payment_amount"), fields.payment_amount, label("payment_method"), fields.payment_method);
  function toggle() {
    promise.hidden = fields.outcome.value !== "promise_to_pay";
    payment.hidden = !["payment_collected", "partial_payment"].includes(fields.outcome.value);
  }
  function label(name) { return el("label", { for: name }, t(`companion.${name}`)); }
  const declared = declarationFields();
  return el("form", { class: "card", id: "check-out", onsubmit: async (event) => {
    event.preventDefault();
    const declaration = declared.value();
    if (declaration === null) return;
    const outcome = {};
    for (const [name, input] of Object.entries(fields)) {
      if (input.value && !input.closest("[hidden]")) outcome[name] = input.value;
    }
    const where = await position();
    const session = state.vault.sessions[stop.stop_id];
    session.closed = true;
    await saveVault();
    clearInterval(ticker);
    clearInterval(poller);
    // The same screen whatever the PIN was: a duress check-out must look like any other.
    show(el("div", { class: "card", id: "checked-out" }, el("p", {}, t("companion.done")),
      el("button", { class: "primary", type: "button", id: "back", onclick: () => todayScreen() }, t("companion.back"))));
    await enqueue({ kind: "check_out", stop_id: stop.stop_id, visit_id: session.visit_id, outcome,
                    pin: pin.value, position: where.position, declaration });
  } },
  label("person_met"), fields.person_met, label("outcome"), fields.outcome, promise, payment,
  label("next_action"), fields.next_action, label("next_action_date"), fields.next_action_date,
  label("notes"), fields.notes, declared.box,
  el("label", { for: "checkout-pin" }, t("companion.checkout_pin")), pin,
  el("button", { class: "primary", type: "submit", id: "submit-check-out" }, t("companion.check_out")));
}

function sosButton(stop) {
  const button = el("button", { class: "sos", type: "button", id: "sos" }, t("companion.sos"));
  let timer = null;
  const reset = () => { clearInterval(timer); timer = null; button.textContent = t("companion.sos"); };
  button.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    const started = Date.now();
    button.textContent = t("companion.sos_countdown", { seconds: 3 });
    timer = setInterval(async () => {
      const left = SOS_HOLD_MS - (Date.now() - started);
      if (left > 0) {
        button.textContent = t("companion.sos_countdown", { seconds: Math.ceil(left / 1000) });
        return;
      }
      reset();
      await sendSos(stop);
    }, 100);
  });
  for (const type of ["pointerup", "pointerleave", "pointercancel"]) button.addEventListener(type, () => { if (timer) reset(); });
  return button;
}

async function sendSos(stop) {
  const where = await position();
  const session = state.vault.sessions[stop.stop_id];
  const action = { id: newId(), at: new Date().toISOString(), kind: "sos", stop_id: stop.stop_id,
                   session_id: session.session_id, position: where.position };
  try {
    await send(action);
    say(t("companion.sos_sent"));
    pollSession(stop);
  } catch (_) {
    state.vault.queue.push(action);
    await saveVault();
    say(t("companion.sos_queued"));
  }
}

async function signOut() {
  try { await call("POST", "/auth/sign-out", { refresh_token: state.vault.refresh }); } catch (_) { /* offline */ }
  forget();
  signInScreen();
}

// ---------- start ----------
async function start() {
  await loadStrings();
  document.getElementById("lang").addEventListener("click", async () => {
    state.lang = state.lang === "zh" ? "en" : "zh";
    localStorage.setItem("fv.lang", state.lang);
    await loadStrings();
    if (state.vault) todayScreen(); else if (localStorage.getItem("fv.vault")) unlockScreen(); else signInScreen();
  });
  window.addEventListener("online", () => flush());
  setInterval(() => flush(), 15000);
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("sw.js").catch(() => {});
  if (localStorage.getItem("fv.vault")) unlockScreen(); else signInScreen();
}

start();
