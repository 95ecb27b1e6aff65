// ScanLogin.mountQrCode against a fake ticket API: binding header, long-poll, scan, exchange, refresh.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { page, closeAll, until, s256, BASE, ISSUER } = require("../testlib/harness");

test.afterEach(closeAll);

const OPTS = { issuer: ISSUER, clientId: "shop", connection: "wechat-pc", redirectUri: "https://shop.example.com/cb", locale: "en" };

function mount(p, extra) {
  const events = { scanned: [], success: [], expired: [], cancel: [], error: [] };
  const handle = p.ScanLogin.mountQrCode(p.el, Object.assign({}, OPTS, {
    onScanned: (w) => events.scanned.push(w), onSuccess: (r) => events.success.push(r),
    onExpired: (i) => events.expired.push(i), onCancel: (i) => events.cancel.push(i), onError: (e) => events.error.push(e),
  }, extra || {}));
  return { handle, events };
}

const state = (p) => p.el.querySelector(".scanlogin-widget").getAttribute("data-state");

test("the code is created, drawn and waited on with a binding header, never a cookie", async () => {
  const p = page();
  const { handle } = mount(p);
  await until(() => state(p) === "pending", "pending");
  const [create, image] = p.server.requests;
  assert.equal(create.method, "POST");
  assert.equal(create.url.href, BASE + "/api/qr-tickets");
  const secret = create.headers["x-scanlogin-binding"];
  assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(create.init.credentials, "omit");
  assert.deepEqual(Object.keys(create.json).sort(), ["app_id", "code_challenge", "code_challenge_method", "connection", "nonce", "redirect_uri", "scope"]);
  assert.equal(create.json.app_id, "shop");
  assert.equal(create.json.redirect_uri, "https://shop.example.com/cb");
  assert.equal(create.json.code_challenge_method, "S256");
  assert.equal(image.url.pathname, "/u/acme/api/qr-tickets/t1/qrcode.png");
  assert.equal(image.headers["x-scanlogin-binding"], secret);
  assert.match(p.el.querySelector("img.scanlogin-qr").src, /^blob:/);
  const poll = await until(() => p.server.pollsOf("t1")[0], "first long-poll");
  assert.equal(poll.url.searchParams.get("since"), "pending");
  const wait = Number(poll.url.searchParams.get("wait"));
  assert.ok(Number.isInteger(wait) && wait >= 20 && wait <= 28, `wait=${wait}`);  // spread, not always 25
  assert.equal(poll.headers["x-scanlogin-binding"], secret);
  assert.equal(poll.init.credentials, "omit");
  assert.match(p.el.querySelector(".scanlogin-countdown").textContent, /^Expires in [12]:\d\d$/);
  handle.destroy();
  assert.equal(p.el.children.length, 0);
  p.close();
});

test("a scan shows the masked scanner; the confirm ends with a code and its PKCE verifier", async () => {
  const p = page();
  const { handle, events } = mount(p);
  await until(() => p.server.pollsOf("t1").length === 1);
  p.server.push("scanned", { scanned_by: { nickname: "L***i", avatar: "" } });
  await until(() => state(p) === "scanned", "scanned");
  assert.equal(JSON.stringify(events.scanned), JSON.stringify([{ nickname: "L***i", avatar: "" }]));
  assert.equal(p.el.querySelector(".scanlogin-title").textContent, "L***i");
  assert.equal(p.el.querySelector(".scanlogin-avatar").textContent, "L");
  assert.equal(p.el.querySelector(".scanlogin-overlay").style.display, "flex");
  const second = await until(() => p.server.pollsOf("t1")[1], "second poll");
  assert.equal(second.url.searchParams.get("since"), "scanned");
  p.server.push("confirmed");
  await until(() => events.success.length === 1, "success");
  const result = events.success[0];
  assert.equal(result.code, "code-t1");
  assert.equal(result.redirectUri, "https://shop.example.com/cb");
  assert.equal(await s256(result.codeVerifier), p.server.tickets[0].body.code_challenge);
  const exchange = p.server.requests.find((r) => r.url.pathname.endsWith("/exchange"));
  assert.equal(exchange.method, "POST");
  assert.equal(exchange.headers["x-scanlogin-binding"], p.server.tickets[0].binding);
  assert.equal(state(p), "success");
  assert.equal(result.tokens, undefined);  // a confidential client's backend redeems the code
  handle.destroy();
  p.close();
});

