/**
 * Find the login ticket's scene in the page's launch options.
 *
 * Two ways to arrive here:
 * - a mini-program code (wxacode): WeChat passes the scene URL-encoded in options.scene;
 * - a plain "link QR" of a registered URL prefix: WeChat passes the whole URL, URL-encoded, in
 *   options.q. ScanLogin builds that URL as prefix + scene, so the scene is the last path
 *   segment, or a `scene` query parameter when the prefix ends in "?scene=".
 */

// WeChat's scene alphabet (getUnlimited): letters, digits and !#$&'()*+,/:;=?@-._~, at most 32.
const SCENE_PATTERN = /^[A-Za-z0-9!#$&'()*+,/:;=?@\-._~]{1,32}$/;

/** @param {string} value */
function safeDecode(value) {
  try {
    return decodeURIComponent(value);
  } catch (err) {
    return value; // a stray "%" that is not an escape: keep the raw text
  }
}

/**
 * Decode until stable (some clients encode twice); never more than three rounds.
 * @param {unknown} value
 */
function decodeFully(value) {
  let current = String(value);
  for (let i = 0; i < 3; i += 1) {
    const next = safeDecode(current);
    if (next === current) break;
    current = next;
  }
  return current;
}

/**
 * @param {unknown} scene
 * @returns {scene is string}
 */
function isValidScene(scene) {
  return typeof scene === 'string' && SCENE_PATTERN.test(scene);
}

/**
 * The scene carried by a link-QR URL: its `scene` query parameter, else its last path segment.
 * @param {unknown} url
 */
function sceneFromUrl(url) {
  const text = safeDecode(String(url)).trim();
  const [beforeHash] = text.split('#');
  const queryAt = beforeHash.indexOf('?');
  const path = queryAt >= 0 ? beforeHash.slice(0, queryAt) : beforeHash;
  const query = queryAt >= 0 ? beforeHash.slice(queryAt + 1) : '';
  const params = parseQuery(query);
  if (params.scene) return safeDecode(params.scene);
  const withoutScheme = path.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  const segments = withoutScheme.split('/').filter(Boolean);
  return segments.length ? safeDecode(segments[segments.length - 1]) : '';
}

/**
 * The scene from a page's onLoad options, or "" when there is none or it is malformed
 * (the page then asks the user to scan the code again).
 * @param {Record<string, string | undefined> | null | undefined} options
 * @returns {string}
 */
function sceneFromOptions(options) {
  const opts = options || {};
  let scene = '';
  if (opts.scene !== undefined && opts.scene !== null && opts.scene !== '') {
    scene = decodeFully(opts.scene);
  } else if (opts.q) {
    scene = sceneFromUrl(opts.q);
  }
  scene = scene.trim();
  return isValidScene(scene) ? scene : '';
}

/**
 * Parse "a=1&b=2" (a page path's query) into an object of still-encoded values.
 * @param {string} query
 */
function parseQuery(query) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const pair of String(query || '').split('&')) {
    const eq = pair.indexOf('=');
    if (eq > 0) out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/**
 * The scene in wx.scanCode's answer: a mini-program code gives `path`
 * ("pages/login/login?scene=..."), a link QR gives the URL in `result`.
 * @param {Partial<WechatMiniprogram.ScanCodeSuccessCallbackResult> | null | undefined} res
 * @returns {string}
 */
function sceneFromScanResult(res) {
  const answer = res || {};
  if (answer.path) {
    const queryAt = answer.path.indexOf('?');
    return sceneFromOptions(parseQuery(queryAt >= 0 ? answer.path.slice(queryAt + 1) : ''));
  }
  if (answer.result) return sceneFromOptions({ q: encodeURIComponent(answer.result) });
  return '';
}

module.exports = { sceneFromOptions, sceneFromUrl, sceneFromScanResult, isValidScene, decodeFully };
