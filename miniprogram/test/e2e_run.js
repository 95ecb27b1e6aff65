#!/usr/bin/env node
/**
 * Run the REAL login page under node against a running ScanLogin and the WeChat simulator.
 *
 *   node miniprogram/test/e2e_run.js --base http://127.0.0.1:PORT --sim http://127.0.0.1:PORT \
 *     (--scene SCENE | --q LINK_QR_URL) --appid wx... (--user SIM_USER_ID | --phone 13800138000) \
 *     --action confirm|cancel [--expect done|cancelled|refused|...] [--lang zh_CN|en] [--retries N]
 *
 * `wx.request` makes real HTTP calls (node's fetch); `wx.login` and the phone button get their
 * one-time codes from the simulator's POST /sim/codes, as WeChat would hand them out. Prints
 * the page's screens and final data as JSON; exits 0 when the page ends on the expected screen.
 * tests/miniprogram/test_e2e.py drives it and checks the ticket from the browser's side.
 */
const { loadLoginPage } = require('./harness.js');

const DEFAULT_EXPECT = { confirm: 'done', cancel: 'cancelled' };

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 1) {
    const match = /^--([a-z-]+)$/.exec(argv[i]);
    if (!match || i + 1 >= argv.length) throw new Error(`bad argument: ${argv[i]}`);
    args[match[1]] = argv[i + 1];
    i += 1;
  }
  for (const name of ['base', 'sim', 'appid', 'action']) {
    if (!args[name]) throw new Error(`--${name} is required`);
  }
  if (!args.scene && !args.q) throw new Error('--scene or --q is required');
  if (!DEFAULT_EXPECT[args.action]) throw new Error('--action must be confirm or cancel');
  if (!args.user && !args.phone) throw new Error('--user or --phone is required');
  return { lang: 'zh_CN', expect: DEFAULT_EXPECT[args.action], retries: '0', ...args };
}

async function postJson(url, body) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** A one-time code from the simulator, as wx.login or the phone button would get it. */
async function simCode(sim, { appid, user, kind }) {
  const answer = await postJson(`${sim}/sim/codes`, { appid, user, kind });
  return answer.code;
}

/** wx.request on node's fetch: same options, same success/fail callbacks. */
function request(opts) {
  const headers = { ...(opts.header || {}) };
  const init = { method: opts.method || 'GET', headers, signal: AbortSignal.timeout(opts.timeout || 15000) };
  if (opts.data !== undefined && init.method !== 'GET') init.body = JSON.stringify(opts.data);
  fetch(opts.url, init)
    .then(async (res) => {
      const text = await res.text();
      let data = text;
      if (opts.dataType !== 'text') {
        try {
          data = JSON.parse(text);
        } catch (err) {
          data = text; // WeChat also hands over a body it cannot parse as a string
        }
      }
      opts.success({ statusCode: res.status, data, header: Object.fromEntries(res.headers) });
    })
    .catch((err) => opts.fail({ errMsg: `request:fail ${err.message}` }));
}

/** A `wx` for node: real HTTP, codes from the simulator, the chosen WeChat language. */
function createNodeWx({ sim, appid, user, lang }) {
  return {
    request,
    login(opts) {
      simCode(sim, { appid, user, kind: 'login' })
        .then((code) => opts.success({ code, errMsg: 'login:ok' }))
        .catch((err) => opts.fail({ errMsg: `login:fail ${err.message}` }));
    },
    getAppBaseInfo: () => ({ language: lang }),
    setNavigationBarTitle() {},
    setNavigationBarColor() {},
    scanCode(opts) {
      opts.fail({ errMsg: 'scanCode:fail no camera' });
    },
    exitMiniProgram() {},
  };
}

async function run(args) {
  const user = args.user || (await postJson(`${args.sim}/sim/users`, { phone: args.phone, appid: args.appid })).id;
  const wx = createNodeWx({ sim: args.sim, appid: args.appid, user, lang: args.lang });
  const page = loadLoginPage({ wx, apiBase: args.base });
  try {
    // As WeChat opens the page: a mini-program code gives `scene`, a link QR gives the URL as `q`.
    const options = args.q ? { q: encodeURIComponent(args.q), scancode_time: String(Math.floor(Date.now() / 1000)) }
      : { scene: encodeURIComponent(args.scene) };
    await page.onLoad(options);
    // "Try again" as a user would press it, while the page offers it (--retries times at most).
    for (let left = Number(args.retries) || 0; left > 0 && page.data.screen === 'error' && page.data.canRetry; left -= 1) {
      await page.onRetry();
    }
    if (page.data.screen !== 'review') return { page, ok: false, why: `the scan ended on "${page.data.screen}"` };
    if (args.action === 'confirm') {
      const code = await simCode(args.sim, { appid: args.appid, user, kind: 'phone' });
      await page.onPhoneNumber({ type: 'getphonenumber', detail: { code, errMsg: 'getPhoneNumber:ok' } });
    } else {
      await page.onCancel();
    }
    const ok = page.data.screen === args.expect;
    return { page, ok, why: ok ? '' : `expected "${args.expect}", the page shows "${page.data.screen}"` };
  } finally {
    page.onUnload();
  }
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`e2e_run: ${err.message}\n`);
    return 2;
  }
  const { page, ok, why } = await run(args);
  process.stdout.write(`${JSON.stringify({ screens: page.screens, data: page.data })}\n`);
  if (!ok) process.stderr.write(`e2e_run: ${why}: ${page.data.heading || ''} ${page.data.body || ''}\n`);
  return ok ? 0 : 1;
}

// `node --test miniprogram/test/` also loads this file; only a direct run does the run.
if (require.main === module && !process.env.NODE_TEST_CONTEXT) {
  main().then((code) => { process.exitCode = code; }, (err) => {
    process.stderr.write(`e2e_run: ${err.stack || err}\n`);
    process.exitCode = 1;
  });
}

module.exports = { parseArgs, createNodeWx, request, run };
