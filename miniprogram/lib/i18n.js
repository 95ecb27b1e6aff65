/**
 * The page's words, Simplified Chinese first, English when WeChat itself runs in English.
 *
 * WeChat reports its language as "zh_CN", "zh_TW", "en", "en_US", ...; anything that does not
 * start with "en" gets Chinese, the language of most people who scan a WeChat code.
 */

const ZH = {
  title: '扫码登录',
  loading: '正在读取登录请求…',
  reviewHeading: '确认在电脑上登录',
  reviewLead: '你正在登录以下网站，请确认是你本人在操作这台电脑。',
  application: '应用',
  pool: '用户池',
  connection: '登录方式',
  browser: '浏览器',
  region: '所在地区',
  localNetwork: '本地网络',
  unknownRegion: '未知',
  ip: 'IP 地址',
  unknownIp: '未知',
  expiresIn: '{time} 后过期',
  warning: '如果不是你本人在电脑上发起的登录，请点击“取消”。不要确认别人发给你的二维码。',
  confirm: '确认登录',
  confirming: '正在登录…',
  cancel: '取消',
  cancelling: '正在取消…',
  phoneDenied: '需要授权手机号才能登录。请再次点击“确认登录”并选择允许。',
  phoneCodeInvalid: '手机号验证未通过，请再次点击“确认登录”。',
  phoneFailed: '暂时无法获取手机号，请稍后再次点击“确认登录”。',
  doneHeading: '登录成功',
  doneBody: '请回到电脑继续操作。',
  refusedHeading: '无法登录',
  refusedLoginOnly: '该网站只允许已有账号登录，你还没有账号。',
  refusedBlocked: '你的账号已被停用，请联系网站管理员。',
  refusedPhoneInUse: '这个手机号在该网站已有账号。请按以前的方式登录，或请网站把这个微信关联到你的账号。',
  refusedOther: '网站拒绝了这次登录。',
  expiredHeading: '二维码已过期',
  expiredBody: '请在电脑上刷新二维码后重新扫码。',
  cancelledHeading: '已取消登录',
  cancelledBody: '电脑上的登录没有进行。你可以关闭此页面。',
  errorHeading: '出错了',
  noScene: '没有读取到登录二维码。请用微信重新扫描电脑上的二维码。',
  notFound: '找不到这次登录请求。请在电脑上刷新二维码后重新扫码。',
  alreadyScanned: '这个二维码已经被扫过了。请在电脑上刷新二维码后重新扫码。',
  conflict: '这次登录已在别处完成或取消。',
  codeInvalid: '微信登录凭证无效或已过期，请重试。',
  network: '网络连接失败，请检查网络后重试。',
  wechatUnavailable: '微信服务暂时不可用，请稍后重试。',
  rateLimited: '操作太频繁，请稍后重试。',
  server: '服务器暂时无法处理请求，请稍后重试。',
  badRequest: '请求无效。请在电脑上刷新二维码后重新扫码。',
  misconfigured: '这个登录方式的微信设置有误，请联系网站管理员。',
  retry: '重试',
  rescan: '扫描新的二维码',
  close: '关闭',
  unknownBrowser: '未知浏览器',
  browserOn: '{os}上的{browser}',
};

/** @typedef {keyof typeof ZH} TextKey */

