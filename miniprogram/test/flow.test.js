const test = require('node:test');
const assert = require('node:assert/strict');
const { LoginFlow, TRANSITIONS } = require('../lib/flow.js');
const { createFakeWx, createFakeClock, reply } = require('./fake_wx.js');

// Every transition the tests below make is recorded; the last test checks none was left untried.
const seen = new Set();
const realGo = LoginFlow.prototype.go;
LoginFlow.prototype.go = function recordingGo(screen, patch) {
  const from = this.state.screen;
  const state = realGo.call(this, screen, patch);
  seen.add(`${from} -> ${screen}`);
  return state;
};

const SCENE = '0123456789abcdef0123456789abcdef';
const CHROME_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const SCAN_OK = {
  scan_token: 'scan-token-1',
  expires_in: 100,
  app: { name: 'Acme shop' },
  pool: { name: 'Acme' },
  connection: { display_name: 'WeChat' },
  client: { ip: '203.0.113.9', user_agent: CHROME_WINDOWS, region: { country: '中国', province: '广东', city: '深圳' } },
};
const ok = (data) => () => reply(200, data);
const error = (status, code, message = `server says ${code}`) => () => reply(status, { error: code, message });
const offline = () => ({ fail: 'request:fail timeout' });

/** A flow with scripted routes; `screens` lists every screen it reported, in order. */
function setup({ scan = ok(SCAN_OK), confirm = ok({ status: 'confirmed' }), cancel = ok({ status: 'cancelled' }), login } = {}) {
  const wx = createFakeWx({
    login,
    routes: { '/api/miniprogram/scan': scan, '/api/miniprogram/confirm': confirm, '/api/miniprogram/cancel': cancel },
  });
  const clock = createFakeClock();
  const screens = [];
  const flow = new LoginFlow({
    wx, clock, lang: 'en', config: { apiBase: 'https://login.example.com' },
    onChange: (state) => screens.push(state.screen),
  });
  const requests = (path) => wx.calls.filter((c) => c.api === 'request' && c.path === `/api/miniprogram/${path}`);
  return { wx, clock, flow, screens, requests };
}

async function reviewing(opts) {
  const ctx = setup(opts);
  await ctx.flow.start({ scene: SCENE });
  assert.equal(ctx.flow.state.screen, 'review');
  return ctx;
}

test('a scan shows the review with everything the scan answer said', async () => {
  const { flow, screens, wx, requests } = setup();
  await flow.start({ scene: encodeURIComponent(SCENE) });
  assert.deepEqual(screens, ['loading', 'review']);
  assert.deepEqual(flow.state.ticket, {
    app: 'Acme shop', pool: 'Acme', connection: 'WeChat', ip: '203.0.113.9', userAgent: CHROME_WINDOWS,
    region: { country: '中国', province: '广东', city: '深圳' },
  });
  assert.equal(flow.state.scanToken, 'scan-token-1');
  assert.equal(flow.state.remaining, 100);
  assert.deepEqual(wx.calls.slice(0, 2).map((c) => c.api), ['login', 'request']);
  assert.deepEqual(requests('scan')[0].data, { scene: SCENE, code: 'login-code-1' });
});

test('an older server without client.region gives an empty region', async () => {
  const { flow } = setup({ scan: ok({ ...SCAN_OK, client: { ip: '203.0.113.9', user_agent: CHROME_WINDOWS } }) });
  await flow.start({ scene: SCENE });
  assert.deepEqual(flow.state.ticket.region, {});
});

test('nothing is confirmed or cancelled before the user presses a button', async () => {
  const { requests } = await reviewing();
  assert.equal(requests('confirm').length, 0);
  assert.equal(requests('cancel').length, 0);
});

test('no scene: an error that asks for a new scan, without calling anyone', async () => {
  const { flow, wx } = setup();
  await flow.start({});
  assert.equal(flow.state.screen, 'error');
  assert.equal(flow.state.error.kind, 'no_scene');
  assert.equal(flow.state.retry, null);
  assert.equal(wx.calls.filter((c) => c.api === 'login' || c.api === 'request').length, 0);
});

