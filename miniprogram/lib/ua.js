/**
 * A user agent in plain words ("Chrome on Windows", "Windows 上的 Chrome"), so the person on the
 * phone can tell whether the browser asking to log in is theirs. Order matters: many browsers
 * also claim to be Chrome, Safari or Mozilla, so the specific names are tested first.
 */
const { translate } = require('./i18n.js');

const BROWSERS = [
  [/MicroMessenger\//, { zh: '微信内置浏览器', en: 'WeChat' }],
  [/QQBrowser\//, { zh: 'QQ 浏览器', en: 'QQ Browser' }],
  [/\bQQ\//, { zh: 'QQ', en: 'QQ' }],
  [/UCBrowser\//, { zh: 'UC 浏览器', en: 'UC Browser' }],
  [/\b360SE\b|\b360EE\b|QIHU 360/i, { zh: '360 浏览器', en: '360 Browser' }],
  [/SogouMobileBrowser|MetaSr|SE 2\.X MetaSr/, { zh: '搜狗浏览器', en: 'Sogou Browser' }],
  [/Edg(e|A|iOS)?\//, { zh: 'Edge', en: 'Edge' }],
  [/OPR\/|Opera/, { zh: 'Opera', en: 'Opera' }],
  [/SamsungBrowser\//, { zh: '三星浏览器', en: 'Samsung Internet' }],
  [/Firefox\/|FxiOS\//, { zh: 'Firefox', en: 'Firefox' }],
  [/Chrome\/|CriOS\/|Chromium\//, { zh: 'Chrome', en: 'Chrome' }],
  [/Safari\//, { zh: 'Safari', en: 'Safari' }],
  [/MSIE |Trident\//, { zh: 'IE 浏览器', en: 'Internet Explorer' }],
];

const SYSTEMS = [
  [/Windows Phone/, { zh: 'Windows Phone', en: 'Windows Phone' }],
  [/Windows/, { zh: 'Windows', en: 'Windows' }],
  [/iPhone|iPod/, { zh: 'iPhone', en: 'iPhone' }],
  [/iPad/, { zh: 'iPad', en: 'iPad' }],
  [/CrOS/, { zh: 'ChromeOS', en: 'ChromeOS' }],
  [/HarmonyOS|OpenHarmony/, { zh: '鸿蒙', en: 'HarmonyOS' }], // also says "Android"
  [/^iOS$/, { zh: 'iOS', en: 'iOS' }], // only in an already summarised agent
  [/Android/, { zh: 'Android', en: 'Android' }],
  [/Mac OS X|Macintosh/, { zh: 'macOS', en: 'macOS' }],
  [/Linux|X11/, { zh: 'Linux', en: 'Linux' }],
];

/** Chinese typesetting: a space between Latin letters or digits and Han characters. */
function spaceMixed(text) {
  return text.replace(/([A-Za-z0-9])([\u4e00-\u9fff])/g, '$1 $2').replace(/([\u4e00-\u9fff])([A-Za-z0-9])/g, '$1 $2');
}

function pick(table, userAgent, lang) {
  for (const [pattern, names] of table) {
    if (pattern.test(userAgent)) return names[lang] || names.zh;
  }
  return '';
}

/** The names for an English display name ("Chrome", "Windows") from one of the tables. */
function byEnglishName(table, name) {
  const row = table.find(([, names]) => names.en === name);
  return row ? row[1] : null;
}

/**
 * A server may send the agent already summarised in English ("Chrome on Windows"); read it
 * back into names so the page can still say it in Chinese. Null when it is a raw agent.
 */
function readSummary(ua) {
  if (ua.includes('/')) return null;
  const [browserName, osName] = ua.includes(' on ') ? ua.split(' on ', 2) : [ua, ua];
  const browser = byEnglishName(BROWSERS, browserName.trim());
  const os = byEnglishName(SYSTEMS, osName.trim());
  return browser || os ? { browser, os } : null;
}

/** The browser and operating system named in a User-Agent header, in the page's language. */
function summarizeUserAgent(userAgent, lang) {
  const ua = String(userAgent || '');
  const language = lang === 'en' ? 'en' : 'zh';
  const summary = readSummary(ua);
  const os = summary ? (summary.os ? summary.os[language] : '') : pick(SYSTEMS, ua, language);
  const browser = summary ? (summary.browser ? summary.browser[language] : '') : pick(BROWSERS, ua, language);
  if (browser && os) return spaceMixed(translate(language, 'browserOn', { browser, os }));
  if (browser || os) return browser || os;
  return translate(language, 'unknownBrowser');
}

module.exports = { summarizeUserAgent };
