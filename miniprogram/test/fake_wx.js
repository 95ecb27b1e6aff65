/**
 * A small scripted stand-in for WeChat's `wx`, and a clock the tests move by hand.
 *
 * routes: { '/api/miniprogram/scan': handler, ... } where a handler gets the request body and
 * returns {statusCode, data} (an answer), {fail: 'request:fail ...'} (no answer), or a promise
 * of either. login: a function returning {code} or {fail}. Every call is recorded in `calls`.
 */
function createFakeWx({ language = 'zh_CN', appBaseInfo = true, routes = {}, login, scanResult } = {}) {
  const calls = [];
  let loginCount = 0;
  const wx = {
    calls,
    request(opts) {
      const path = opts.url.replace(/^https?:\/\/[^/]+/, '');
      calls.push({ api: 'request', path, url: opts.url, method: opts.method, data: opts.data, header: opts.header });
      const handler = routes[path];
      const answer = handler ? handler(opts.data) : { statusCode: 404, data: '<h1>Not Found</h1>' };
      Promise.resolve(answer).then((res) => {
        if (res.fail) opts.fail({ errMsg: res.fail });
        else opts.success({ statusCode: res.statusCode, data: res.data, header: {} });
      });
    },
    login(opts) {
      loginCount += 1;
      calls.push({ api: 'login' });
      const answer = login ? login(loginCount) : { code: `login-code-${loginCount}` };
      Promise.resolve(answer).then((res) => {
        if (res.fail) opts.fail({ errMsg: res.fail });
        else opts.success({ code: res.code, errMsg: 'login:ok' });
      });
    },
    getSystemInfoSync() {
      calls.push({ api: 'getSystemInfoSync' });
      return { language, platform: 'devtools' };
    },
    setNavigationBarTitle(opts) {
      calls.push({ api: 'setNavigationBarTitle', title: opts.title });
    },
    setNavigationBarColor(opts) {
      calls.push({ api: 'setNavigationBarColor', ...opts });
    },
    scanCode(opts) {
      calls.push({ api: 'scanCode' });
      if (scanResult) opts.success(scanResult);
      else opts.fail({ errMsg: 'scanCode:fail cancel' });
    },
    exitMiniProgram() {
      calls.push({ api: 'exitMiniProgram' });
    },
  };
  if (appBaseInfo) {
    wx.getAppBaseInfo = () => {
      calls.push({ api: 'getAppBaseInfo' });
      return { language, SDKVersion: '3.3.0' };
    };
  }
  return wx;
}

/** A JSON answer. */
const reply = (statusCode, data) => ({ statusCode, data });

/** A clock whose time and interval timers move only when the test calls advance(ms). */
function createFakeClock(start = 1_700_000_000_000) {
  let now = start;
  let nextId = 1;
  const timers = new Map();
  return {
    now: () => now,
    setInterval(fn, ms) {
      const id = nextId++;
      timers.set(id, { fn, ms, due: now + ms });
      return id;
    },
    clearInterval(id) {
      timers.delete(id);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.due <= end).sort((a, b) => a[1].due - b[1].due)[0];
        if (!due) break;
        const [, timer] = due;
        now = timer.due;
        timer.due += timer.ms;
        timer.fn(); // may clear itself (the countdown stops at expiry)
      }
      now = end;
    },
    get activeTimers() {
      return timers.size;
    },
  };
}

module.exports = { createFakeWx, createFakeClock, reply };