test('scan of an expired ticket shows expired', async () => {
  const { flow, screens } = setup({ scan: error(410, 'ticket_expired') });
  await flow.start({ scene: SCENE });
  assert.deepEqual(screens, ['loading', 'expired']);
});

for (const [status, code, kind] of [
  [409, 'ticket_already_scanned', 'already_scanned'], [404, 'ticket_not_found', 'not_found'],
  [400, 'invalid_request', 'bad_request'], [502, 'wechat_misconfigured', 'misconfigured'],
]) {
  test(`scan answered ${status} ${code}: error "${kind}" with no retry`, async () => {
    const { flow } = setup({ scan: error(status, code) });
    await flow.start({ scene: SCENE });
    assert.equal(flow.state.screen, 'error');
    assert.equal(flow.state.error.kind, kind);
    assert.equal(flow.state.retry, null);
    await flow.retry(); // nothing to retry
    assert.equal(flow.state.screen, 'error');
  });
}

test('a scan refused by WeChat\'s risk control shows the refusal with the server\'s message', async () => {
  const { flow, screens } = setup({ scan: error(403, 'wechat_user_blocked', 'WeChat refused this user.') });
  await flow.start({ scene: SCENE });
  assert.deepEqual(screens, ['loading', 'refused']);
  assert.deepEqual(flow.state.refusal, { code: 'wechat_user_blocked', message: 'WeChat refused this user.' });
});

test('an invalid login code: retry runs wx.login again and scans with the new code', async () => {
  let answers = 0;
  const { flow, screens, requests } = setup({
    scan: () => (++answers === 1 ? reply(400, { error: 'wechat_code_invalid', message: 'bad code' }) : reply(200, SCAN_OK)),
  });
  await flow.start({ scene: SCENE });
  assert.equal(flow.state.screen, 'error');
  assert.equal(flow.state.error.kind, 'code_invalid');
  assert.equal(flow.state.retry, 'scan');
  await flow.retry();
  assert.deepEqual(screens, ['loading', 'error', 'loading', 'review']);
  assert.deepEqual(requests('scan').map((c) => c.data.code), ['login-code-1', 'login-code-2']);
});

for (const [name, handler, kind] of [
  ['the network fails', offline, 'network'],
  ['WeChat is unavailable (502)', error(502, 'wechat_unavailable'), 'wechat_unavailable'],
  ['the server fails (500)', () => reply(500, '<h1>Server Error</h1>'), 'server'],
]) {
  test(`scan when ${name}: error "${kind}", and retry succeeds`, async () => {
    let first = true;
    const { flow } = setup({ scan: (body) => (first ? ((first = false), handler(body)) : reply(200, SCAN_OK)) });
    await flow.start({ scene: SCENE });
    assert.equal(flow.state.error.kind, kind);
    assert.equal(flow.state.retry, 'scan');
    await flow.retry();
    assert.equal(flow.state.screen, 'review');
    assert.equal(flow.state.error, null);
  });
}

test('wx.login failing is a network error before any request', async () => {
  const { flow, requests } = setup({ login: () => ({ fail: 'login:fail' }) });
  await flow.start({ scene: SCENE });
  assert.equal(flow.state.error.kind, 'network');
  assert.equal(flow.state.retry, 'scan');
  assert.equal(requests('scan').length, 0);
});

test('confirm sends the phone code and lands on done; the countdown stops', async () => {
  const { flow, screens, requests, clock } = await reviewing();
  await flow.confirm({ code: 'phone-code-1', errMsg: 'getPhoneNumber:ok' });
  assert.deepEqual(screens, ['loading', 'review', 'confirming', 'done']);
  assert.deepEqual(requests('confirm')[0].data, { scan_token: 'scan-token-1', phone_code: 'phone-code-1' });
  assert.equal(clock.activeTimers, 0);
});

