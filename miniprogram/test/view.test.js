const test = require('node:test');
const assert = require('node:assert/strict');
const { present, formatRemaining } = require('../lib/view.js');
const config = require('../config.js');

const TICKET = {
  app: 'Acme shop', pool: 'Acme', connection: 'WeChat', ip: '203.0.113.9',
  region: { country: '中国', province: '广东', city: '深圳' },
  userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
};
const base = { scene: 's', scanToken: 't', expiresAt: 0, remaining: 65, ticket: TICKET, hint: '', error: null, retry: null, refusal: null };
const view = (patch, lang = 'en') => present({ ...base, ...patch }, { lang, config });

test('the review shows the application, pool, connection, browser in words, region and IP', () => {
  const v = view({ screen: 'review' });
  assert.deepEqual(v.ticket, {
    app: 'Acme shop', pool: 'Acme', connection: 'WeChat', browser: 'Chrome on Windows', region: '广东 深圳', ip: '203.0.113.9',
  });
  assert.equal(v.labels.region, 'Location');
  assert.equal(v.heading, 'Log in on your computer?');
  assert.equal(v.remainingText, 'Expires in 1:05');
  assert.equal(v.busy, false);
  assert.equal(v.labels.confirm, 'Confirm login');
});

test('the review in Chinese', () => {
  const v = view({ screen: 'review' }, 'zh');
  assert.equal(v.ticket.browser, 'Windows 上的 Chrome');
  assert.equal(v.ticket.region, '广东 深圳');
  assert.equal(v.labels.region, '所在地区');
  assert.equal(v.heading, '确认在电脑上登录');
  assert.equal(v.labels.confirm, '确认登录');
  assert.equal(v.remainingText, '1:05 后过期');
});

test('a missing IP is said to be unknown', () => {
  assert.equal(view({ screen: 'review', ticket: { ...TICKET, ip: '' } }).ticket.ip, 'unknown');
});

test('confirming and cancelling disable the buttons and say what is going on', () => {
  const confirming = view({ screen: 'confirming' });
  assert.equal(confirming.busy, true);
  assert.equal(confirming.labels.confirm, 'Logging in…');
  const cancelling = view({ screen: 'cancelling' }, 'zh');
  assert.equal(cancelling.busy, true);
  assert.equal(cancelling.labels.cancel, '正在取消…');
});

test('the phone hints are shown in words', () => {
  assert.match(view({ screen: 'review', hint: 'phoneDenied' }).hint, /phone number is needed/);
  assert.match(view({ screen: 'review', hint: 'phoneDenied' }, 'zh').hint, /授权手机号/);
  assert.equal(view({ screen: 'review' }).hint, '');
});

test('a refusal shows the server\'s message, or ours when it sent none', () => {
  assert.equal(view({ screen: 'refused', refusal: { code: 'login_only', message: 'Only existing accounts.' } }).body, 'Only existing accounts.');
  assert.match(view({ screen: 'refused', refusal: { code: 'login_only', message: '' } }).body, /only lets existing accounts/);
  assert.match(view({ screen: 'refused', refusal: { code: 'user_blocked', message: '' } }, 'zh').body, /停用/);
  assert.match(view({ screen: 'refused', refusal: { code: 'phone_in_use', message: '' } }, 'zh').body, /已有账号/);
  assert.match(view({ screen: 'refused', refusal: { code: 'phone_in_use', message: '' } }, 'en').body, /already has an account/);
  assert.equal(view({ screen: 'refused', refusal: { code: 'login_only', message: 'x' } }).heading, 'Login refused');
});

const ERROR_CASES = [
  ['no_scene', null, /No login code/, false, true],
  ['not_found', null, /no longer exists/, false, true],
  ['already_scanned', null, /already been scanned/, false, true],
  ['conflict', null, /completed or cancelled elsewhere/, false, false],
  ['code_invalid', 'scan', /login code was not accepted/, true, false],
  ['network', 'scan', /Could not reach the server/, true, false],
  ['wechat_unavailable', 'review', /WeChat is not responding/, true, false],
  ['rate_limited', 'scan', /Too many attempts/, true, false],
  ['server', 'cancel', /server could not handle/, true, false],
  ['misconfigured', null, /not set up correctly/, false, false],
];

for (const [kind, retry, text, canRetry, canRescan] of ERROR_CASES) {
  test(`error "${kind}": its sentence, retry ${canRetry}, rescan ${canRescan}`, () => {
    const v = view({ screen: 'error', error: { kind, code: '', message: '' }, retry });
    assert.match(v.body, text);
    assert.equal(v.heading, 'Something went wrong');
    assert.equal(v.canRetry, canRetry);
    assert.equal(v.canRescan, canRescan);
    assert.equal(v.canClose, true);
  });
}

test('the end screens say what happened, in both languages', () => {
  assert.equal(view({ screen: 'done' }).heading, 'You are logged in');
  assert.equal(view({ screen: 'done' }, 'zh').heading, '登录成功');
  assert.equal(view({ screen: 'cancelled' }).heading, 'Login cancelled');
  assert.equal(view({ screen: 'expired' }).heading, 'The code has expired');
  assert.equal(view({ screen: 'expired' }).canRescan, true);
  assert.equal(view({ screen: 'done' }).canRetry, false);
  assert.equal(view({ screen: 'done' }).icon, '✓');
  assert.equal(view({ screen: 'loading', ticket: null }).body, 'Reading the login request…');
  assert.equal(view({ screen: 'loading', ticket: null }).ticket, null);
});

test('branding comes from config.js, with the English name in English', () => {
  const custom = { brand: { name: '某某登录', nameEn: 'Some Login', logo: '/images/x.png', primaryColor: '#123456' } };
  const en = present({ ...base, screen: 'review' }, { lang: 'en', config: custom });
  assert.equal(en.brand.name, 'Some Login');
  assert.equal(en.brand.primaryColor, '#123456');
  assert.equal(en.brand.logo, '/images/x.png');
  assert.equal(present({ ...base, screen: 'review' }, { lang: 'zh', config: custom }).brand.name, '某某登录');
  assert.equal(present({ ...base, screen: 'review' }, { lang: 'en', config: {} }).brand.primaryColor, '#07c160');
});

test('remaining time is m:ss', () => {
  assert.equal(formatRemaining(0), '0:00');
  assert.equal(formatRemaining(9), '0:09');
  assert.equal(formatRemaining(120), '2:00');
  assert.equal(formatRemaining(-3), '0:00');
});
