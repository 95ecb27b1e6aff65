// The login page as WeChat's own tooling renders it (miniprogram-simulate + j-component, WXML
// compiled by WeChat's wcc, WXSS inserted), on every screen the flow has, in Chinese and English.
// The page is the real pages/login/login.js; each screen is reached by the answers ScanLogin
// would give and by pressing the rendered buttons, never by setting page data by hand.
const test = require('node:test');
const assert = require('node:assert/strict');
const { reply } = require('./fake_wx.js');
const { STRINGS } = require('../lib/i18n.js');
const {
  renderLoginPage, wxssError, tree, textOf, reviewRows, buttons, wechatProblems, unstyledClasses, press, until, byClass,
} = require('./simulate.js');

const SCENE = '0123456789abcdef0123456789abcdef';
const QQ_BROWSER_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/94.0.4606.71 Safari/537.36 Core/1.94.197.400 QQBrowser/11.7.5287.400';
const SCAN_OK = {
  scan_token: 'scan-token-1', expires_in: 102, app: { name: 'Acme 商城' }, pool: { name: 'Acme 用户' },
  connection: { display_name: '微信扫码登录' },
  client: { ip: '113.116.0.1', user_agent: QQ_BROWSER_WINDOWS, region: { country: '中国', province: '广东', city: '深圳' } },
};
const pending = () => new Promise(() => {}); // an answer that has not come yet
const ROUTES = {
  '/api/miniprogram/scan': () => reply(200, SCAN_OK),
  '/api/miniprogram/confirm': () => reply(200, { status: 'confirmed' }),
  '/api/miniprogram/cancel': () => reply(200, { status: 'cancelled' }),
};
const LANGS = { zh: 'zh_CN', en: 'en' };

/** The real page, rendered, after onLoad has reached its first screen (or is still waiting). */
async function open(t, { lang = 'zh', routes = {}, options = { scene: SCENE }, scanResult } = {}) {
  const rendered = renderLoginPage({ language: LANGS[lang], routes: { ...ROUTES, ...routes }, scanResult });
  const { page } = rendered;
  t.after(() => page.onUnload());
  const loaded = page.onLoad(options);
  await until(() => page.data.screen !== 'loading');
  return { ...rendered, loaded, view: () => tree(rendered.comp) };
}

/** Nothing on the screen that WeChat would refuse or ignore, and every class styled. */
function assertWellFormed(view, page) {
  assert.deepEqual(wechatProblems(view, page), []);
  assert.deepEqual(unstyledClasses(view), []);
}

const headingOf = (view) => textOf(byClass(view, 'heading')[0] || '');
const bodyOf = (view) => byClass(view, 'body').concat(byClass(view, 'lead')).map(textOf).join(' ');

const REVIEW = {
  zh: {
    heading: '确认在电脑上登录',
    rows: {
      应用: 'Acme 商城', 用户池: 'Acme 用户', 登录方式: '微信扫码登录', 浏览器: 'Windows 上的 QQ 浏览器', 所在地区: '广东 深圳', 'IP 地址': '113.116.0.1',
    },
    countdown: '1:42 后过期', confirm: '确认登录', cancel: '取消',
  },
  en: {
    heading: 'Log in on your computer?',
    rows: {
      Application: 'Acme 商城', 'User pool': 'Acme 用户', 'Login method': '微信扫码登录', Browser: 'QQ Browser on Windows', Location: '广东 深圳', 'IP address': '113.116.0.1',
    },
    countdown: 'Expires in 1:42', confirm: 'Confirm login', cancel: 'Cancel',
  },
};

for (const lang of ['zh', 'en']) {
  test(`review (${lang}): application, pool, connection, browser, region above the IP, and the two buttons`, async (t) => {
    const { view, page } = await open(t, { lang });
    const v = view();
    const want = REVIEW[lang];
    assert.equal(headingOf(v), want.heading);
    assert.deepEqual(reviewRows(v), want.rows);
    const labels = Object.keys(reviewRows(v));
    assert.equal(labels.indexOf(Object.keys(want.rows)[4]) + 1, labels.indexOf(Object.keys(want.rows)[5]), 'the region is the row above the IP');
    assert.equal(textOf(byClass(v, 'countdown')[0]), want.countdown);
    assert.equal(textOf(byClass(v, 'warning')[0]), STRINGS[lang].warning);
    const [confirm, cancel, ...others] = buttons(v);
    assert.equal(others.length, 0);
    assert.equal(confirm.text, want.confirm);
    assert.equal(confirm.attrs.openType, 'getPhoneNumber');
    assert.deepEqual(confirm.events, { getphonenumber: 'onPhoneNumber' });
    assert.equal(confirm.attrs.disabled, false);
    assert.equal(cancel.text, want.cancel);
    assert.deepEqual(cancel.events, { tap: 'onCancel' });
    assert.equal(cancel.attrs.openType, undefined);
    assertWellFormed(v, page);
  });
}

