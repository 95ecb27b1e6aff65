/**
 * The login page's definition (the object given to Page()), built from a `wx`-like object and
 * the config. pages/login/login.js only calls Page(createLoginPage({wx, config})), so tests and
 * the end-to-end run drive exactly what WeChat runs.
 */
const { LoginFlow, initialState } = require('./flow.js');
const { languageOf, translate } = require('./i18n.js');
const { present } = require('./view.js');

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

function createLoginPage({ wx, config, clock }) {
  return {
    // The first frame, before onLoad: the branded header and "reading the login request".
    data: present(initialState(), { lang: languageOf(wx), config }),

    onLoad(options) {
      const lang = languageOf(wx);
      paintChrome(wx, config, lang);
      this.flow = new LoginFlow({
        wx, config, lang, clock, onChange: (state) => this.setData(present(state, { lang, config })),
      });
      // Kept so tests can wait for the first screen after loading.
      this.started = this.flow.start(options);
      return this.started;
    },

    onUnload() {
      if (this.flow) this.flow.dispose();
    },

    /** bindgetphonenumber of the confirm button: e.detail has `code`, or errMsg when refused. */
    onPhoneNumber(e) {
      return this.flow.confirm(e && e.detail);
    },

    onCancel() {
      return this.flow.cancel();
    },

    onRetry() {
      return this.flow.retry();
    },

    onRescan() {
      return new Promise((resolve) => {
        wx.scanCode({
          onlyFromCamera: true,
          scanType: ['wxCode', 'qrCode'],
          success: (res) => resolve(this.flow.rescan(res)),
          fail: () => resolve(this.flow.state),
        });
      });
    },

    onClose() {
      if (typeof wx.exitMiniProgram === 'function') wx.exitMiniProgram({});
    },
  };
}

module.exports = { createLoginPage };
