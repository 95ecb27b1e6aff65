/**
 * The login page's state machine, free of WeChat globals: it is given a `wx`-like object, the
 * config, the language and a clock, and reports every new state through onChange.
 *
 *   loading -> review -> confirming -> done | refused | expired | error | review (phone code refused)
 *                     -> cancelling -> cancelled | expired | error
 *   loading -> refused | expired | error   (the scan itself failed or was refused)
 *   error --retry--> loading (scan again) | review (tap confirm again) | cancelling
 *
 * Nothing happens to the login before the user has seen the review screen (application, pool,
 * connection, browser and IP) and pressed a button: that review is what stops a relayed code.
 */
const api = require('./api.js');
const { sceneFromOptions, sceneFromScanResult } = require('./scene.js');

/**
 * @typedef {'loading' | 'review' | 'confirming' | 'cancelling' | 'done' | 'refused' | 'expired' | 'cancelled' | 'error'} Screen
 * @typedef {{app: string, pool: string, connection: string, ip: string, userAgent: string, region: object}} Ticket
 * @typedef {{kind: string, code: string, message: string}} ErrorInfo
 * @typedef {'scan' | 'review' | 'cancel' | null} Retry
 * @typedef {'phoneDenied' | 'phoneFailed' | 'phoneCodeInvalid' | ''} Hint
 * @typedef {{
 *   screen: Screen, scene: string, scanToken: string, expiresAt: number, remaining: number,
 *   ticket: Ticket | null, hint: Hint, error: ErrorInfo | null, retry: Retry,
 *   refusal: {code: string, message: string} | null,
 * }} State
 * @typedef {{now(): number, setInterval(fn: () => void, ms: number): any, clearInterval(id: any): void}} Clock
 * @typedef {import('./api.js').ApiConfig} ApiConfig
 * @typedef {import('./api.js').Failure} Failure
 */

/** @type {Record<Screen, Screen[]>} */
const TRANSITIONS = {
  loading: ['review', 'refused', 'expired', 'error'],
  review: ['review', 'confirming', 'cancelling', 'expired'],
  confirming: ['review', 'done', 'refused', 'expired', 'error'],
  cancelling: ['cancelled', 'expired', 'error'],
  error: ['loading', 'review', 'cancelling', 'expired'],
  done: [],
  refused: [],
  expired: ['loading'],
  cancelled: [],
};

// Failures a second try can fix. Others (unknown or used-up code, misconfiguration) need a new code
// or the site's administrator, so the error screen offers no "Try again" for them.
/** @type {string[]} */
const RETRYABLE = ['network', 'wechat_unavailable', 'rate_limited', 'server'];

/** @type {Clock} */
const systemClock = {
  now: () => Date.now(),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (id) => clearInterval(id),
};

/** @returns {State} */
function initialState() {
  return {
    screen: 'loading', scene: '', scanToken: '', expiresAt: 0, remaining: 0,
    ticket: null, hint: '', error: null, retry: null, refusal: null,
  };
}

class LoginFlow {
  /**
   * @param {{wx: WechatMiniprogram.Wx, config: ApiConfig, lang?: string, clock?: Clock, onChange?: (state: State) => void}} deps
   */
  constructor({ wx, config, lang = 'zh', clock = systemClock, onChange = () => {} }) {
    this.wx = wx;
    this.config = config;
    this.lang = lang;
    this.clock = clock;
    this.onChange = onChange;
    this.state = initialState();
    /** @type {any} */
    this.timer = null;
  }

  /**
   * Move to `screen` with `patch`; an illegal move is a bug in this module, so it throws.
   * @param {Screen} screen
   * @param {Partial<State>} [patch]
   * @returns {State}
   */
  go(screen, patch = {}) {
    const from = this.state.screen;
    if (!TRANSITIONS[from].includes(screen)) throw new Error(`illegal transition ${from} -> ${screen}`);
    /** @type {Hint} */
    const noHint = '';
    this.state = { ...this.state, hint: noHint, ...patch, screen };
    if (!['review', 'confirming', 'cancelling', 'error'].includes(screen)) this.stopCountdown();
    this.onChange(this.state);
    return this.state;
  }

  /**
   * onLoad: read the scene from the launch options, then scan.
   * @param {Record<string, string | undefined>} options
   * @returns {Promise<State>}
   */
  start(options) {
    const scene = sceneFromOptions(options);
    this.state = { ...initialState(), scene };
    if (!scene) return Promise.resolve(this.fail({ kind: 'no_scene' }, null));
    this.onChange(this.state);
    return this.scan();
  }

  /**
   * wx.login, then POST /scan; lands on review, expired or error.
   * @returns {Promise<State>}
   */
  async scan() {
    const login = await api.login(this.wx);
    if (!login.ok) return this.fail(login, 'scan');
    const res = await api.scan(this.wx, this.config, { scene: this.state.scene, code: login.code }, this.lang);
    if (res.ok) return this.review(res.data);
    if (res.kind === 'expired') return this.go('expired');
    if (res.kind === 'refused') return this.go('refused', { refusal: { code: res.code, message: res.message } });
    // An invalid login code is fixed by a fresh wx.login, which retrying the scan does.
    return this.fail(res, RETRYABLE.includes(res.kind) || res.kind === 'code_invalid' ? 'scan' : null);
  }

