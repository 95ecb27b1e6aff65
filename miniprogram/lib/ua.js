/**
 * A browser's User-Agent header in plain words ("Chrome on Windows", "Windows 上的 Chrome"), so
 * the person on the phone can tell whether the browser asking to log in is theirs.
 *
 * ScanLogin sends the raw header (cut to 300 characters). Order matters in both tables: the
 * browsers made in China, Edge and Opera all also claim to be Chrome and Safari (and Trident
 * ones to be MSIE), so the specific markers are tried first and Chrome / Safari last.
 */
const { translate } = require('./i18n.js');

/**
 * @typedef {{zh: string, en: string}} Names
 * @typedef {[RegExp, Names]} Rule
 */

/** @type {Rule[]} */
const BROWSERS = [
  // In-app browsers first: they wrap a system engine and name themselves last.
  [/MicroMessenger\/|WindowsWechat|MacWechat/i, { zh: '微信内置浏览器', en: 'WeChat' }],
  [/DingTalk\//i, { zh: '钉钉', en: 'DingTalk' }],
  [/AlipayClient\//i, { zh: '支付宝', en: 'Alipay' }],
  [/\bQQ\/\d/, { zh: 'QQ', en: 'QQ' }],
  // Browsers made in China.
  // 360: the Secure Browser (360SE) switches between a Trident (IE) and a Chromium engine and
  // names itself in both; the Speed Browser (360EE) is Chromium only; QihooBrowser is the phone app.
  [/\b360SE\b/i, { zh: '360 安全浏览器', en: '360 Secure Browser' }],
  [/\b360EE\b/i, { zh: '360 极速浏览器', en: '360 Speed Browser' }],
  [/QihooBrowser|QHBrowser|\b360 ?Browser/i, { zh: '360 浏览器', en: '360 Browser' }],
  [/MetaSr|SogouMobileBrowser|SogouMSE/i, { zh: '搜狗浏览器', en: 'Sogou Browser' }],
  [/UCBrowser\/|UBrowser\/|\bUCWEB/i, { zh: 'UC 浏览器', en: 'UC Browser' }],
  [/Quark\//i, { zh: '夸克浏览器', en: 'Quark' }],
  [/baiduboxapp|BIDUBrowser|baidubrowser/i, { zh: '百度浏览器', en: 'Baidu Browser' }],
  [/\bLBBROWSER\b/i, { zh: '猎豹浏览器', en: 'Cheetah Browser' }],
  [/2345Explorer|Mb2345Browser/i, { zh: '2345 浏览器', en: '2345 Browser' }],
  [/Maxthon\//i, { zh: '傲游浏览器', en: 'Maxthon' }],
  [/HuaweiBrowser\//i, { zh: '华为浏览器', en: 'Huawei Browser' }],
  [/MiuiBrowser\/|XiaoMi\/MiuiBrowser/i, { zh: '小米浏览器', en: 'Xiaomi Browser' }],
  [/VivoBrowser\//i, { zh: 'vivo 浏览器', en: 'vivo Browser' }],
  [/HeyTapBrowser\/|OppoBrowser\//i, { zh: 'OPPO 浏览器', en: 'OPPO Browser' }],
  [/SamsungBrowser\//, { zh: '三星浏览器', en: 'Samsung Internet' }],
  // After the others: apps built on Tencent's X5 engine (WeChat, QQ, Sogou, ...) also say "MQQBrowser".
  [/M?QQBrowser\//i, { zh: 'QQ 浏览器', en: 'QQ Browser' }],
  // The international ones that build on Chromium or WebKit.
  [/\bEdg(e|A|iOS)?\//, { zh: 'Edge', en: 'Edge' }],
  [/\bOPR\/|\bOPT\/|OPiOS\/|\bOpera\b/, { zh: 'Opera', en: 'Opera' }],
  [/YaBrowser\//, { zh: 'Yandex 浏览器', en: 'Yandex Browser' }],
  [/Firefox\/|FxiOS\//, { zh: 'Firefox', en: 'Firefox' }],
  [/Chrome\/|CriOS\/|Chromium\//, { zh: 'Chrome', en: 'Chrome' }],
  [/Safari\//, { zh: 'Safari', en: 'Safari' }],
  [/MSIE |Trident\//, { zh: 'IE 浏览器', en: 'Internet Explorer' }],
];

/** @type {Rule[]} */
const SYSTEMS = [
  [/Windows Phone/i, { zh: 'Windows Phone', en: 'Windows Phone' }],
  [/Windows|Win64|WOW64|Win32/, { zh: 'Windows', en: 'Windows' }],
  [/iPhone|iPod/, { zh: 'iPhone', en: 'iPhone' }],
  [/iPad/, { zh: 'iPad', en: 'iPad' }],
  [/CrOS/, { zh: 'ChromeOS', en: 'ChromeOS' }],
  [/HarmonyOS|OpenHarmony|ArkWeb/i, { zh: '鸿蒙', en: 'HarmonyOS' }], // some also say "Android"
  [/^iOS$/, { zh: 'iOS', en: 'iOS' }], // only in an already summarised agent
  [/Android/i, { zh: 'Android', en: 'Android' }],
  [/Mac OS X|Macintosh|\bmacOS\b/, { zh: 'macOS', en: 'macOS' }],
  [/Linux|X11|Ubuntu|Fedora/, { zh: 'Linux', en: 'Linux' }],
];

/** @param {string} text Chinese typesetting: a space between Latin letters or digits and Han characters. */
function spaceMixed(text) {
  return text.replace(/([A-Za-z0-9])([\u4e00-\u9fff])/g, '$1 $2').replace(/([\u4e00-\u9fff])([A-Za-z0-9])/g, '$1 $2');
}

/**
 * @param {Rule[]} table
 * @param {string} userAgent
 * @returns {Names | null}
 */
function match(table, userAgent) {
  const rule = table.find(([pattern]) => pattern.test(userAgent));
  return rule ? rule[1] : null;
}

/**
 * @param {Rule[]} table
 * @param {string} name an English display name ("Chrome", "Windows")
 * @returns {Names | null}
 */
function byEnglishName(table, name) {
  const rule = table.find(([, names]) => names.en === name);
  return rule ? rule[1] : null;
}

/**
 * Older ScanLogin servers sent the agent already summarised in English ("Chrome on Windows");
 * read it back into names so the page can still say it in Chinese. Null for a raw agent.
 * @param {string} ua
 * @returns {{browser: Names | null, os: Names | null} | null}
 */
function readSummary(ua) {
  if (ua.includes('/') || ua.includes('(')) return null;
  const [browserName, osName] = ua.includes(' on ') ? ua.split(' on ', 2) : [ua, ua];
  const browser = byEnglishName(BROWSERS, browserName.trim());
  const os = byEnglishName(SYSTEMS, osName.trim());
  return browser || os ? { browser, os } : null;
}

/**
 * The browser and operating system named in a User-Agent header, in the page's language;
 * "an unknown browser" when neither can be told (empty, a script such as curl, garbage).
 * @param {unknown} userAgent
 * @param {string} lang "zh" or "en"
 * @returns {string}
 */
function summarizeUserAgent(userAgent, lang) {
  const ua = typeof userAgent === 'string' ? userAgent.slice(0, 1000) : '';
  const language = lang === 'en' ? 'en' : 'zh';
  const summary = readSummary(ua);
  const browserNames = summary ? summary.browser : match(BROWSERS, ua);
  const osNames = summary ? summary.os : match(SYSTEMS, ua);
  const browser = browserNames ? browserNames[language] : '';
  const os = osNames ? osNames[language] : '';
  if (browser && os) return spaceMixed(translate(language, 'browserOn', { browser, os }));
  if (browser || os) return browser || os;
  return translate(language, 'unknownBrowser');
}

module.exports = { summarizeUserAgent, BROWSERS, SYSTEMS };
