/**
 * Calls from the phone to ScanLogin's mini-program API, and wx.login, as promises.
 *
 * Every call resolves (never rejects) to an outcome: {ok: true, data} or
 * {ok: false, kind, code, message, status}. `kind` is what the page acts on; `code` is the
 * server's stable error code and `message` its human text (shown for refusals).
 */
const { acceptLanguage } = require('./i18n.js');

/**
 * @typedef {{apiBase: string, requestTimeoutMs?: number}} ApiConfig
 * @typedef {{ok: true, data: Record<string, any>, status: number}} Success
 * @typedef {{ok: false, kind: string, code: string, message: string, status: number}} Failure
 * @typedef {Success | Failure} Outcome
 * @typedef {{ok: true, code: string} | Failure} LoginOutcome
 */

/** The server's stable error codes (DESIGN.md, "The HTTP contract") -> what the page does. @type {Record<string, string>} */
const KIND_BY_CODE = {
  ticket_expired: 'expired',
  ticket_already_scanned: 'already_scanned',
  ticket_not_found: 'not_found',
  wechat_code_invalid: 'code_invalid',
  wechat_unavailable: 'wechat_unavailable',
  wechat_rate_limited: 'rate_limited',
  wechat_misconfigured: 'misconfigured',
  login_only: 'refused',
  user_blocked: 'refused',
  phone_in_use: 'refused',
};

/** For answers without a known code (a proxy's error page, a code added later). @type {Record<number, string>} */
const KIND_BY_STATUS = { 403: 'refused', 404: 'not_found', 409: 'conflict', 410: 'expired', 429: 'rate_limited' };

/**
 * The outcome kind for an HTTP answer that is not a success.
 * @param {number} status
 * @param {any} body the parsed answer (an object, or null for a non-JSON page)
 * @returns {string}
 */
function classify(status, body) {
  const code = body && typeof body === 'object' && typeof body.error === 'string' ? body.error : '';
  if (KIND_BY_CODE[code]) return KIND_BY_CODE[code];
  if (KIND_BY_STATUS[status]) return KIND_BY_STATUS[status];
  if (status >= 500) return 'server';
  return 'bad_request';
}

/** @param {unknown} data */
function parseBody(data) {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data);
  } catch (err) {
    return null; // an HTML error page from a proxy
  }
}

/**
 * @param {number} status
 * @param {any} body
 * @returns {Failure}
 */
function failure(status, body) {
  const hasBody = body && typeof body === 'object';
  return {
    ok: false,
    kind: classify(status, body),
    code: hasBody && typeof body.error === 'string' ? body.error : '',
    message: hasBody && typeof body.message === 'string' ? body.message : '',
    status,
  };
}

/**
 * POST `body` as JSON to `path` under config.apiBase.
 * @param {WechatMiniprogram.Wx} wx
 * @param {ApiConfig} config
 * @param {string} path
 * @param {Record<string, string>} body
 * @param {string} lang
 * @returns {Promise<Outcome>}
 */
function post(wx, config, path, body, lang) {
  return new Promise((resolve) => {
    wx.request({
      url: config.apiBase.replace(/\/+$/, '') + path,
      method: 'POST',
      data: body,
      header: { 'content-type': 'application/json', 'Accept-Language': acceptLanguage(lang) },
      dataType: 'json',
      timeout: config.requestTimeoutMs || 15000,
      success(res) {
        const data = parseBody(res.data);
        const status = res.statusCode;
        if (status >= 200 && status < 300) resolve({ ok: true, data: data || {}, status });
        else resolve(failure(status, data));
      },
      fail(err) {
        resolve({ ok: false, kind: 'network', code: '', message: (err && err.errMsg) || '', status: 0 });
      },
    });
  });
}

/**
 * A fresh wx.login code (valid 5 minutes, single use), or a network outcome when WeChat fails.
 * @param {WechatMiniprogram.Wx} wx
 * @returns {Promise<LoginOutcome>}
 */
function login(wx) {
  return new Promise((resolve) => {
    wx.login({
      success(res) {
        if (res && res.code) resolve({ ok: true, code: res.code });
        else resolve({ ok: false, kind: 'network', code: '', message: (res && res.errMsg) || '', status: 0 });
      },
      fail(err) {
        resolve({ ok: false, kind: 'network', code: '', message: (err && err.errMsg) || '', status: 0 });
      },
    });
  });
}

/** @type {(wx: WechatMiniprogram.Wx, config: ApiConfig, args: {scene: string, code: string}, lang: string) => Promise<Outcome>} */
const scan = (wx, config, { scene, code }, lang) => post(wx, config, '/api/miniprogram/scan', { scene, code }, lang);
/** @type {(wx: WechatMiniprogram.Wx, config: ApiConfig, args: {scanToken: string, phoneCode: string}, lang: string) => Promise<Outcome>} */
const confirm = (wx, config, { scanToken, phoneCode }, lang) =>
  post(wx, config, '/api/miniprogram/confirm', { scan_token: scanToken, phone_code: phoneCode }, lang);
/** @type {(wx: WechatMiniprogram.Wx, config: ApiConfig, args: {scanToken: string}, lang: string) => Promise<Outcome>} */
const cancel = (wx, config, { scanToken }, lang) => post(wx, config, '/api/miniprogram/cancel', { scan_token: scanToken }, lang);

module.exports = { classify, login, scan, confirm, cancel, post };