test('the phone button confirms with the code WeChat hands to bindgetphonenumber', async (t) => {
  const { comp, page, wx, view } = await open(t, { lang: 'en' });
  press(comp, 'Confirm login', { event: 'getphonenumber', detail: { code: 'phone-code-1', errMsg: 'getPhoneNumber:ok' } });
  await until(() => page.data.screen === 'done');
  const requests = wx.calls.filter((c) => c.api === 'request');
  assert.equal(requests[1].path, '/api/miniprogram/confirm');
  assert.deepEqual(requests[1].data, { scan_token: 'scan-token-1', phone_code: 'phone-code-1' });
  const v = view();
  assert.equal(headingOf(v), 'You are logged in');
  assert.equal(bodyOf(v), 'Go back to your computer to continue.');
  assert.deepEqual(buttons(v).map((b) => [b.text, b.events]), [['Close', { tap: 'onClose' }]]);
  assertWellFormed(v, page);
  press(comp, 'Close');
  await until(() => wx.calls.some((c) => c.api === 'exitMiniProgram'));
  assert.ok(wx.calls.some((c) => c.api === 'exitMiniProgram'));
});

for (const [lang, hint] of [['zh', STRINGS.zh.phoneDenied], ['en', STRINGS.en.phoneDenied]]) {
  test(`refusing to share the phone number keeps the review with a hint (${lang})`, async (t) => {
    const { comp, page, wx, view } = await open(t, { lang });
    press(comp, REVIEW[lang].confirm, { event: 'getphonenumber', detail: { errMsg: 'getPhoneNumber:fail user deny' } });
    await until(() => page.data.hint !== '');
    const v = view();
    assert.equal(textOf(byClass(v, 'hint')[0]), hint);
    assert.equal(headingOf(v), REVIEW[lang].heading);
    assert.equal(wx.calls.filter((c) => c.api === 'request').length, 1, 'nothing was sent');
    assertWellFormed(v, page);
  });
}

test('confirming: both buttons disabled, the phone button spins and says so', async (t) => {
  const { comp, page, view } = await open(t, { routes: { '/api/miniprogram/confirm': pending } });
  press(comp, '确认登录', { event: 'getphonenumber', detail: { code: 'c' } });
  await until(() => page.data.screen === 'confirming');
  const [confirm, cancel] = buttons(view());
  assert.equal(confirm.text, '正在登录…');
  assert.equal(confirm.attrs.loading, true);
  assert.equal(confirm.attrs.disabled, true);
  assert.equal(cancel.attrs.disabled, true);
  assertWellFormed(view(), page);
});

test('cancelling, then cancelled (zh)', async (t) => {
  let answer = null;
  const { comp, page, wx, view } = await open(t, {
    routes: { '/api/miniprogram/cancel': () => new Promise((resolve) => { answer = resolve; }) },
  });
  press(comp, '取消');
  await until(() => page.data.screen === 'cancelling');
  const [confirm, cancel] = buttons(view());
  assert.equal(cancel.text, '正在取消…');
  assert.equal(cancel.attrs.loading, true);
  assert.equal(confirm.attrs.disabled, true);
  answer(reply(200, { status: 'cancelled' }));
  await until(() => page.data.screen === 'cancelled');
  const v = view();
  assert.equal(headingOf(v), '已取消登录');
  assert.equal(bodyOf(v), STRINGS.zh.cancelledBody);
  assert.deepEqual(buttons(v).map((b) => b.text), ['关闭']);
  assert.deepEqual(wx.calls.filter((c) => c.api === 'request').map((c) => c.path), ['/api/miniprogram/scan', '/api/miniprogram/cancel']);
  assertWellFormed(v, page);
});

test('cancelled (en)', async (t) => {
  const { comp, page, view } = await open(t, { lang: 'en' });
  press(comp, 'Cancel');
  await until(() => page.data.screen === 'cancelled');
  assert.equal(headingOf(view()), 'Login cancelled');
  assert.equal(bodyOf(view()), STRINGS.en.cancelledBody);
});

for (const lang of ['zh', 'en']) {
  test(`loading (${lang}): the branded header and "reading the login request"`, async (t) => {
    const { page, view } = await open(t, { lang, routes: { '/api/miniprogram/scan': pending } });
    const v = view();
    assert.equal(page.data.screen, 'loading');
    assert.equal(textOf(byClass(v, 'brand')[0]), 'ScanLogin');
    assert.equal(bodyOf(v), STRINGS[lang].loading);
    assert.equal(byClass(v, 'spinner').length, 1);
    assert.deepEqual(buttons(v), []);
    assertWellFormed(v, page);
  });

  test(`expired (${lang}): scan a new code, or close`, async (t) => {
    const { comp, page, view } = await open(t, {
      lang,
      routes: { '/api/miniprogram/scan': () => reply(410, { error: 'ticket_expired', message: 'x' }) },
      scanResult: { path: `pages/login/login?scene=${'f'.repeat(32)}` },
    });
    const v = view();
    assert.equal(headingOf(v), STRINGS[lang].expiredHeading);
    assert.equal(bodyOf(v), STRINGS[lang].expiredBody);
    assert.deepEqual(buttons(v).map((b) => [b.text, b.events.tap]), [[STRINGS[lang].rescan, 'onRescan'], [STRINGS[lang].close, 'onClose']]);
    assertWellFormed(v, page);
  });

  test(`refused (${lang}): ScanLogin's own reason`, async (t) => {
    const message = lang === 'zh' ? '该应用只允许已有账号登录。' : 'This application only allows existing accounts.';
    const { comp, page, view } = await open(t, {
      lang, routes: { '/api/miniprogram/confirm': () => reply(403, { error: 'login_only', message }) },
    });
    press(comp, REVIEW[lang].confirm, { event: 'getphonenumber', detail: { code: 'c' } });
    await until(() => page.data.screen === 'refused');
    const v = view();
    assert.equal(headingOf(v), STRINGS[lang].refusedHeading);
    assert.equal(bodyOf(v), message);
    assert.deepEqual(buttons(v).map((b) => b.text), [STRINGS[lang].close]);
    assertWellFormed(v, page);
  });
}

