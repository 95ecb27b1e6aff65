// The project files WeChat's developer tools open: they must agree with each other and with
// the page code (handlers and data the WXML names must exist).
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { ROOT } = require('./harness.js');
const { createLoginPage } = require('../lib/page.js');
const { present } = require('../lib/view.js');
const config = require('../config.js');

const read = (rel) => fs.readFileSync(path.join(ROOT, rel), 'utf8');
const json = (rel) => JSON.parse(read(rel));

test('app.json lists the login page first and every page has its four files', () => {
  const app = json('app.json');
  assert.equal(app.pages[0], 'pages/login/login');
  for (const page of app.pages) {
    for (const ext of ['js', 'json', 'wxml', 'wxss']) assert.ok(fs.existsSync(path.join(ROOT, `${page}.${ext}`)), `${page}.${ext}`);
  }
  assert.ok(fs.existsSync(path.join(ROOT, app.sitemapLocation)));
});

test('project.config.json is a mini-program project that leaves the tests out of the upload', () => {
  const project = json('project.config.json');
  assert.equal(project.compileType, 'miniprogram');
  assert.ok(project.packOptions.ignore.some((rule) => rule.type === 'folder' && rule.value === 'test'));
  json('sitemap.json');
  json('pages/login/login.json');
});

test('config.js holds the API base and the branding, and the logo exists', () => {
  assert.match(config.apiBase, /^https:\/\/[^/]+$/);
  for (const key of ['name', 'logo', 'primaryColor', 'headerColor']) assert.ok(config.brand[key], key);
  assert.ok(fs.existsSync(path.join(ROOT, config.brand.logo)));
});

test('every handler the WXML binds is defined by the page', () => {
  const wxml = read('pages/login/login.wxml');
  const page = createLoginPage({ wx: {}, config });
  const handlers = [...wxml.matchAll(/bind[a-z]+="(\w+)"/g)].map((m) => m[1]);
  assert.ok(handlers.includes('onPhoneNumber') && handlers.includes('onCancel'));
  for (const name of handlers) assert.equal(typeof page[name], 'function', name);
  assert.match(wxml, /open-type="getPhoneNumber"\s+bindgetphonenumber="onPhoneNumber"/);
});

test('every value the WXML reads is produced by view.present', () => {
  const wxml = read('pages/login/login.wxml');
  const state = { screen: 'review', ticket: { app: '', pool: '', connection: '', ip: '', userAgent: '' }, remaining: 1, hint: '', error: null, retry: null, refusal: null };
  const data = present(state, { lang: 'zh', config });
  const paths = new Set();
  for (const [, expr] of wxml.matchAll(/\{\{([^}]+)\}\}/g)) {
    for (const [ref] of expr.replace(/'[^']*'/g, '').matchAll(/[A-Za-z_][\w.]*/g)) paths.add(ref);
  }
  for (const ref of paths) {
    const value = ref.split('.').reduce((obj, key) => (obj == null ? undefined : obj[key]), data);
    assert.notEqual(value, undefined, `WXML reads "${ref}", which present() does not give`);
  }
});
