/**
 * Load the REAL pages/login/login.js the way WeChat does: with global `Page` and `wx`, and a
 * page instance whose setData merges into `data`. Used by the unit tests and by e2e_run.js.
 */
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const PAGE_FILE = path.join(ROOT, 'pages', 'login', 'login.js');

/** The page instance WeChat would create from login.js, with `wx` as the global wx. */
function loadLoginPage({ wx, apiBase }) {
  const config = require(path.join(ROOT, 'config.js'));
  if (apiBase) config.apiBase = apiBase; // the same config object the page requires
  let definition = null;
  global.wx = wx;
  global.Page = (def) => {
    definition = def;
  };
  try {
    delete require.cache[require.resolve(PAGE_FILE)];
    require(PAGE_FILE);
  } finally {
    delete global.Page;
    delete global.wx; // lib/ must work from the wx it was handed, never a global
  }
  if (!definition) throw new Error('pages/login/login.js did not call Page()');
  const page = Object.create(definition);
  page.data = JSON.parse(JSON.stringify(definition.data || {}));
  page.screens = [];
  page.setData = function setData(patch) {
    this.data = { ...this.data, ...patch };
    if (this.screens[this.screens.length - 1] !== this.data.screen) this.screens.push(this.data.screen);
  };
  return page;
}

module.exports = { loadLoginPage, ROOT };
