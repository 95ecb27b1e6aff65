// ScanLogin.loginWithPopup: the web_message answer, checked for origin, source and state.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { page, closeAll, until, s256, jwt, SCANLOGIN, ISSUER } = require("../testlib/harness");

test.afterEach(closeAll);

const OPTS = { issuer: ISSUER, clientId: "shop", redirectUri: "https://shop.example.com/cb", closedCheckInterval: 10 };

function authorizeParams(popup) {
  const url = new URL(popup.location.href);
  assert.equal(url.origin + url.pathname, ISSUER + "/authorize");
  return Object.fromEntries(url.searchParams);
}

async function opened(p) {
  const popup = await until(() => p.popups[0] && p.popups[0].location.href !== "about:blank" && p.popups[0], "popup navigated");
  return { popup, params: authorizeParams(popup) };
}

test("a confidential client gets {code, state} from the popup's web_message", async () => {
  const p = page();
  const result = p.ScanLogin.loginWithPopup(OPTS);
  const { popup, params } = await opened(p);
  assert.equal(params.response_mode, "web_message");
  assert.equal(params.response_type, "code");
  assert.equal(params.client_id, "shop");
  assert.equal(params.redirect_uri, "https://shop.example.com/cb");
  assert.equal(params.scope, "openid profile phone");
  assert.match(params.state, /^[A-Za-z0-9_-]{22}$/);
  assert.equal(params.code_challenge, undefined);  // the backend redeems with its secret
  p.message({ type: "authorization_response", response: { code: "c-1", state: params.state } }, SCANLOGIN, popup);
  const got = await result;
  assert.equal(got.code, "c-1");
  assert.equal(got.state, params.state);
  assert.equal(got.nonce, params.nonce);
  assert.equal(popup.closed, true);
});

test("messages from another origin, another window or of another type are ignored", async () => {
  const p = page();
  const result = p.ScanLogin.loginWithPopup(OPTS);
  const { popup, params } = await opened(p);
  const good = { type: "authorization_response", response: { code: "c-good", state: params.state } };
  p.message({ type: "authorization_response", response: { code: "c-evil", state: params.state } }, "https://evil.example.com", popup);
  p.message({ type: "authorization_response", response: { code: "c-frame", state: params.state } }, SCANLOGIN, { other: true });
  p.message({ type: "something_else", response: { code: "c-type", state: params.state } }, SCANLOGIN, popup);
  p.message("authorization_response", SCANLOGIN, popup);
  p.message(good, SCANLOGIN, popup);
  assert.equal((await result).code, "c-good");
});

test("an answer for another state is refused (state_mismatch)", async () => {
  const p = page();
  const result = p.ScanLogin.loginWithPopup(OPTS);
  const { popup } = await opened(p);
  p.message({ type: "authorization_response", response: { code: "c", state: "forged" } }, SCANLOGIN, popup);
  await assert.rejects(result, (e) => e.name === "ScanLoginError" && e.error === "state_mismatch");
});

test("an error answer rejects with its code: access_denied", async () => {
  const p = page();
  const result = p.ScanLogin.loginWithPopup(OPTS);
  const { popup, params } = await opened(p);
  p.message({ type: "authorization_response", response: { error: "access_denied", error_description: "The user cancelled.", state: params.state } }, SCANLOGIN, popup);
  await assert.rejects(result, (e) => e.error === "access_denied" && e.message === "The user cancelled." && e.state === params.state);
});

test("a blocked popup rejects at once with popup_blocked", async () => {
  const p = page({ blockPopups: true });
  await assert.rejects(p.ScanLogin.loginWithPopup(OPTS), (e) => e.error === "popup_blocked");
});

test("a popup the user closes rejects with popup_closed", async () => {
  const p = page();
  const result = p.ScanLogin.loginWithPopup(OPTS);
  const { popup } = await opened(p);
  popup.close();
  await assert.rejects(result, (e) => e.error === "popup_closed");
});

test("no answer in time rejects with timeout and closes the popup", async () => {
  const p = page();
  const result = p.ScanLogin.loginWithPopup(Object.assign({}, OPTS, { timeout: 60 }));
  const { popup } = await opened(p);
  await assert.rejects(result, (e) => e.error === "timeout");
  assert.equal(popup.closed, true);
});

test("a public client sends PKCE and resolves with the redeemed tokens", async () => {
  const p = page();
  const result = p.ScanLogin.loginWithPopup(Object.assign({}, OPTS, { clientType: "public", clientId: "spa" }));
  const { popup, params } = await opened(p);
  assert.equal(params.code_challenge_method, "S256");
  p.server.tokenAnswer = (req) => p.server.json(200, { access_token: "at-9", token_type: "Bearer", expires_in: 3600, id_token: jwt({ sub: "u9", nonce: params.nonce }) });
  p.message({ type: "authorization_response", response: { code: "c-9", state: params.state } }, SCANLOGIN, popup);
  popup.close();  // the page closes itself as it answers: not a cancellation any more
  const tokens = await result;
  assert.equal(tokens.access_token, "at-9");
  assert.equal(tokens.claims.sub, "u9");
  assert.equal(tokens.state, params.state);
  const token = p.server.requests.find((r) => r.url.pathname === "/u/acme/oidc/token");
  assert.equal(token.form.client_id, "spa");
  assert.equal(token.form.code, "c-9");
  assert.equal(token.init.credentials, "omit");
  assert.equal(await s256(token.form.code_verifier), params.code_challenge);
});

test("a public client refuses an ID token with another nonce", async () => {
  const p = page();
  const result = p.ScanLogin.loginWithPopup(Object.assign({}, OPTS, { clientType: "public" }));
  const { popup, params } = await opened(p);
  p.server.tokenAnswer = () => p.server.json(200, { access_token: "a", token_type: "Bearer", expires_in: 1, id_token: jwt({ sub: "u", nonce: "other" }) });
  p.message({ type: "authorization_response", response: { code: "c", state: params.state } }, SCANLOGIN, popup);
  await assert.rejects(result, (e) => e.error === "invalid_nonce");
});

test("a token endpoint error is passed on with its OAuth code", async () => {
  const p = page();
  const result = p.ScanLogin.loginWithPopup(Object.assign({}, OPTS, { clientType: "public" }));
  const { popup, params } = await opened(p);
  p.server.tokenAnswer = () => p.server.json(400, { error: "invalid_grant", error_description: "code used" });
  p.message({ type: "authorization_response", response: { code: "c", state: params.state } }, SCANLOGIN, popup);
  await assert.rejects(result, (e) => e.error === "invalid_grant" && e.message === "code used");
});

test("pool + baseUrl finds the issuer; missing options reject with invalid_options", async () => {
  const p = page();
  const result = p.ScanLogin.loginWithPopup({ pool: "acme", baseUrl: SCANLOGIN, clientId: "shop", redirectUri: "https://shop.example.com/cb" });
  const { popup, params } = await opened(p);
  p.message({ type: "authorization_response", response: { code: "c", state: params.state } }, SCANLOGIN, popup);
  assert.equal((await result).code, "c");
  await assert.rejects(p.ScanLogin.loginWithPopup({ issuer: ISSUER, redirectUri: "https://x/cb" }), (e) => e.error === "invalid_options");
  assert.equal(p.popups.length, 1);  // no window opened for a call that cannot work
});
