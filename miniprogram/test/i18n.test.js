const test = require('node:test');
const assert = require('node:assert/strict');
const { languageOf, translate, acceptLanguage, STRINGS } = require('../lib/i18n.js');
const { createFakeWx } = require('./fake_wx.js');

test('Chinese WeChat gets Chinese', () => {
  assert.equal(languageOf(createFakeWx({ language: 'zh_CN' })), 'zh');
  assert.equal(languageOf(createFakeWx({ language: 'zh_TW' })), 'zh');
});

test('English WeChat gets English', () => {
  assert.equal(languageOf(createFakeWx({ language: 'en' })), 'en');
  assert.equal(languageOf(createFakeWx({ language: 'en_US' })), 'en');
  assert.equal(languageOf(createFakeWx({ language: 'EN' })), 'en');
});

test('other languages and unreadable settings fall back to Chinese', () => {
  assert.equal(languageOf(createFakeWx({ language: 'fr' })), 'zh');
  assert.equal(languageOf(createFakeWx({ language: '' })), 'zh');
  assert.equal(languageOf({}), 'zh');
  assert.equal(languageOf({ getAppBaseInfo() { throw new Error('not supported'); } }), 'zh');
});

test('getAppBaseInfo is preferred; getSystemInfoSync is the fallback', () => {
  const modern = createFakeWx({ language: 'en' });
  languageOf(modern);
  assert.deepEqual(modern.calls.map((c) => c.api), ['getAppBaseInfo']);
  const old = createFakeWx({ language: 'en', appBaseInfo: false });
  assert.equal(languageOf(old), 'en');
  assert.deepEqual(old.calls.map((c) => c.api), ['getSystemInfoSync']);
});

test('both languages have every text', () => {
  assert.deepEqual(Object.keys(STRINGS.en).sort(), Object.keys(STRINGS.zh).sort());
  for (const lang of ['zh', 'en']) {
    for (const [key, text] of Object.entries(STRINGS[lang])) assert.ok(text.trim(), `${lang}.${key} is empty`);
  }
});

test('placeholders are filled', () => {
  assert.equal(translate('en', 'expiresIn', { time: '1:05' }), 'Expires in 1:05');
  assert.equal(translate('zh', 'expiresIn', { time: '1:05' }), '1:05 后过期');
  assert.equal(translate('en', 'browserOn', { browser: 'Chrome', os: 'Windows' }), 'Chrome on Windows');
});

test('an unknown key is a bug and throws', () => {
  assert.throws(() => translate('en', 'noSuchKey'), /noSuchKey/);
});

test('the server is asked to answer in the page language', () => {
  assert.equal(acceptLanguage('en'), 'en');
  assert.equal(acceptLanguage('zh'), 'zh-hans');
});
