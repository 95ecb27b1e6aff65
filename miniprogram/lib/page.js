/**
 * The login page's definition (the object given to Page()), built from a `wx`-like object and
 * the config. pages/login/login.js only calls Page(createLoginPage({wx, config})), so tests and
 * the end-to-end run drive exactly what WeChat runs.
 */
const { LoginFlow, initialState } = require('./flow.js');
const { languageOf, translate } = require('./i18n.js');
const { present } = require('./view.js');

/**
 * @typedef {import('./view.js').Config} Config
 * @typedef {import('./flow.js').Clock} Clock
 * @typedef {import('./flow.js').State} State
 * @typedef {ReturnType<typeof present>} PageData
 * @typedef {{
 *   flow: LoginFlow | null,
 *   started: Promise<State> | null,
 *   onPhoneNumber(e: WechatMiniprogram.ButtonGetPhoneNumber): Promise<State | null>,
 *   onCancel(): Promise<State | null>,
 *   onRetry(): Promise<State | null>,
 *   onRescan(): Promise<State | null>,
 *   onClose(): void,
 * }} PageCustom
 */

/**
 * @param {WechatMiniprogram.Wx} wx
 * @param {Config} config
 * @param {string} lang
 */
function paintChrome(wx, config, lang) {
  const brand = config.brand || {};
  // The brand is in the page's header; the title bar says what the page is for.
  if (typeof wx.setNavigationBarTitle === 'function') wx.setNavigationBarTitle({ title: translate(lang, 'title') });
  if (typeof wx.setNavigationBarColor === 'function' && brand.headerColor) {
    // WeChat accepts only black or white title text.
    const frontColor = brand.headerTextColor === '#000000' ? '#000000' : '#ffffff';
    wx.setNavigationBarColor({ frontColor, backgroundColor: brand.headerColor });
  }
}

/**
 * The Page() options of the login page.
 * @param {{wx: WechatMiniprogram.Wx, config: Config, clock?: Clock}} deps
 * @returns {WechatMiniprogram.Page.Options<PageData, PageCustom>}
 */
function createLoginPage({ wx, config, clock }) {
  return {
    // The first frame, before onLoad: the branded header and "reading the login request".
    data: present(initialState(), { lang: languageOf(wx), config }),
    flow: null,
    started: null,

    onLoad(options) {
      const lang = languageOf(wx);
      paintChrome(wx, config, lang);
      const flow = new LoginFlow({
        wx, config, lang, clock, onChange: (state) => this.setData(present(state, { lang, config })),
      });
      this.flow = flow;
      // Kept (and awaitable) so tests can wait for the first screen after loading.
      this.started = flow.start(options);
      return this.started.then(() => undefined);
    },

    onUnload() {
      if (this.flow) this.flow.dispose();
    },

    /** bindgetphonenumber of the confirm button: e.detail has `code`, or errMsg when refused. */
    onPhoneNumber(e) {
      return this.flow ? this.flow.confirm(e && e.detail) : Promise.resolve(null);
    },

    onCancel() {
      return this.flow ? this.flow.cancel() : Promise.resolve(null);
    },

    onRetry() {
      return this.flow ? this.flow.retry() : Promise.resolve(null);
    },

    onRescan() {
      const { flow } = this;
      if (!flow) return Promise.resolve(null);
      return new Promise((resolve) => {
        wx.scanCode({
          onlyFromCamera: true,
          scanType: ['wxCode', 'qrCode'],
          success: (res) => resolve(flow.rescan(res)),
          fail: () => resolve(flow.state),
        });
      });
    },

    onClose() {
      if (typeof wx.exitMiniProgram === 'function') wx.exitMiniProgram({});
    },
  };
}

module.exports = { createLoginPage };