test("with exchange: true a public client's code is redeemed with PKCE in the browser", async () => {
  const p = page();
  const { handle, events } = mount(p, { exchange: true });
  await until(() => p.server.pollsOf("t1").length === 1);
  p.server.push("confirmed");
  await until(() => events.success.length === 1, "success");
  const token = p.server.requests.find((r) => r.url.pathname === "/u/acme/oidc/token");
  assert.equal(token.form.grant_type, "authorization_code");
  assert.equal(token.form.code, "code-t1");
  assert.equal(token.form.client_id, "shop");
  assert.equal(token.form.redirect_uri, "https://shop.example.com/cb");
  assert.equal(await s256(token.form.code_verifier), p.server.tickets[0].body.code_challenge);
  assert.equal(token.form.client_secret, undefined);
  assert.equal(events.success[0].tokens.access_token, "at-1");
  assert.equal(events.success[0].tokens.claims.phone_number, "+8613800138000");
  handle.destroy();
  p.close();
});

test("an expired code is refreshed while the page is visible, a bounded number of times", async () => {
  const p = page();
  const { handle, events } = mount(p, { maxRefreshes: 2 });
  for (let n = 1; n <= 3; n++) {
    await until(() => p.server.pollsOf("t" + n).length === 1, "poll of t" + n);
    p.server.push("expired");
    await until(() => events.expired.length === n, "expired " + n);
  }
  assert.equal(p.server.tickets.length, 3);  // the first code and two refreshes, then it stops
  assert.deepEqual(events.expired.map((e) => e.refreshes), [0, 1, 2]);
  const secrets = new Set(p.server.tickets.map((t) => t.binding));
  assert.equal(secrets.size, 3);  // each code has its own binding secret
  await until(() => state(p) === "expired");
  const retry = p.el.querySelector(".scanlogin-retry");
  assert.equal(retry.style.display, "inline-block");
  assert.equal(retry.textContent, "Refresh code");
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(p.server.tickets.length, 3);
  retry.click();  // the user asks for a new code
  await until(() => p.server.tickets.length === 4 && state(p) === "pending", "fourth code");
  handle.destroy();
  p.close();
});

test("a code that expires while the page is hidden is refreshed when the page is seen again", async () => {
  const p = page();
  const { handle, events } = mount(p);
  await until(() => p.server.pollsOf("t1").length === 1);
  p.setVisibility("hidden");
  p.server.push("expired");
  await until(() => events.expired.length === 1);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(p.server.tickets.length, 1);
  assert.equal(state(p), "expired");
  p.setVisibility("visible");
  await until(() => p.server.tickets.length === 2 && state(p) === "pending", "refresh on visible");
  handle.destroy();
  p.close();
});

test("autoRefresh: false leaves the refresh to the user", async () => {
  const p = page();
  const { handle, events } = mount(p, { autoRefresh: false });
  await until(() => p.server.pollsOf("t1").length === 1);
  p.server.push("expired");
  await until(() => events.expired.length === 1);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(p.server.tickets.length, 1);
  handle.refresh();
  await until(() => p.server.tickets.length === 2);
  handle.destroy();
  p.close();
});

