const test = require('node:test');
const assert = require('node:assert/strict');
const { summarizeUserAgent } = require('../lib/ua.js');

const UA = {
  chromeWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  edgeWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51',
  safariMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  firefoxLinux: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  chromeMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  operaWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/106.0.0.0',
  qqBrowser: 'Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/94.0.4606.71 Safari/537.36 Core/1.94.197.400 QQBrowser/11.7.5287.400',
  wechatWindows: 'Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/81.0.4044.138 Safari/537.36 NetType/WIFI MicroMessenger/7.0.20.1781(0x6700143B) WindowsWechat(0x63090a13)',
  ie11: 'Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko',
  chromeOs: 'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  iphoneSafari: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  androidChrome: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  harmony: 'Mozilla/5.0 (Linux; Android 12; HarmonyOS; NOH-AN00) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.88 Mobile Safari/537.36',
  headless: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36',
};

const CASES = [
  ['chromeWindows', 'Chrome on Windows', 'Windows 上的 Chrome'],
  ['edgeWindows', 'Edge on Windows', 'Windows 上的 Edge'],
  ['safariMac', 'Safari on macOS', 'macOS 上的 Safari'],
  ['firefoxLinux', 'Firefox on Linux', 'Linux 上的 Firefox'],
  ['chromeMac', 'Chrome on macOS', 'macOS 上的 Chrome'],
  ['operaWindows', 'Opera on Windows', 'Windows 上的 Opera'],
  ['qqBrowser', 'QQ Browser on Windows', 'Windows 上的 QQ 浏览器'],
  ['wechatWindows', 'WeChat on Windows', 'Windows 上的微信内置浏览器'],
  ['ie11', 'Internet Explorer on Windows', 'Windows 上的 IE 浏览器'],
  ['chromeOs', 'Chrome on ChromeOS', 'ChromeOS 上的 Chrome'],
  ['iphoneSafari', 'Safari on iPhone', 'iPhone 上的 Safari'],
  ['androidChrome', 'Chrome on Android', 'Android 上的 Chrome'],
  ['harmony', 'Chrome on HarmonyOS', '鸿蒙上的 Chrome'],
  ['headless', 'Chrome on Linux', 'Linux 上的 Chrome'],
];

for (const [name, en, zh] of CASES) {
  test(`${name}: "${en}" / "${zh}"`, () => {
    assert.equal(summarizeUserAgent(UA[name], 'en'), en);
    assert.equal(summarizeUserAgent(UA[name], 'zh'), zh);
  });
}

test('only a browser or only a system is named alone', () => {
  assert.equal(summarizeUserAgent('Firefox/125.0', 'en'), 'Firefox');
  assert.equal(summarizeUserAgent('something (Windows NT 10.0)', 'en'), 'Windows');
});

test('an empty or unknown agent is said to be unknown', () => {
  assert.equal(summarizeUserAgent('', 'en'), 'an unknown browser');
  assert.equal(summarizeUserAgent(undefined, 'zh'), '未知浏览器');
  assert.equal(summarizeUserAgent('curl/8.5.0', 'en'), 'an unknown browser');
});

test('an agent the server already summarised in English is said in the page language', () => {
  assert.equal(summarizeUserAgent('Chrome on Windows', 'zh'), 'Windows 上的 Chrome');
  assert.equal(summarizeUserAgent('Chrome on Windows', 'en'), 'Chrome on Windows');
  assert.equal(summarizeUserAgent('Safari on iOS', 'zh'), 'iOS 上的 Safari');
  assert.equal(summarizeUserAgent('Edge on macOS', 'zh'), 'macOS 上的 Edge');
  assert.equal(summarizeUserAgent('Firefox', 'zh'), 'Firefox');
  assert.equal(summarizeUserAgent('Linux', 'en'), 'Linux');
});
