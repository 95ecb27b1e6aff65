// A jsdom page with the SDK loaded, a fake ScanLogin server behind `fetch`, and helpers.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { webcrypto } = require("node:crypto");
const { TextEncoder, TextDecoder } = require("node:util");
const { JSDOM } = require("jsdom");

const SDK = fs.readFileSync(path.join(__dirname, "..", "scanlogin.js"), "utf8");
const SCANLOGIN = "https://login.example.com";
const BASE = SCANLOGIN + "/u/acme";
const ISSUER = BASE + "/oidc";

function b64url(buf) {
  return Buffer.from(buf).toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function s256(verifier) {
  return b64url(await webcrypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
}

function jwt(claims) {
  return [b64url(JSON.stringify({ alg: "RS256", kid: "k1" })), b64url(JSON.stringify(claims)), "sig"].join(".");
}

/** The ticket API and token endpoint as ScanLogin answers them, with a status tests can push. */
class FakeServer {
  constructor() {
    this.requests = [];
    this.tickets = [];
    this.failNextPoll = 0;
    this.tokenAnswer = null;
    this.exchangeAnswer = null;
    this.createAnswer = null;
    this.codeAnswer = null;
  }

  get current() { return this.tickets[this.tickets.length - 1]; }

  /** Move the current ticket to `status` (waking its long-poll). */
  push(status, extra) {
    const t = this.current;
    Object.assign(t, { status }, extra || {});
    const waiters = t.waiters.splice(0);
    waiters.forEach((w) => w());
  }

  json(status, body) {
    return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
  }

  async fetch(input, init) {
    init = init || {};
    const url = new URL(String(input));
    const headers = Object.fromEntries(Object.entries(init.headers || {}).map(([k, v]) => [k.toLowerCase(), v]));
    const req = { method: init.method || "GET", url, headers, body: init.body, init };
    this.requests.push(req);
    const p = url.pathname;
    if (p === "/u/acme/api/qr-tickets" && req.method === "POST") { return this.create(req); }
    let m = p.match(/^\/u\/acme\/api\/qr-tickets\/([^/]+)(\/qrcode\.png|\/exchange)?$/);
    if (m) {
      const t = this.tickets.find((x) => x.key === m[1]);
      if (!t || t.binding !== headers["x-scanlogin-binding"]) { return this.json(404, { error: "ticket_not_found", message: "No such login request." }); }
      if (m[2] === "/qrcode.png" && this.codeAnswer) { return this.codeAnswer(req); }
      if (m[2] === "/qrcode.png") { return new Response(new Uint8Array([137, 80, 78, 71]), { headers: { "Content-Type": "image/png" } }); }
      if (m[2] === "/exchange") { return this.exchange(t); }
      return this.status(t, url);
    }
    if (p === "/u/acme/oidc/token" && req.method === "POST") {
      req.form = Object.fromEntries(new URLSearchParams(init.body));
      return this.tokenAnswer ? this.tokenAnswer(req) : this.json(200, { access_token: "at-1", token_type: "Bearer", expires_in: 3600, id_token: jwt({ sub: "u1", nonce: this.lastNonce, phone_number: "+8613800138000" }) });
    }
    return this.json(404, { error: "not_found" });
  }

  create(req) {
    const body = JSON.parse(req.body);
    req.json = body;
    if (this.createAnswer) { return this.createAnswer(req); }
    const key = "t" + (this.tickets.length + 1);
    this.lastNonce = body.nonce;
    this.tickets.push({ key, status: "pending", binding: req.headers["x-scanlogin-binding"], body, waiters: [], expires_in: 120 });
    return this.json(201, { ticket: key, status: "pending", qrcode_url: `/u/acme/api/qr-tickets/${key}/qrcode.png`, expires_in: 120, expires_at: "2030-01-01T00:00:00+00:00" });
  }

  async status(t, url) {
    if (this.failNextPoll > 0) { this.failNextPoll -= 1; throw new TypeError("Failed to fetch"); }
    const since = url.searchParams.get("since");
    if (t.status === since && Number(url.searchParams.get("wait")) > 0) {
      await new Promise((resolve) => t.waiters.push(resolve));  // held open until a push
    }
    const body = { ticket: t.key, status: t.status, expires_in: t.expires_in };
    if (t.scanned_by) { body.scanned_by = t.scanned_by; }
    if (t.reason) { body.reason = t.reason; }
    return this.json(200, body);
  }

  exchange(t) {
    if (this.exchangeAnswer) { return this.exchangeAnswer(t); }
    if (t.status !== "confirmed") { return this.json(409, { error: "ticket_not_confirmed", message: "not confirmed" }); }
    t.status = "consumed";
    return this.json(200, { status: "consumed", code: "code-" + t.key, redirect_uri: t.body.redirect_uri, expires_in: 60 });
  }

  pollsOf(key) { return this.requests.filter((r) => r.method === "GET" && r.url.pathname.endsWith("/" + key)); }
}

const open = [];

/** Close every page made since the last call (their timers stop): test.afterEach(closeAll). */
function closeAll() {
  open.splice(0).forEach((p) => p.close());
}

/** A page on the website's origin with the SDK loaded; `open` plays window.open. */
function page(opts) {
  opts = opts || {};
  const dom = new JSDOM("<!doctype html><html><body><div id=login></div></body></html>", {
    url: "https://shop.example.com/login", runScripts: "outside-only", pretendToBeVisual: true,
  });
  const win = dom.window;
  const server = new FakeServer();
  Object.defineProperty(win, "crypto", { value: webcrypto, configurable: true });
  win.TextEncoder = TextEncoder;
  win.TextDecoder = TextDecoder;
  win.fetch = (input, init) => server.fetch(input, init);
  let blobs = 0;
  win.URL.createObjectURL = () => `blob:https://shop.example.com/${++blobs}`;
  win.URL.revokeObjectURL = () => {};
  const popups = [];
  win.open = opts.blockPopups ? () => null : () => {
    const popup = { closed: false, location: { href: "about:blank" }, close() { this.closed = true; } };
    popups.push(popup);
    return popup;
  };
  let visibility = "visible";
  Object.defineProperty(win.document, "visibilityState", { get: () => visibility, configurable: true });
  win.eval(SDK);
  const made = {
    dom, win, server, popups, ScanLogin: win.ScanLogin,
    el: win.document.getElementById("login"),
    setVisibility(v) { visibility = v; win.document.dispatchEvent(new win.Event("visibilitychange")); },
    /** A message event as the browser delivers it from `source` on `origin`. */
    message(data, origin, source) {
      const ev = new win.Event("message");
      Object.defineProperty(ev, "data", { value: data });
      Object.defineProperty(ev, "origin", { value: origin });
      Object.defineProperty(ev, "source", { value: source });
      win.dispatchEvent(ev);
    },
    close() { win.close(); },
  };
  open.push(made);
  return made;
}

async function until(check, what, timeout) {
  const end = Date.now() + (timeout || 2000);
  while (Date.now() < end) {
    const v = check();
    if (v) { return v; }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error("timed out waiting for " + (what || check.toString()));
}

module.exports = { page, closeAll, until, s256, jwt, SCANLOGIN, BASE, ISSUER };
