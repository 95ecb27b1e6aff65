/**
 * The page's data for a flow state: every text already in the page's language, so the WXML
 * only places values and never decides anything.
 */
const { translate } = require('./i18n.js');
const { summarizeUserAgent } = require('./ua.js');
const { describeRegion } = require('./region.js');

/**
 * @typedef {import('./i18n.js').TextKey} TextKey
 * @typedef {import('./flow.js').State} State
 * @typedef {import('./flow.js').Ticket} Ticket
 * @typedef {{
 *   name?: string, nameEn?: string, logo?: string, primaryColor?: string, primaryTextColor?: string,
 *   headerColor?: string, headerTextColor?: string,
 * }} Brand
 * @typedef {{apiBase: string, requestTimeoutMs?: number, brand?: Brand}} Config
 */

/** Error kind -> the sentence shown on the error screen. @type {Record<string, TextKey>} */
const ERROR_TEXT = {
  no_scene: 'noScene', not_found: 'notFound', already_scanned: 'alreadyScanned', conflict: 'conflict',
  code_invalid: 'codeInvalid', network: 'network', wechat_unavailable: 'wechatUnavailable',
  rate_limited: 'rateLimited', server: 'server', bad_request: 'badRequest', misconfigured: 'misconfigured',
};
// Screens (or error kinds) after which only a new code helps: offer to scan one.
const RESCAN_KINDS = ['no_scene', 'not_found', 'already_scanned', 'bad_request'];

/** @type {Record<string, string>} */
const ICONS = { done: '✓', cancelled: '✕', expired: '!', refused: '!', error: '!' };

/** @type {Record<string, TextKey>} */
const REFUSAL_TEXT = { login_only: 'refusedLoginOnly', user_blocked: 'refusedBlocked', phone_in_use: 'refusedPhoneInUse' };

/**
 * "1:05" for 65 seconds.
 * @param {number} seconds
 */
function formatRemaining(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * @param {Config} config
 * @param {string} lang
 */
function brandOf(config, lang) {
  const brand = config.brand || {};
  return {
    name: (lang === 'en' && brand.nameEn) || brand.name || '',
    logo: brand.logo || '',
    primaryColor: brand.primaryColor || '#07c160',
    primaryTextColor: brand.primaryTextColor || '#ffffff',
    headerColor: brand.headerColor || '#1f2d3d',
    headerTextColor: brand.headerTextColor || '#ffffff',
  };
}

/**
 * @param {Ticket | null} ticket
 * @param {string} lang
 */
function ticketView(ticket, lang) {
  if (!ticket) return null;
  return {
    app: ticket.app,
    pool: ticket.pool,
    connection: ticket.connection,
    browser: summarizeUserAgent(ticket.userAgent, lang),
    region: describeRegion(ticket.region, lang),
    ip: ticket.ip || translate(lang, 'unknownIp'),
  };
}

/**
 * @param {State} state
 * @param {string} lang
 * @returns {{heading: string, body: string}}
 */
function messageOf(state, lang) {
  /** @param {TextKey} key */
  const t = (key) => translate(lang, key);
  switch (state.screen) {
    case 'loading': return { heading: '', body: t('loading') };
    case 'done': return { heading: t('doneHeading'), body: t('doneBody') };
    case 'cancelled': return { heading: t('cancelledHeading'), body: t('cancelledBody') };
    case 'expired': return { heading: t('expiredHeading'), body: t('expiredBody') };
    case 'refused': {
      const refusal = state.refusal || { code: '', message: '' };
      // The server's message says why in the user's language; ours is the fallback.
      return { heading: t('refusedHeading'), body: refusal.message || t(REFUSAL_TEXT[refusal.code] || 'refusedOther') };
    }
    case 'error': {
      const kind = (state.error && state.error.kind) || 'server';
      return { heading: t('errorHeading'), body: t(ERROR_TEXT[kind] || 'server') };
    }
    default: return { heading: t('reviewHeading'), body: t('reviewLead') };
  }
}

/**
 * Everything the WXML needs for `state`.
 * @param {State} state
 * @param {{lang: string, config: Config}} options
 */
function present(state, { lang, config }) {
  /** @type {(key: TextKey, params?: Record<string, string | number>) => string} */
  const t = (key, params) => translate(lang, key, params);
  const { heading, body } = messageOf(state, lang);
  const errorKind = state.error ? state.error.kind : '';
  return {
    screen: state.screen,
    lang,
    brand: brandOf(config, lang),
    heading,
    body,
    icon: ICONS[state.screen] || '',
    ticket: ticketView(state.ticket, lang),
    remaining: state.remaining,
    remainingText: t('expiresIn', { time: formatRemaining(state.remaining) }),
    hint: state.hint ? t(state.hint) : '',
    busy: state.screen === 'confirming' || state.screen === 'cancelling',
    canRetry: state.screen === 'error' && Boolean(state.retry),
    canRescan: state.screen === 'expired' || (state.screen === 'error' && RESCAN_KINDS.includes(errorKind)),
    canClose: ['done', 'cancelled', 'refused', 'expired', 'error'].includes(state.screen),
    labels: {
      title: t('title'), application: t('application'), pool: t('pool'), connection: t('connection'),
      browser: t('browser'), region: t('region'), ip: t('ip'), warning: t('warning'),
      confirm: state.screen === 'confirming' ? t('confirming') : t('confirm'),
      cancel: state.screen === 'cancelling' ? t('cancelling') : t('cancel'),
      retry: t('retry'), rescan: t('rescan'), close: t('close'),
    },
  };
}

module.exports = { present, formatRemaining };
