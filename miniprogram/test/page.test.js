const test = require('node:test');
const assert = require('node:assert/strict');
const { loadLoginPage } = require('./harness.js');
const { createFakeWx, reply } = require('./fake_wx.js');

const SCENE = '0123456789abcdef0123456789abcdef';
const SCAN_OK = {
  scan_token: 'tok', expires_in: 120, app: { name: 'Acme shop' }, pool: { name: 'Acme' },
  connection: { display_name: 'WeChat' },
  client: { ip: '198.51.100.7', user_agent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15' },
};

function routes(overrides = {}) {
  return {
    '/api/miniprogram/scan': () => reply(200, SCAN_OK),
    '/api/miniprogram/confirm': () => reply(200, { status: 'confirmed' }),
    '/api/miniprogram/cancel': () => reply(200, { status: 'cancelled' }),
    ...overrides,
  };
}

/** The real login page, loaded with a fake wx, after onLoad has reached its first screen. */
async function openPage(t, { language = 'zh_CN', options = { scene: SCENE }, scanResult, ...over } = {}) {
  const wx = createFakeWx({ language, routes: routes(over), scanResult });
  const page = loadLoginPage({ wx, apiBase: 'https://login.example.com' });
  t.after(() => page.onUnload());
  await page.onLoad(options);
  return { page, wx };
}

test('the page opens on the review, in Chinese, branded from config.js', async (t) => {
  const { page, wx } = await openPage(t);
  assert.deepEqual(page.screens, ['loading', 'review']);
  assert.equal(page.data.ticket.app, 'Acme shop');
  assert.equal(page.data.ticket.browser, 'macOS 上的 Safari');
  assert.equal(page.data.labels.confirm, '确认登录');
  assert.equal(page.data.brand.name, 'ScanLogin');
  assert.equal(wx.calls.find((c) => c.api === 'setNavigationBarTitle').title, '扫码登录');
  assert.equal(wx.calls.find((c) => c.api === 'setNavigationBarColor').backgroundColor, '#1f2d3d');
  assert.equal(wx.calls.find((c) => c.api === 'request').url, 'https://login.example.com/api/miniprogram/scan');
});

test('the first frame, before onLoad, is the branded loading screen', () => {
  const page = loadLoginPage({ wx: createFakeWx({ language: 'en' }) });
  assert.equal(page.data.screen, 'loading');
  assert.equal(page.data.body, 'Reading the login request…');
  assert.equal(page.data.brand.logo, '/images/logo.png');
});

test('an English WeChat gets the English page', async (t) => {
  const { page, wx } = await openPage(t, { language: 'en_US' });
  assert.equal(page.data.heading, 'Log in on your computer?');
  assert.equal(page.data.ticket.browser, 'Safari on macOS');
  assert.equal(wx.calls.find((c) => c.api === 'setNavigationBarTitle').title, 'Scan to log in');
});

test('a link QR (q) opens the same review', async (t) => {
  const { wx, page } = await openPage(t, { options: { q: encodeURIComponent(`https://login.example.com/mp/${SCENE}`) } });
  assert.equal(page.data.screen, 'review');
  assert.equal(wx.calls.find((c) => c.api === 'request').data.scene, SCENE);
});

test('the phone button confirms with e.detail.code', async (t) => {
  const { page, wx } = await openPage(t);
  await page.onPhoneNumber({ type: 'getphonenumber', detail: { code: 'phone-1', errMsg: 'getPhoneNumber:ok' } });
  assert.deepEqual(page.screens, ['loading', 'review', 'confirming', 'done']);
  assert.equal(page.data.heading, '登录成功');
  assert.deepEqual(wx.calls.filter((c) => c.api === 'request')[1].data, { scan_token: 'tok', phone_code: 'phone-1' });
  page.onClose();
  assert.ok(wx.calls.some((c) => c.api === 'exitMiniProgram'));
});

test('denying the phone number keeps the page on the review with a hint', async (t) => {
  const { page } = await openPage(t);
  await page.onPhoneNumber({ detail: { errMsg: 'getPhoneNumber:fail user deny' } });
  assert.equal(page.data.screen, 'review');
  assert.match(page.data.hint, /授权手机号/);
});

test('the cancel button cancels', async (t) => {
  const { page } = await openPage(t, { language: 'en' });
  await page.onCancel();
  assert.equal(page.data.screen, 'cancelled');
  assert.equal(page.data.heading, 'Login cancelled');
});

test('a refusal shows the server\'s message', async (t) => {
  const { page } = await openPage(t, {
    '/api/miniprogram/confirm': () => reply(403, { error: 'login_only', message: '该应用仅允许已有账号登录。' }),
  });
  await page.onPhoneNumber({ detail: { code: 'p' } });
  assert.equal(page.data.screen, 'refused');
  assert.equal(page.data.body, '该应用仅允许已有账号登录。');
});

test('a network error offers retry, and retry scans again', async (t) => {
  let first = true;
  const { page } = await openPage(t, {
    '/api/miniprogram/scan': () => (first ? ((first = false), { fail: 'request:fail timeout' }) : reply(200, SCAN_OK)),
  });
  assert.equal(page.data.screen, 'error');
  assert.equal(page.data.canRetry, true);
  await page.onRetry();
  assert.equal(page.data.screen, 'review');
});

test('an expired code offers to scan a new one with the camera', async (t) => {
  let first = true;
  const { page, wx } = await openPage(t, {
    scanResult: { path: `pages/login/login?scene=${'f'.repeat(32)}` },
    '/api/miniprogram/scan': () => (first ? ((first = false), reply(410, { error: 'ticket_expired', message: 'x' })) : reply(200, SCAN_OK)),
  });
  assert.equal(page.data.screen, 'expired');
  assert.equal(page.data.canRescan, true);
  await page.onRescan();
  assert.equal(page.data.screen, 'review');
  assert.equal(wx.calls.filter((c) => c.api === 'request')[1].data.scene, 'f'.repeat(32));
});

test('closing the camera without a code leaves the page as it was', async (t) => {
  const { page } = await openPage(t, { '/api/miniprogram/scan': () => reply(409, { error: 'ticket_already_scanned', message: 'x' }) });
  await page.onRescan();
  assert.equal(page.data.screen, 'error');
  assert.match(page.data.body, /已经被扫过/);
});