test('denying the phone number keeps the review with a hint, and nothing is sent', async () => {
  const { flow, requests } = await reviewing();
  await flow.confirm({ errMsg: 'getPhoneNumber:fail user deny' });
  assert.equal(flow.state.screen, 'review');
  assert.equal(flow.state.hint, 'phoneDenied');
  assert.equal(requests('confirm').length, 0);
  await flow.confirm({ code: 'phone-code-2' });
  assert.equal(flow.state.screen, 'done');
  assert.equal(flow.state.hint, '');
});

test('a phone button failure that is not a denial gets its own hint', async () => {
  const { flow } = await reviewing();
  await flow.confirm({ errMsg: 'getPhoneNumber:fail no permission' });
  assert.equal(flow.state.screen, 'review');
  assert.equal(flow.state.hint, 'phoneFailed');
  await flow.confirm(undefined);
  assert.equal(flow.state.hint, 'phoneFailed');
});

for (const code of ['login_only', 'user_blocked']) {
  test(`confirm refused (${code}) shows the server's message`, async () => {
    const { flow } = await reviewing({ confirm: error(403, code, `no: ${code}`) });
    await flow.confirm({ code: 'pc' });
    assert.equal(flow.state.screen, 'refused');
    assert.deepEqual(flow.state.refusal, { code, message: `no: ${code}` });
  });
}

test('confirm on an expired ticket shows expired', async () => {
  const { flow } = await reviewing({ confirm: error(410, 'ticket_expired') });
  await flow.confirm({ code: 'pc' });
  assert.equal(flow.state.screen, 'expired');
});

test('an invalid phone code goes back to the review with a hint', async () => {
  let first = true;
  const { flow, screens } = await reviewing({
    confirm: () => (first ? ((first = false), reply(400, { error: 'wechat_code_invalid', message: 'x' })) : reply(200, { status: 'confirmed' })),
  });
  await flow.confirm({ code: 'pc-1' });
  assert.equal(flow.state.screen, 'review');
  assert.equal(flow.state.hint, 'phoneCodeInvalid');
  await flow.confirm({ code: 'pc-2' });
  assert.deepEqual(screens, ['loading', 'review', 'confirming', 'review', 'confirming', 'done']);
});

for (const [name, handler] of [['offline', offline], ['WeChat unavailable', error(502, 'wechat_unavailable')]]) {
  test(`confirm ${name}: error, and retry returns to the review for a fresh phone code`, async () => {
    let first = true;
    const { flow, requests } = await reviewing({
      confirm: (body) => (first ? ((first = false), handler(body)) : reply(200, { status: 'confirmed' })),
    });
    await flow.confirm({ code: 'pc-1' });
    assert.equal(flow.state.screen, 'error');
    assert.equal(flow.state.retry, 'review');
    await flow.retry();
    assert.equal(flow.state.screen, 'review');
    assert.equal(requests('confirm').length, 1); // a phone code is single-use: the user taps again
    await flow.confirm({ code: 'pc-2' });
    assert.equal(flow.state.screen, 'done');
  });
}

test('confirm on a ticket finished elsewhere (409) is an error without retry', async () => {
  const { flow } = await reviewing({ confirm: error(409, 'ticket_not_scanned') });
  await flow.confirm({ code: 'pc' });
  assert.equal(flow.state.screen, 'error');
  assert.equal(flow.state.error.kind, 'conflict');
  assert.equal(flow.state.retry, null);
});

test('a double tap sends one confirm', async () => {
  const { flow, requests } = await reviewing();
  await Promise.all([flow.confirm({ code: 'pc-1' }), flow.confirm({ code: 'pc-2' })]);
  assert.equal(requests('confirm').length, 1);
  assert.equal(flow.state.screen, 'done');
});

test('cancel tells the server and shows cancelled', async () => {
  const { flow, screens, requests, clock } = await reviewing();
  await flow.cancel();
  assert.deepEqual(screens, ['loading', 'review', 'cancelling', 'cancelled']);
  assert.deepEqual(requests('cancel')[0].data, { scan_token: 'scan-token-1' });
  assert.equal(clock.activeTimers, 0);
});

