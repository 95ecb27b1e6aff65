const test = require('node:test');
const assert = require('node:assert/strict');
const api = require('../lib/api.js');
const { createFakeWx, reply } = require('./fake_wx.js');

const config = { apiBase: 'https://login.example.com/', requestTimeoutMs: 5000 };

test('scan posts JSON to the base URL without a doubled slash, in the page language', async () => {
  const wx = createFakeWx({ routes: { '/api/miniprogram/scan': () => reply(200, { scan_token: 't' }) } });
  const res = await api.scan(wx, config, { scene: 's', code: 'c' }, 'en');
  assert.deepEqual(res, { ok: true, data: { scan_token: 't' }, status: 200 });
  const [call] = wx.calls;
  assert.equal(call.url, 'https://login.example.com/api/miniprogram/scan');
  assert.equal(call.method, 'POST');
  assert.deepEqual(call.data, { scene: 's', code: 'c' });
  assert.equal(call.header['content-type'], 'application/json');
  assert.equal(call.header['Accept-Language'], 'en');
});

test('confirm and cancel send the scan token in the contract\'s field names', async () => {
  const wx = createFakeWx({
    routes: {
      '/api/miniprogram/confirm': () => reply(200, { status: 'confirmed' }),
      '/api/miniprogram/cancel': () => reply(200, { status: 'cancelled' }),
    },
  });
  assert.equal((await api.confirm(wx, config, { scanToken: 'tok', phoneCode: 'pc' }, 'zh')).data.status, 'confirmed');
  assert.equal((await api.cancel(wx, config, { scanToken: 'tok' }, 'zh')).data.status, 'cancelled');
  assert.deepEqual(wx.calls[0].data, { scan_token: 'tok', phone_code: 'pc' });
  assert.deepEqual(wx.calls[1].data, { scan_token: 'tok' });
  assert.equal(wx.calls[0].header['Accept-Language'], 'zh-hans');
});

const ERRORS = [
  [404, 'ticket_not_found', 'not_found'],
  [410, 'ticket_expired', 'expired'],
  [409, 'ticket_already_scanned', 'already_scanned'],
  [400, 'wechat_code_invalid', 'code_invalid'],
  [502, 'wechat_unavailable', 'wechat_unavailable'],
  [429, 'wechat_rate_limited', 'rate_limited'],
  [502, 'wechat_misconfigured', 'misconfigured'],
  [403, 'wechat_user_blocked', 'refused'],
  [403, 'login_only', 'refused'],
  [403, 'user_blocked', 'refused'],
  [403, 'phone_in_use', 'refused'],
  // codes this page does not know fall back on the status
  [403, 'some_new_refusal', 'refused'],
  [409, 'ticket_not_scanned', 'conflict'],
  [410, 'gone', 'expired'],
  [400, 'invalid_request', 'bad_request'],
  [500, 'boom', 'server'],
];

for (const [status, code, kind] of ERRORS) {
  test(`${status} ${code} is "${kind}", with the server's code and message`, async () => {
    const wx = createFakeWx({ routes: { '/api/miniprogram/scan': () => reply(status, { error: code, message: `msg ${code}` }) } });
    const res = await api.scan(wx, config, { scene: 's', code: 'c' }, 'zh');
    assert.deepEqual(res, { ok: false, kind, code, message: `msg ${code}`, status });
  });
}

test('a proxy\'s HTML error page is a server error without a message', async () => {
  const wx = createFakeWx({ routes: { '/api/miniprogram/scan': () => reply(502, '<html>Bad Gateway</html>') } });
  assert.deepEqual(await api.scan(wx, config, { scene: 's', code: 'c' }, 'zh'),
    { ok: false, kind: 'server', code: '', message: '', status: 502 });
});

test('a JSON body delivered as text is parsed', async () => {
  const wx = createFakeWx({ routes: { '/api/miniprogram/scan': () => reply(410, '{"error":"ticket_expired","message":"gone"}') } });
  const res = await api.scan(wx, config, { scene: 's', code: 'c' }, 'zh');
  assert.equal(res.kind, 'expired');
  assert.equal(res.message, 'gone');
});

test('wx.request fail is a network outcome', async () => {
  const wx = createFakeWx({ routes: { '/api/miniprogram/cancel': () => ({ fail: 'request:fail timeout' }) } });
  assert.deepEqual(await api.cancel(wx, config, { scanToken: 't' }, 'zh'),
    { ok: false, kind: 'network', code: '', message: 'request:fail timeout', status: 0 });
});

test('wx.login gives its code, or a network outcome when it fails', async () => {
  assert.deepEqual(await api.login(createFakeWx({ login: () => ({ code: 'abc' }) })), { ok: true, code: 'abc' });
  const failed = await api.login(createFakeWx({ login: () => ({ fail: 'login:fail timeout' }) }));
  assert.equal(failed.ok, false);
  assert.equal(failed.kind, 'network');
});