/** English: every key the Chinese has (tsc checks it). @type {Record<TextKey, string>} */
const EN = {
  title: 'Scan to log in',
  loading: 'Reading the login request…',
  reviewHeading: 'Log in on your computer?',
  reviewLead: 'You are logging in to the site below. Confirm only if you are at that computer.',
  application: 'Application',
  pool: 'User pool',
  connection: 'Login method',
  browser: 'Browser',
  region: 'Location',
  localNetwork: 'Local network',
  unknownRegion: 'unknown',
  ip: 'IP address',
  unknownIp: 'unknown',
  expiresIn: 'Expires in {time}',
  warning: 'If you did not start this login on your computer, tap Cancel. Never confirm a code someone sent you.',
  confirm: 'Confirm login',
  confirming: 'Logging in…',
  cancel: 'Cancel',
  cancelling: 'Cancelling…',
  phoneDenied: 'Your phone number is needed to log in. Tap "Confirm login" again and allow it.',
  phoneCodeInvalid: 'The phone number check did not pass. Tap "Confirm login" again.',
  phoneFailed: 'WeChat could not share your phone number just now. Tap "Confirm login" again shortly.',
  doneHeading: 'You are logged in',
  doneBody: 'Go back to your computer to continue.',
  refusedHeading: 'Login refused',
  refusedLoginOnly: 'This site only lets existing accounts log in, and you do not have one yet.',
  refusedBlocked: 'Your account is blocked. Contact the site\'s administrator.',
  refusedPhoneInUse: 'This phone number already has an account on this site. Log in the way you did before, or ask the site to link this WeChat to your account.',
  refusedOther: 'The site refused this login.',
  expiredHeading: 'The code has expired',
  expiredBody: 'Refresh the code on your computer and scan it again.',
  cancelledHeading: 'Login cancelled',
  cancelledBody: 'Nobody was logged in on the computer. You can close this page.',
  errorHeading: 'Something went wrong',
  noScene: 'No login code was found. Scan the code on your computer again with WeChat.',
  notFound: 'This login request no longer exists. Refresh the code on your computer and scan it again.',
  alreadyScanned: 'This code has already been scanned. Refresh the code on your computer and scan it again.',
  conflict: 'This login was already completed or cancelled elsewhere.',
  codeInvalid: 'Your WeChat login code was not accepted. Please try again.',
  network: 'Could not reach the server. Check your connection and try again.',
  wechatUnavailable: 'WeChat is not responding right now. Please try again shortly.',
  rateLimited: 'Too many attempts. Please wait a moment and try again.',
  server: 'The server could not handle the request. Please try again shortly.',
  badRequest: 'The request was not valid. Refresh the code on your computer and scan it again.',
  misconfigured: 'This login method is not set up correctly with WeChat. Contact the site\'s administrator.',
  retry: 'Try again',
  rescan: 'Scan a new code',
  close: 'Close',
  unknownBrowser: 'an unknown browser',
  browserOn: '{browser} on {os}',
};

/** @type {{zh: Record<TextKey, string>, en: Record<TextKey, string>}} */
const STRINGS = { zh: ZH, en: EN };

/**
 * "en" or "zh" from WeChat's own language setting; Chinese when it cannot be read.
 * @param {WechatMiniprogram.Wx} wx
 * @returns {'zh' | 'en'}
 */
function languageOf(wx) {
  /** @type {{language?: string} | null} */
  let info = null;
  try {
    if (wx && typeof wx.getAppBaseInfo === 'function') info = wx.getAppBaseInfo();
    else if (wx && typeof wx.getSystemInfoSync === 'function') info = wx.getSystemInfoSync();
  } catch (err) {
    info = null;
  }
  const language = String((info && info.language) || '').toLowerCase();
  return language.startsWith('en') ? 'en' : 'zh';
}

/**
 * The text for `key` in `lang`, with {name} placeholders filled from params.
 * @param {string} lang "zh" or "en" (anything else is Chinese)
 * @param {TextKey} key
 * @param {Record<string, string | number>} [params]
 * @returns {string}
 */
function translate(lang, key, params) {
  const table = lang === 'en' ? STRINGS.en : STRINGS.zh;
  const text = key in table ? table[key] : STRINGS.zh[key];
  if (text === undefined) throw new Error(`no text for "${key}"`);
  return text.replace(/\{(\w+)\}/g, (match, name) => (params && name in params ? String(params[name]) : match));
}

/**
 * The Accept-Language header that makes ScanLogin answer in the page's language.
 * @param {string} lang
 */
function acceptLanguage(lang) {
  return lang === 'en' ? 'en' : 'zh-hans';
}

module.exports = { STRINGS, languageOf, translate, acceptLanguage };
