// The browser and system in words, over real User-Agent headers as browsers send them.
const test = require('node:test');
const assert = require('node:assert/strict');
const { summarizeUserAgent } = require('../lib/ua.js');

const CASES = [
  // [what it is, User-Agent, English, Chinese]
  ['Chrome on Windows', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    'Chrome on Windows', 'Windows 上的 Chrome'],
  ['Chrome on macOS', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    'Chrome on macOS', 'macOS 上的 Chrome'],
  ['Chrome on Android', 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
    'Chrome on Android', 'Android 上的 Chrome'],
  ['Chrome on iPhone', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1',
    'Chrome on iPhone', 'iPhone 上的 Chrome'],
  ['Chrome on ChromeOS', 'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    'Chrome on ChromeOS', 'ChromeOS 上的 Chrome'],
  ['headless Chrome on Linux', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36',
    'Chrome on Linux', 'Linux 上的 Chrome'],
  ['Edge on Windows', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51',
    'Edge on Windows', 'Windows 上的 Edge'],
  ['legacy Edge on Windows', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.19045',
    'Edge on Windows', 'Windows 上的 Edge'],
  ['Edge on Android', 'Mozilla/5.0 (Linux; Android 10; HD1913) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36 EdgA/124.0.2478.64',
    'Edge on Android', 'Android 上的 Edge'],
  ['Firefox on Windows', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0',
    'Firefox on Windows', 'Windows 上的 Firefox'],
  ['Firefox on Ubuntu', 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
    'Firefox on Linux', 'Linux 上的 Firefox'],
  ['Firefox on iPhone', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/125.0 Mobile/15E148 Safari/605.1.15',
    'Firefox on iPhone', 'iPhone 上的 Firefox'],
  ['Safari on macOS', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
    'Safari on macOS', 'macOS 上的 Safari'],
  ['Safari on iPhone', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    'Safari on iPhone', 'iPhone 上的 Safari'],
  ['Safari on iPad', 'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    'Safari on iPad', 'iPad 上的 Safari'],
  ['Opera on Windows', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/106.0.0.0',
    'Opera on Windows', 'Windows 上的 Opera'],
  ['Internet Explorer 11', 'Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko',
    'Internet Explorer on Windows', 'Windows 上的 IE 浏览器'],
  // Browsers common in China.
  ['QQ Browser on Windows', 'Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/94.0.4606.71 Safari/537.36 Core/1.94.197.400 QQBrowser/11.7.5287.400',
    'QQ Browser on Windows', 'Windows 上的 QQ 浏览器'],
  ['QQ Browser on Android', 'Mozilla/5.0 (Linux; U; Android 11; zh-cn; M2012K11AC Build/RKQ1.200826.002) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/89.0.4389.72 MQQBrowser/13.0 Mobile Safari/537.36 COVC/046233',
    'QQ Browser on Android', 'Android 上的 QQ 浏览器'],
  ['360 Secure Browser, Chromium engine', 'Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/63.0.3239.132 Safari/537.36 QIHU 360SE',
    '360 Secure Browser on Windows', 'Windows 上的 360 安全浏览器'],
  ['360 Secure Browser, IE (Trident) engine', 'Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.1; WOW64; Trident/7.0; SLCC2; .NET CLR 2.0.50727; .NET CLR 3.5.30729; .NET CLR 3.0.30729; Media Center PC 6.0; .NET4.0C; .NET4.0E; 360SE)',
    '360 Secure Browser on Windows', 'Windows 上的 360 安全浏览器'],
  ['360 Speed Browser', 'Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/86.0.4240.198 Safari/537.36 QIHU 360EE',
    '360 Speed Browser on Windows', 'Windows 上的 360 极速浏览器'],
  ['360 Browser on Android', 'Mozilla/5.0 (Linux; Android 10; V2001A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.80 Mobile Safari/537.36 QihooBrowser/4.0.10',
    '360 Browser on Android', 'Android 上的 360 浏览器'],
  ['Sogou Browser on Windows', 'Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/86.0.4240.198 Safari/537.36 SE 2.X MetaSr 1.0',
    'Sogou Browser on Windows', 'Windows 上的搜狗浏览器'],
  ['Sogou Browser on Android', 'Mozilla/5.0 (Linux; Android 9; MI 8 Build/PKQ1.180729.001) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/66.0.3359.126 Mobile Safari/537.36 SogouMSE,SogouMobileBrowser/5.22.8',
    'Sogou Browser on Android', 'Android 上的搜狗浏览器'],
  ['WeChat on Windows', 'Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/81.0.4044.138 Safari/537.36 NetType/WIFI MicroMessenger/7.0.20.1781(0x6700143B) WindowsWechat(0x63090a13)',
    'WeChat on Windows', 'Windows 上的微信内置浏览器'],
  ['WeChat on macOS', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) MicroMessenger/6.8.0(0x16080000) MacWechat/3.8.7(0x13080712) XWEB/1191 Flue',
    'WeChat on macOS', 'macOS 上的微信内置浏览器'],
  ['WeChat on Android (X5 engine, says MQQBrowser too)', 'Mozilla/5.0 (Linux; Android 10; V1981A Build/QP1A.190711.020; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/78.0.3904.62 XWEB/2693 MMWEBSDK/201001 Mobile Safari/537.36 MMWEBID/3617 MicroMessenger/7.0.20.1781(0x27001439) Process/toolsmp WeChat/arm64 NetType/WIFI Language/zh_CN ABI/arm64 MQQBrowser/6.2',
    'WeChat on Android', 'Android 上的微信内置浏览器'],
  ['WeChat on iPhone', 'Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.40(0x18002831) NetType/WIFI Language/zh_CN',
    'WeChat on iPhone', 'iPhone 上的微信内置浏览器'],
  ['UC Browser on Windows', 'Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/55.0.2883.87 UBrowser/6.2.4098.3 Safari/537.36',
    'UC Browser on Windows', 'Windows 上的 UC 浏览器'],
  ['UC Browser on Android', 'Mozilla/5.0 (Linux; U; Android 10; zh-CN; V2001A Build/QP1A.190711.020) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/78.0.3904.108 UCBrowser/13.4.0.1306 Mobile Safari/537.36',
    'UC Browser on Android', 'Android 上的 UC 浏览器'],
  ['Quark on Android', 'Mozilla/5.0 (Linux; U; Android 12; zh-CN; 22041211AC Build/SP1A.210812.016) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/100.0.4896.58 Quark/6.2.1.246 Mobile Safari/537.36',
    'Quark on Android', 'Android 上的夸克浏览器'],
  ['Huawei Browser on HarmonyOS', 'Mozilla/5.0 (Phone; OpenHarmony 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36 ArkWeb/4.1.6.1 Mobile HuaweiBrowser/5.0.4.300',
    'Huawei Browser on HarmonyOS', '鸿蒙上的华为浏览器'],
  ['Chrome on HarmonyOS 2-4 (also says Android)', 'Mozilla/5.0 (Linux; Android 12; HarmonyOS; NOH-AN00) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.88 Mobile Safari/537.36',
    'Chrome on HarmonyOS', '鸿蒙上的 Chrome'],
];

for (const [name, ua, en, zh] of CASES) {
  test(`${name}: "${en}" / "${zh}"`, () => {
    assert.equal(summarizeUserAgent(ua, 'en'), en);
    assert.equal(summarizeUserAgent(ua, 'zh'), zh);
  });
}

test('an agent cut to 300 characters by the server is still read', () => {
  const long = `${CASES[0][1]} ${'Extension/1.0 '.repeat(40)}`.slice(0, 300);
  assert.equal(summarizeUserAgent(long, 'en'), 'Chrome on Windows');
});

test('only a browser or only a system is named alone', () => {
  assert.equal(summarizeUserAgent('Firefox/125.0', 'en'), 'Firefox');
  assert.equal(summarizeUserAgent('something (Windows NT 10.0)', 'en'), 'Windows');
  assert.equal(summarizeUserAgent('something (Windows NT 10.0)', 'zh'), 'Windows');
});

test('an empty, scripted or unreadable agent is said to be unknown', () => {
  for (const ua of ['', undefined, null, 42, {}, 'curl/8.5.0', 'python-requests/2.32.3', 'Go-http-client/1.1', '\u0000\u0001', 'x'.repeat(5000)]) {
    assert.equal(summarizeUserAgent(ua, 'en'), 'an unknown browser', String(ua).slice(0, 20));
    assert.equal(summarizeUserAgent(ua, 'zh'), '未知浏览器', String(ua).slice(0, 20));
  }
});

test('an agent an older server already summarised in English is said in the page language', () => {
  assert.equal(summarizeUserAgent('Chrome on Windows', 'zh'), 'Windows 上的 Chrome');
  assert.equal(summarizeUserAgent('Chrome on Windows', 'en'), 'Chrome on Windows');
  assert.equal(summarizeUserAgent('Safari on iOS', 'zh'), 'iOS 上的 Safari');
  assert.equal(summarizeUserAgent('Edge on macOS', 'zh'), 'macOS 上的 Edge');
  assert.equal(summarizeUserAgent('Firefox', 'zh'), 'Firefox');
  assert.equal(summarizeUserAgent('Linux', 'en'), 'Linux');
});