test('cancel offline: error, and retry sends the cancel again', async () => {
  let first = true;
  const { flow, requests } = await reviewing({ cancel: () => (first ? ((first = false), offline()) : reply(200, { status: 'cancelled' })) });
  await flow.cancel();
  assert.equal(flow.state.screen, 'error');
  assert.equal(flow.state.retry, 'cancel');
  await flow.retry();
  assert.equal(flow.state.screen, 'cancelled');
  assert.equal(requests('cancel').length, 2);
});

test('cancel of an expired ticket shows expired', async () => {
  const { flow } = await reviewing({ cancel: error(410, 'ticket_expired') });
  await flow.cancel();
  assert.equal(flow.state.screen, 'expired');
});

test('the countdown ticks each second and expires the review at zero', async () => {
  const { flow, clock, requests } = await reviewing();
  clock.advance(1000);
  assert.equal(flow.state.remaining, 99);
  clock.advance(98_000);
  assert.equal(flow.state.remaining, 1);
  assert.equal(flow.state.screen, 'review');
  clock.advance(1000);
  assert.equal(flow.state.screen, 'expired');
  assert.equal(clock.activeTimers, 0);
  await flow.confirm({ code: 'too-late' });
  assert.equal(flow.state.screen, 'expired');
  assert.equal(requests('confirm').length, 0);
});

test('the countdown also expires an error screen that waits for a retry', async () => {
  const { flow, clock } = await reviewing({ confirm: offline });
  await flow.confirm({ code: 'pc' });
  assert.equal(flow.state.screen, 'error');
  clock.advance(100_000);
  assert.equal(flow.state.screen, 'expired');
});

test('scan a new code from the expired screen starts over with the new scene', async () => {
  const { flow, clock, requests, wx } = await reviewing();
  clock.advance(100_000);
  await flow.rescan({ path: 'pages/login/login?scene=fedcba9876543210fedcba9876543210' });
  assert.equal(flow.state.screen, 'review');
  assert.equal(requests('scan')[1].data.scene, 'fedcba9876543210fedcba9876543210');
  assert.equal(wx.calls.filter((c) => c.api === 'login').length, 2);
});

test('rescan is ignored on the review screen and for a code without a scene', async () => {
  const { flow, requests } = await reviewing();
  await flow.rescan({ path: 'pages/login/login?scene=abc' });
  assert.equal(requests('scan').length, 1);
  const other = setup({ scan: error(404, 'ticket_not_found') });
  await other.flow.start({ scene: SCENE });
  await other.flow.rescan({ result: 'not a url' });
  assert.equal(other.flow.state.screen, 'error');
});

test('cancel and retry are ignored where they make no sense', async () => {
  const { flow, requests } = await reviewing();
  await flow.confirm({ code: 'pc' });
  await flow.cancel();
  await flow.retry();
  assert.equal(flow.state.screen, 'done');
  assert.equal(requests('cancel').length, 0);
});

test('an illegal transition is refused', () => {
  const { flow } = setup();
  assert.throws(() => flow.go('done'), /illegal transition loading -> done/);
  assert.deepEqual(TRANSITIONS.done, []);
  assert.deepEqual(TRANSITIONS.cancelled, []);
  assert.deepEqual(TRANSITIONS.refused, []);
});

test('dispose stops the countdown', async () => {
  const { flow, clock } = await reviewing();
  assert.equal(clock.activeTimers, 1);
  flow.dispose();
  assert.equal(clock.activeTimers, 0);
});

test('every allowed transition is exercised by the tests above', () => {
  const allowed = Object.entries(TRANSITIONS).flatMap(([from, tos]) => tos.map((to) => `${from} -> ${to}`));
  const untried = allowed.filter((pair) => !seen.has(pair));
  assert.deepEqual(untried, []);
});