  /** @param {Record<string, any>} data the scan answer */
  review(data) {
    const expiresIn = Number(data.expires_in) || 0;
    const ticket = {
      app: (data.app && data.app.name) || '',
      pool: (data.pool && data.pool.name) || '',
      connection: (data.connection && data.connection.display_name) || '',
      ip: (data.client && data.client.ip) || '',
      userAgent: (data.client && data.client.user_agent) || '',
      region: (data.client && data.client.region) || {},
    };
    const state = this.go('review', {
      scanToken: data.scan_token, ticket, expiresAt: this.clock.now() + expiresIn * 1000, remaining: expiresIn,
    });
    this.startCountdown();
    return state;
  }

  /**
   * bindgetphonenumber: the user pressed confirm and WeChat answered with a phone code or not.
   * @param {Partial<WechatMiniprogram.ButtonGetPhoneNumber['detail']> | undefined} detail
   * @returns {Promise<State>}
   */
  async confirm(detail) {
    if (this.state.screen !== 'review') return this.state; // a double tap, or too late
    const info = detail || {};
    if (!info.code) {
      const denied = /deny|denied/i.test(info.errMsg || '');
      return this.go('review', { hint: denied ? 'phoneDenied' : 'phoneFailed' });
    }
    this.go('confirming');
    const res = await api.confirm(this.wx, this.config, { scanToken: this.state.scanToken, phoneCode: info.code }, this.lang);
    if (res.ok) return this.go('done');
    if (res.kind === 'refused') return this.go('refused', { refusal: { code: res.code, message: res.message } });
    if (res.kind === 'expired') return this.go('expired');
    if (res.kind === 'code_invalid') return this.go('review', { hint: 'phoneCodeInvalid' });
    return this.fail(res, RETRYABLE.includes(res.kind) ? 'review' : null);
  }

  /**
   * The cancel button: tell ScanLogin, so the browser stops waiting.
   * @returns {Promise<State>}
   */
  async cancel() {
    if (this.state.screen !== 'review') return this.state;
    this.go('cancelling');
    return this.sendCancel();
  }

  /** @returns {Promise<State>} */
  async sendCancel() {
    const res = await api.cancel(this.wx, this.config, { scanToken: this.state.scanToken }, this.lang);
    if (res.ok) return this.go('cancelled');
    if (res.kind === 'expired') return this.go('expired');
    return this.fail(res, RETRYABLE.includes(res.kind) ? 'cancel' : null);
  }

  /**
   * "Try again" on the error screen: redo the step that failed.
   * @returns {Promise<State>}
   */
  retry() {
    const { screen, retry } = this.state;
    if (screen !== 'error' || !retry) return Promise.resolve(this.state);
    if (retry === 'review') return Promise.resolve(this.go('review', { error: null, retry: null }));
    if (retry === 'cancel') {
      this.go('cancelling', { error: null, retry: null });
      return this.sendCancel();
    }
    this.go('loading', { error: null, retry: null, scanToken: '', ticket: null });
    return this.scan();
  }

  /**
   * "Scan a new code" (wx.scanCode's answer) from the screens where this code is used up.
   * @param {Partial<WechatMiniprogram.ScanCodeSuccessCallbackResult>} scanResult
   * @returns {Promise<State>}
   */
  rescan(scanResult) {
    const scene = sceneFromScanResult(scanResult);
    if (!scene || !['expired', 'error'].includes(this.state.screen)) return Promise.resolve(this.state);
    this.go('loading', { ...initialState(), scene });
    return this.scan();
  }

  /**
   * @param {{kind: string, code?: string, message?: string}} outcome
   * @param {Retry} retry
   */
  fail(outcome, retry) {
    const error = { kind: outcome.kind, code: outcome.code || '', message: outcome.message || '' };
    return this.go('error', { error, retry });
  }

  startCountdown() {
    this.stopCountdown();
    this.timer = this.clock.setInterval(() => this.tick(), 1000);
  }

  stopCountdown() {
    if (this.timer !== null) this.clock.clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Once a second while the ticket lives; an overdue ticket on review or error is expired.
   * @returns {State}
   */
  tick() {
    const remaining = Math.max(0, Math.ceil((this.state.expiresAt - this.clock.now()) / 1000));
    const { screen } = this.state;
    if (remaining === 0 && (screen === 'review' || screen === 'error')) return this.go('expired', { remaining });
    if (remaining !== this.state.remaining) {
      this.state = { ...this.state, remaining };
      this.onChange(this.state);
    }
    return this.state;
  }

  dispose() {
    this.stopCountdown();
  }
}

module.exports = { LoginFlow, TRANSITIONS, initialState };
