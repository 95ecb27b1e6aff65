#!/usr/bin/env node
/**
 * Write one HTML file per screen of the login page, each rendered from the data the REAL page
 * sets when driven to that screen with a scripted `wx`:
 *   node miniprogram/test/preview.js --out artifacts/miniprogram
 * tests/miniprogram/test_preview.py screenshots them in Chromium.
 */
const fs = require('fs');
const path = require('path');
const { loadLoginPage } = require('./harness.js');
const { createFakeWx, reply } = require('./fake_wx.js');
const { renderPage } = require('./wxml_preview.js');

const SCENE = '0123456789abcdef0123456789abcdef';
const SCAN_OK = {
  scan_token: 'tok', expires_in: 102, app: { name: 'Acme 商城' }, pool: { name: 'Acme' },
  connection: { display_name: '微信扫码登录' },
  client: {
    ip: '113.116.0.1',
    user_agent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    region: { country: '中国', province: '广东', city: '深圳' },
  },
};
const pending = () => new Promise(() => {}); // an answer that never comes: the page stays busy

// name -> [WeChat language, routes, what to do after onLoad]
const SCENARIOS = {
  'review-zh': ['zh_CN', {}, null],
  'review-en': ['en', {}, null],
  'phone-denied-zh': ['zh_CN', {}, (p) => p.onPhoneNumber({ detail: { errMsg: 'getPhoneNumber:fail user deny' } })],
  'confirming-zh': ['zh_CN', { '/api/miniprogram/confirm': pending }, (p) => { p.onPhoneNumber({ detail: { code: 'c' } }); }],
  'done-zh': ['zh_CN', {}, (p) => p.onPhoneNumber({ detail: { code: 'c' } })],
  'done-en': ['en', {}, (p) => p.onPhoneNumber({ detail: { code: 'c' } })],
  'refused-zh': ['zh_CN', { '/api/miniprogram/confirm': () => reply(403, { error: 'login_only', message: '该应用只允许已有账号登录，你还没有账号。' }) },
    (p) => p.onPhoneNumber({ detail: { code: 'c' } })],
  'cancelled-zh': ['zh_CN', {}, (p) => p.onCancel()],
  'expired-zh': ['zh_CN', { '/api/miniprogram/scan': () => reply(410, { error: 'ticket_expired', message: 'x' }) }, null],
  'already-scanned-en': ['en', { '/api/miniprogram/scan': () => reply(409, { error: 'ticket_already_scanned', message: 'x' }) }, null],
  'network-error-zh': ['zh_CN', { '/api/miniprogram/scan': () => ({ fail: 'request:fail timeout' }) }, null],
  'loading-zh': ['zh_CN', { '/api/miniprogram/scan': pending }, null],
};

async function pageData([language, routes, act]) {
  const wx = createFakeWx({
    language,
    routes: {
      '/api/miniprogram/scan': () => reply(200, SCAN_OK),
      '/api/miniprogram/confirm': () => reply(200, { status: 'confirmed' }),
      '/api/miniprogram/cancel': () => reply(200, { status: 'cancelled' }),
      ...routes,
    },
  });
  const page = loadLoginPage({ wx });
  const loaded = page.onLoad({ scene: SCENE });
  await Promise.race([loaded, new Promise((r) => setTimeout(r, 50))]);
  if (act) await Promise.race([act(page), new Promise((r) => setTimeout(r, 50))]);
  page.onUnload();
  const title = wx.calls.filter((c) => c.api === 'setNavigationBarTitle').map((c) => c.title).pop() || '';
  return { data: page.data, title };
}

async function main() {
  const at = process.argv.indexOf('--out');
  const out = at > 0 ? process.argv[at + 1] : 'artifacts/miniprogram';
  fs.mkdirSync(out, { recursive: true });
  const written = {};
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    const { data, title } = await pageData(scenario);
    const file = path.resolve(out, `${name}.html`);
    fs.writeFileSync(file, renderPage(data, title));
    written[name] = { file, screen: data.screen, heading: data.heading };
  }
  process.stdout.write(`${JSON.stringify(written)}\n`);
}

if (require.main === module && !process.env.NODE_TEST_CONTEXT) {
  main().catch((err) => {
    process.stderr.write(`${err.stack || err}\n`);
    process.exitCode = 1;
  });
}

module.exports = { SCENARIOS, pageData };
