// The scanned code opens this page (settings.WECHAT_MINIPROGRAM_PAGE = "pages/login/login").
// All logic is in lib/: this file only hands WeChat's `wx` and the config to it.
const config = require('../../config.js');
const { createLoginPage } = require('../../lib/page.js');

Page(createLoginPage({ wx, config }));
