// e2e_run.js on its own: its node `wx` against a local HTTP server that plays both ScanLogin
// and the simulator, so a broken runner is caught here and not only in the Python e2e test.
const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('http');
const { parseArgs, request, run } = require('./e2e_run.js');

function startServer(handler) {
  const received = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      const json = body ? JSON.parse(body) : null;
      received.push({ path: req.url, body: json, headers: req.headers });
      const [status, answer] = handler(req.url, json);
      res.writeHead(status, { 'content-type': typeof answer === 'string' ? 'text/html' : 'application/json' });
      res.end(typeof answer === 'string' ? answer : JSON.stringify(answer));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ url: `http://127.0.0.1:${server.address().port}`, received, close: () => server.close() });
  }));
}

let issued = 0;
function fakeBackend(pathname, body) {
  if (pathname === '/sim/users') return [201, { id: 'u1', phone: body.phone }];
  if (pathname === '/sim/codes') return [200, { code: `${body.kind}-${body.user}-${++issued}` }];
  if (pathname === '/api/miniprogram/scan') {
    return body.code.startsWith('login-u1-')
      ? [200, { scan_token: 'tok', expires_in: 60, app: { name: 'A' }, pool: { name: 'P' }, connection: { display_name: 'C' }, client: { ip: '127.0.0.1', user_agent: '' } }]
      : [400, { error: 'wechat_code_invalid', message: 'bad' }];
  }
  if (pathname === '/api/miniprogram/confirm') {
    return body.phone_code.startsWith('phone-u1-') ? [200, { status: 'confirmed' }] : [400, { error: 'wechat_code_invalid', message: 'bad' }];
  }
  if (pathname === '/api/miniprogram/cancel') return [200, { status: 'cancelled' }];
  return [404, '<h1>no</h1>'];
}

test('arguments: required ones, and the expected screen follows the action', () => {
  const common = ['--base', 'b', '--sim', 's', '--scene', 'x', '--appid', 'wx1', '--user', 'u'];
  assert.equal(parseArgs([...common, '--action', 'confirm']).expect, 'done');
  assert.equal(parseArgs([...common, '--action', 'cancel']).expect, 'cancelled');
  assert.equal(parseArgs([...common, '--action', 'confirm', '--expect', 'refused']).expect, 'refused');
  assert.throws(() => parseArgs(['--base', 'b']), /--sim is required/);
  assert.throws(() => parseArgs(['--base', 'b', '--sim', 's', '--appid', 'a', '--user', 'u', '--action', 'cancel']), /--scene or --q/);
  assert.equal(parseArgs(['--base', 'b', '--sim', 's', '--appid', 'a', '--user', 'u', '--action', 'cancel', '--q', 'https://x/l/abc']).q, 'https://x/l/abc');
  assert.throws(() => parseArgs([...common, '--action', 'maybe']), /confirm or cancel/);
});

for (const [action, screen, apiPath] of [['confirm', 'done', '/api/miniprogram/confirm'], ['cancel', 'cancelled', '/api/miniprogram/cancel']]) {
  test(`run --action ${action}: codes from the simulator, real HTTP, ends on ${screen}`, async (t) => {
    const server = await startServer(fakeBackend);
    t.after(server.close);
    const { ok, page } = await run({ base: server.url, sim: server.url, scene: 'abc', appid: 'wx1', phone: '+8613800000000', action, expect: screen, lang: 'en' });
    assert.equal(ok, true);
    assert.deepEqual(page.screens, ['loading', 'review', action === 'confirm' ? 'confirming' : 'cancelling', screen]);
    assert.deepEqual(server.received.map((r) => r.path).filter((p) => p.startsWith('/api/')), ['/api/miniprogram/scan', apiPath]);
    assert.equal(server.received.find((r) => r.path === '/api/miniprogram/scan').headers['accept-language'], 'en');
  });
}

test('run --q opens the page as a link QR does and scans its scene', async (t) => {
  const server = await startServer(fakeBackend);
  t.after(server.close);
  const { ok } = await run({ base: server.url, sim: server.url, q: 'https://login.example.com/mp/l/scene123', appid: 'wx1', user: 'u1', action: 'cancel', expect: 'cancelled', lang: 'en' });
  assert.equal(ok, true);
  assert.equal(server.received.find((r) => r.path === '/api/miniprogram/scan').body.scene, 'scene123');
});

test('run --retries presses "Try again" after a failed scan', async (t) => {
  let scans = 0;
  const server = await startServer((pathname, body) => (pathname === '/api/miniprogram/scan' && ++scans === 1
    ? [502, { error: 'wechat_unavailable', message: 'busy' }] : fakeBackend(pathname, body)));
  t.after(server.close);
  const args = { base: server.url, sim: server.url, scene: 'abc', appid: 'wx1', user: 'u1', action: 'confirm', expect: 'done', lang: 'en' };
  const { ok, page } = await run({ ...args, retries: '1' });
  assert.equal(ok, true);
  assert.deepEqual(page.screens, ['loading', 'error', 'loading', 'review', 'confirming', 'done']);
});

test('the node wx.request hands over a non-JSON body as text, and fails on a closed port', async (t) => {
  const server = await startServer(() => [502, '<h1>Bad Gateway</h1>']);
  t.after(server.close);
  const answer = await new Promise((resolve) => request({ url: `${server.url}/x`, method: 'POST', data: {}, success: resolve, fail: resolve }));
  assert.equal(answer.statusCode, 502);
  assert.equal(answer.data, '<h1>Bad Gateway</h1>');
  const failed = await new Promise((resolve) => request({ url: 'http://127.0.0.1:9/x', method: 'POST', data: {}, success: resolve, fail: resolve }));
  assert.match(failed.errMsg, /^request:fail/);
});
