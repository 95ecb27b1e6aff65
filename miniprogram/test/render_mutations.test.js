// The rendering checks bite: a copy of the mini-program with one mistake in login.wxml (or .wxss), rendered
// by the same tooling, fails the check that render.test.js makes on the real page.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { reply } = require('./fake_wx.js');
const {
  ROOT, renderLoginPage, wxssError, tree, buttons, wechatProblems, unstyledClasses, press, until,
} = require('./simulate.js');

const SCENE = '0123456789abcdef0123456789abcdef';
const ROUTES = {
  '/api/miniprogram/scan': () => reply(200, {
    scan_token: 't', expires_in: 100, app: { name: 'A' }, pool: { name: 'P' }, connection: { display_name: 'C' },
    client: { ip: '113.116.0.1', user_agent: '', region: { country: '中国', province: '广东', city: '深圳' } },
  }),
  '/api/miniprogram/confirm': () => reply(200, { status: 'confirmed' }),
};

/** A copy of the project (without node_modules) whose login.wxml (or `file`) has `from` replaced by `to`. */
function mutant(t, from, to, file = 'login.wxml') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scanlogin-mp-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.cpSync(ROOT, dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}node_modules`) });
  const target = path.join(dir, 'pages', 'login', file);
  const source = fs.readFileSync(target, 'utf8');
  assert.ok(source.includes(from), `${file} has no ${from}`);
  fs.writeFileSync(target, source.replace(from, to));
  return dir;
}

async function review(t, root) {
  const rendered = renderLoginPage({ root, routes: ROUTES });
  t.after(() => rendered.page.onUnload());
  await rendered.page.onLoad({ scene: SCENE });
  return { ...rendered, view: tree(rendered.comp) };
}

test('the unchanged copy passes every check (the mutants below differ only by their mistake)', async (t) => {
  const { view, page, comp } = await review(t, mutant(t, '<view class="page">', '<view class="page">'));
  assert.deepEqual(wechatProblems(view, page), []);
  assert.deepEqual(unstyledClasses(view), []);
  press(comp, '确认登录', { event: 'getphonenumber', detail: { code: 'c' } });
  assert.equal(await until(() => page.data.screen === 'done'), true);
});

test('a misspelt event binding is reported, and the phone code never reaches the page', async (t) => {
  const { view, page, comp } = await review(t, mutant(t, 'bindgetphonenumber="onPhoneNumber"', 'bindgetphonenumbr="onPhoneNumber"'));
  assert.deepEqual(wechatProblems(view, page), ['button: unknown event getphonenumbr']);
  press(comp, '确认登录', { event: 'getphonenumber', detail: { code: 'c' } });
  assert.equal(await until(() => page.data.screen === 'done'), false);
});

test('a handler the page does not have is reported', async (t) => {
  const { view, page } = await review(t, mutant(t, 'bindtap="onCancel"', 'bindtap="onCancle"'));
  assert.deepEqual(wechatProblems(view, page), ['button: bindtap="onCancle" names no method of the page']);
});

test('a wrong open-type value is reported', async (t) => {
  const { view, page } = await review(t, mutant(t, 'open-type="getPhoneNumber"', 'open-type="getPhonenumber"'));
  assert.match(wechatProblems(view, page).join('\n'), /button: open-type="getPhonenumber" is not one of/);
  assert.notEqual(buttons(view)[0].attrs.openType, 'getPhoneNumber');
});

test('a misspelt attribute is reported', async (t) => {
  const { view, page } = await review(t, mutant(t, 'open-type="getPhoneNumber"', 'opentype="getPhoneNumber"'));
  assert.deepEqual(wechatProblems(view, page), ['button: unknown attribute opentype']);
});

test('a misspelt class is an unstyled class', async (t) => {
  const { view } = await review(t, mutant(t, '<view class="countdown">', '<view class="countdwn">'));
  assert.deepEqual(unstyledClasses(view), ['countdwn']);
});

test('broken WXML does not compile with WeChat\'s compiler', (t) => {
  const root = mutant(t, '<text class="label">{{labels.pool}}</text>', '<text class="label">{{labels.pool}}</txt>');
  assert.throws(() => renderLoginPage({ root, routes: ROUTES }), /wxml.*expect end-tag `text`/s);
});

test('broken WXSS does not compile with WeChat\'s WXSS compiler', (t) => {
  const root = mutant(t, '.hint {', '.hint {{', 'login.wxss');
  assert.match(wxssError(root), /login\.wxss\(\d+:\d+\): unexpected `\{`/);
});