test("a cancel on the phone calls onCancel; a refusal calls onError with the reason", async () => {
  const p = page();
  const { handle, events } = mount(p);
  await until(() => p.server.pollsOf("t1").length === 1);
  p.server.push("cancelled");
  await until(() => events.cancel.length === 1);
  assert.equal(state(p), "cancelled");
  assert.equal(p.el.querySelector(".scanlogin-retry").style.display, "inline-block");
  p.el.querySelector(".scanlogin-retry").click();
  await until(() => p.server.pollsOf("t2").length === 1);
  p.server.push("rejected", { reason: "login_only" });
  await until(() => events.error.length === 1);
  assert.equal(events.error[0].name, "ScanLoginError");
  assert.equal(events.error[0].error, "login_only");
  assert.equal(state(p), "rejected");
  handle.destroy();
  p.close();
});

test("a network blip during the long-poll is retried; an unknown ticket is an error", async () => {
  const p = page();
  p.server.failNextPoll = 1;
  const { handle, events } = mount(p, { retryDelay: 10 });
  await until(() => p.server.pollsOf("t1").length === 2, "poll retried");
  assert.equal(events.error.length, 0);
  p.server.tickets[0].binding = "someone-else";  // the server no longer knows this widget's ticket
  p.server.push("scanned");
  await until(() => events.error.length === 1, "error");
  assert.equal(events.error[0].error, "ticket_not_found");
  assert.equal(state(p), "error");
  handle.destroy();
  p.close();
});

test("server refusals at creation reach onError with the stable code", async () => {
  const p = page();
  p.server.createAnswer = () => p.server.json(404, { error: "connection_not_found", message: "This login method is not available." });
  const { handle, events } = mount(p);
  await until(() => events.error.length === 1);
  assert.equal(events.error[0].error, "connection_not_found");
  assert.equal(p.el.querySelector(".scanlogin-status").textContent, "This login method is not available.");
  handle.destroy();
  p.close();
});

test("a refused drawing reaches onError with the stable code and the HTTP status", async () => {
  const p = page();
  p.server.codeAnswer = () => p.server.json(502, { error: "wechat_misconfigured", message: "This login method is misconfigured." });
  const { handle, events } = mount(p);
  await until(() => events.error.length === 1);
  assert.equal(events.error[0].error, "wechat_misconfigured");
  assert.equal(events.error[0].status, 502);
  assert.equal(events.error[0].detail, undefined);  // WeChat's details are for the console's Try login only
  assert.equal(state(p), "error");
  assert.equal(p.el.querySelector(".scanlogin-status").textContent, "This login method is misconfigured.");
  assert.equal(p.server.pollsOf("t1").length, 0);  // nothing to wait for without a code
  handle.destroy();
  p.close();
});

test("a connection that asks to bind an account cannot finish in the widget: bind_required", async () => {
  const p = page();
  p.server.exchangeAnswer = () => p.server.json(200, { status: "bind_required", redirect_to: "/u/acme/bind/t1" });
  const { handle, events } = mount(p, { locale: "zh-CN" });
  await until(() => p.server.pollsOf("t1").length === 1);
  p.server.push("confirmed");
  await until(() => events.error.length === 1);
  assert.equal(events.error[0].error, "bind_required");
  assert.equal(p.el.querySelector(".scanlogin-status").textContent, "此账号需要在登录页面完成绑定");
  handle.destroy();
  p.close();
});

test("pool with baseUrl addresses /u/<pool>; missing options are refused at once", async () => {
  const p = page();
  const handle = p.ScanLogin.mountQrCode(p.el, { pool: "acme", baseUrl: "https://login.example.com/", clientId: "shop", connection: "wechat-pc", redirectUri: "https://shop.example.com/cb" });
  await until(() => p.server.requests.length >= 1);
  assert.equal(p.server.requests[0].url.href, BASE + "/api/qr-tickets");
  handle.destroy();
  assert.throws(() => p.ScanLogin.mountQrCode(p.el, { issuer: ISSUER, clientId: "shop", redirectUri: "https://x/cb" }), (e) => e.error === "invalid_options");
  assert.throws(() => p.ScanLogin.mountQrCode(null, OPTS), (e) => e.error === "invalid_options");
  p.close();
});
