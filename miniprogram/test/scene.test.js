const test = require('node:test');
const assert = require('node:assert/strict');
const { sceneFromOptions, sceneFromUrl, sceneFromScanResult, isValidScene } = require('../lib/scene.js');

const HEX = '0123456789abcdef0123456789abcdef';

test('scene from a mini-program code is read as is', () => {
  assert.equal(sceneFromOptions({ scene: HEX }), HEX);
});

test('an URL-encoded scene is decoded', () => {
  assert.equal(sceneFromOptions({ scene: encodeURIComponent('a=1&b:2') }), 'a=1&b:2');
});

test('a twice-encoded scene is decoded fully', () => {
  assert.equal(sceneFromOptions({ scene: encodeURIComponent(encodeURIComponent('t:ab/cd')) }), 't:ab/cd');
});

test('a link QR gives the last path segment of q', () => {
  const q = encodeURIComponent(`https://login.example.com/mp/l/${HEX}`);
  assert.equal(sceneFromOptions({ q }), HEX);
});

test('a link QR with a trailing slash still gives the scene', () => {
  assert.equal(sceneFromOptions({ q: encodeURIComponent(`https://login.example.com/l/${HEX}/`) }), HEX);
});

test('a link QR with a scene query parameter gives that parameter', () => {
  const q = encodeURIComponent(`https://login.example.com/l?from=pc&scene=${HEX}#x`);
  assert.equal(sceneFromOptions({ q }), HEX);
});

test('an encoded scene inside a link QR is decoded once more', () => {
  const q = encodeURIComponent(`https://login.example.com/l?scene=${encodeURIComponent('k=v')}`);
  assert.equal(sceneFromOptions({ q }), 'k=v');
});

test('scene wins over q when both are present', () => {
  assert.equal(sceneFromOptions({ scene: 'abc', q: encodeURIComponent('https://x.example/l/def') }), 'abc');
});

test('no options, empty scene or a bare prefix give no scene', () => {
  assert.equal(sceneFromOptions(undefined), '');
  assert.equal(sceneFromOptions({}), '');
  assert.equal(sceneFromOptions({ scene: '' }), '');
  assert.equal(sceneFromOptions({ q: encodeURIComponent('https://login.example.com') }), '');
});

test('a scene longer than 32 characters or outside WeChat\'s alphabet is refused', () => {
  assert.equal(sceneFromOptions({ scene: 'a'.repeat(33) }), '');
  assert.equal(sceneFromOptions({ scene: 'a'.repeat(32) }), 'a'.repeat(32));
  assert.equal(sceneFromOptions({ scene: 'has space' }), '');
  assert.equal(sceneFromOptions({ scene: '<script>' }), '');
  assert.equal(isValidScene("!#$&'()*+,/:;=?@-._~"), true);
});

test('a malformed escape does not throw', () => {
  assert.equal(sceneFromOptions({ scene: 'ab%zz' }), '');
  assert.equal(sceneFromUrl('https://x.example/l/ab%E0'), 'ab%E0');
});

test('wx.scanCode answers: a mini-program code path or a link QR result', () => {
  assert.equal(sceneFromScanResult({ path: `pages/login/login?scene=${HEX}` }), HEX);
  assert.equal(sceneFromScanResult({ path: `pages/login/login?scene=${encodeURIComponent('a:b')}` }), 'a:b');
  assert.equal(sceneFromScanResult({ result: `https://login.example.com/l/${HEX}` }), HEX);
  assert.equal(sceneFromScanResult({ path: 'pages/login/login' }), '');
  assert.equal(sceneFromScanResult(null), '');
});
