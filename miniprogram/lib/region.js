/**
 * Where the asking browser is, from the scan answer's `client.region` (ScanLogin looks the IP up
 * in an offline IP-to-region database): "广东 深圳", "美国", "本地网络" / "Local network", or
 * "未知" / "unknown". Place names stay as the database writes them (Chinese).
 */
const { translate } = require('./i18n.js');

/**
 * @typedef {{country?: string, province?: string, city?: string, local?: boolean}} Region
 */

/** @param {unknown} value */
const text = (value) => (typeof value === 'string' ? value.trim() : '');

/**
 * The place in words, in the page's language.
 * @param {unknown} region the answer's `client.region`: {country, province, city}, {local: true} or {}
 * @param {string} lang "zh" or "en"
 * @returns {string}
 */
function describeRegion(region, lang) {
  const r = /** @type {Region} */ (region && typeof region === 'object' ? region : {});
  if (r.local === true) return translate(lang, 'localNetwork');
  const country = text(r.country);
  const parts = [text(r.province), text(r.city)].filter(Boolean);
  // Inside China the province and city say enough; a municipality is its own province (北京 北京).
  const places = country === '中国' && parts.length ? parts : [country, ...parts].filter(Boolean);
  const unique = places.filter((place, i) => places.indexOf(place) === i);
  return unique.length ? unique.join(' ') : translate(lang, 'unknownRegion');
}

module.exports = { describeRegion };