// Every error screen: what ScanLogin (or the network) answered -> the sentence shown and the buttons offered.
const ERRORS = [
  // [name, scan answer (or launch options), text key, buttons]
  ['no scene in the launch options', { options: {} }, 'noScene', ['rescan', 'close']],
  ['unknown ticket', { scan: () => reply(404, { error: 'ticket_not_found', message: 'x' }) }, 'notFound', ['rescan', 'close']],
  ['code already scanned', { scan: () => reply(409, { error: 'ticket_already_scanned', message: 'x' }) }, 'alreadyScanned', ['rescan', 'close']],
  ['login already finished elsewhere', { scan: () => reply(409, { error: 'ticket_cancelled', message: 'x' }) }, 'conflict', ['close']],
  ['WeChat refused the login code', { scan: () => reply(400, { error: 'wechat_code_invalid', message: 'x' }) }, 'codeInvalid', ['retry', 'close']],
  ['no network', { scan: () => ({ fail: 'request:fail timeout' }) }, 'network', ['retry', 'close']],
  ['WeChat unavailable', { scan: () => reply(502, { error: 'wechat_unavailable', message: 'x' }) }, 'wechatUnavailable', ['retry', 'close']],
  ['rate limited', { scan: () => reply(429, { error: 'wechat_rate_limited', message: 'x' }) }, 'rateLimited', ['retry', 'close']],
  ['server error page', { scan: () => reply(500, '<h1>Internal Server Error</h1>') }, 'server', ['retry', 'close']],
  ['bad request', { scan: () => reply(400, { error: 'invalid_json', message: 'x' }) }, 'badRequest', ['rescan', 'close']],
  ['misconfigured connection', { scan: () => reply(502, { error: 'wechat_misconfigured', message: 'x' }) }, 'misconfigured', ['close']],
];
const HANDLERS = { retry: 'onRetry', rescan: 'onRescan', close: 'onClose' };

for (const [name, { scan, options }, key, offered] of ERRORS) {
  for (const lang of ['zh', 'en']) {
    test(`error: ${name} (${lang})`, async (t) => {
      const { page, view } = await open(t, { lang, options: options || { scene: SCENE }, routes: scan ? { '/api/miniprogram/scan': scan } : {} });
      assert.equal(page.data.screen, 'error');
      const v = view();
      assert.equal(headingOf(v), STRINGS[lang].errorHeading);
      assert.equal(bodyOf(v), STRINGS[lang][key]);
      assert.deepEqual(buttons(v).map((b) => [b.text, b.events.tap]), offered.map((k) => [STRINGS[lang][k], HANDLERS[k]]));
      assertWellFormed(v, page);
    });
  }
}

test('"Try again" on a network error scans again and reaches the review', async (t) => {
  let calls = 0;
  const { comp, page, view } = await open(t, {
    routes: { '/api/miniprogram/scan': () => ((calls += 1) === 1 ? { fail: 'request:fail timeout' } : reply(200, SCAN_OK)) },
  });
  press(comp, '重试');
  await until(() => page.data.screen === 'review');
  assert.equal(reviewRows(view())['所在地区'], '广东 深圳');
});

test('a browser on the local network, an unknown browser and an unknown place', async (t) => {
  const scan = (client) => () => reply(200, { ...SCAN_OK, client });
  const local = await open(t, { routes: { '/api/miniprogram/scan': scan({ ip: '192.168.1.20', user_agent: 'curl/8.5.0', region: { local: true } }) } });
  assert.deepEqual(reviewRows(local.view()), {
    应用: 'Acme 商城', 用户池: 'Acme 用户', 登录方式: '微信扫码登录', 浏览器: '未知浏览器', 所在地区: '本地网络', 'IP 地址': '192.168.1.20',
  });
  const unknown = await open(t, { lang: 'en', routes: { '/api/miniprogram/scan': scan({ ip: '', user_agent: '', region: {} }) } });
  const rows = reviewRows(unknown.view());
  assert.equal(rows.Browser, 'an unknown browser');
  assert.equal(rows.Location, 'unknown');
  assert.equal(rows['IP address'], 'unknown');
});

test('WeChat\'s WXSS compiler (wcsc) accepts app.wxss and login.wxss', () => {
  assert.equal(wxssError(), null);
});
