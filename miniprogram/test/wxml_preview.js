/**
 * Render pages/login/login.wxml with the page's own data as plain HTML, so a browser can show
 * (and a test can screenshot) what the phone shows. It understands the small WXML subset the
 * page uses: view/text/button/image/block, wx:if/wx:elif/wx:else and {{expressions}}; WXSS
 * rpx become px for a 375-px-wide phone, as WeChat does.
 */
const fs = require('fs');
const path = require('path');
const { ROOT } = require('./harness.js');

const VOID = new Set(['image', 'input']);
const TAGS = { view: 'div', text: 'span', button: 'button', image: 'img' };

function parse(source) {
  const root = { tag: '#root', attrs: {}, children: [] };
  const stack = [root];
  const re = /<!--[\s\S]*?-->|<\/(\w+)\s*>|<(\w+)((?:\s+[\w:-]+(?:="[^"]*")?)*)\s*(\/?)>|([^<]+)/g;
  for (const m of source.matchAll(re)) {
    const top = stack[stack.length - 1];
    if (m[1]) {
      if (top.tag !== m[1]) throw new Error(`WXML: </${m[1]}> closes <${top.tag}>`);
      stack.pop();
    } else if (m[2]) {
      const attrs = {};
      for (const a of m[3].matchAll(/([\w:-]+)(?:="([^"]*)")?/g)) attrs[a[1]] = a[2] === undefined ? true : a[2];
      const node = { tag: m[2], attrs, children: [] };
      top.children.push(node);
      if (!m[4] && !VOID.has(m[2])) stack.push(node);
    } else if (m[5] && m[5].trim()) {
      top.children.push({ tag: '#text', text: m[5].trim() });
    }
  }
  if (stack.length !== 1) throw new Error(`WXML: <${stack[stack.length - 1].tag}> is not closed`);
  return root;
}

function evaluate(expr, data) {
  // eslint-disable-next-line no-new-func
  return new Function('data', `with (data) { return (${expr}); }`)(data);
}

const escapeHtml = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));

function interpolate(value, data) {
  if (typeof value !== 'string') return value;
  const whole = /^\{\{([^}]+)\}\}$/.exec(value);
  if (whole) return evaluate(whole[1], data);
  return value.replace(/\{\{([^}]+)\}\}/g, (_, expr) => {
    const v = evaluate(expr, data);
    return v === undefined || v === null ? '' : String(v);
  });
}

function renderChildren(children, data) {
  let out = '';
  let chainTaken = false;
  for (const node of children) {
    const a = node.attrs || {};
    if ('wx:if' in a) {
      chainTaken = Boolean(interpolate(a['wx:if'], data));
      if (chainTaken) out += renderNode(node, data);
    } else if ('wx:elif' in a) {
      if (!chainTaken && interpolate(a['wx:elif'], data)) {
        chainTaken = true;
        out += renderNode(node, data);
      }
    } else if ('wx:else' in a) {
      if (!chainTaken) out += renderNode(node, data);
      chainTaken = false;
    } else {
      out += renderNode(node, data);
    }
  }
  return out;
}

function renderNode(node, data) {
  if (node.tag === '#text') return escapeHtml(interpolate(node.text, data));
  if (node.tag === 'block' || node.tag === '#root') return renderChildren(node.children, data);
  const tag = TAGS[node.tag];
  if (!tag) throw new Error(`WXML preview: unknown tag <${node.tag}>`);
  const attrs = [];
  for (const [name, raw] of Object.entries(node.attrs)) {
    if (name.startsWith('wx:')) continue;
    const value = interpolate(raw, data);
    if (name === 'class' || name === 'style') attrs.push(`${name}="${escapeHtml(value)}"`);
    else if (name === 'src') attrs.push(`src="${escapeHtml(imageSource(value))}"`);
    else if (name === 'disabled' && value) attrs.push('disabled');
    else if (name === 'loading' && value) attrs.push('data-loading="true"');
    else if (name.startsWith('bind') || name === 'open-type') attrs.push(`data-${name}="${escapeHtml(value)}"`);
  }
  const open = `<${tag} data-wx="${node.tag}"${attrs.length ? ' ' : ''}${attrs.join(' ')}>`;
  if (VOID.has(node.tag)) return open;
  return `${open}${renderChildren(node.children, data)}</${tag}>`;
}

function imageSource(src) {
  if (!src.startsWith('/')) return src;
  const file = path.join(ROOT, src);
  return `data:image/png;base64,${fs.readFileSync(file).toString('base64')}`;
}

/** WXSS -> CSS for a 375 px wide phone: 750rpx = 375px; `page` is the body. */
function wxssToCss(wxss) {
  return wxss
    .replace(/(-?\d*\.?\d+)rpx/g, (_, n) => `${(Number(n) / 2).toFixed(2).replace(/\.?0+$/, '')}px`)
    .replace(/(^|\n)page\s*\{/g, '$1body {');
}

// What WeChat's runtime adds: its button look, and the navigation bar with the capsule.
const BASE_CSS = `
  * { box-sizing: border-box; }
  body { margin: 0; }
  button { display: block; position: relative; padding: 0 14px; border: 0; border-radius: 5px;
    font: inherit; font-size: 18px; line-height: 2.56; background: #f8f8f8; color: #000; }
  button[disabled] { opacity: .6; }
  button[data-loading]::before { content: ""; display: inline-block; width: 14px; height: 14px;
    margin-right: 8px; vertical-align: -2px; border: 2px solid currentColor; border-right-color: transparent;
    border-radius: 50%; }
  .wx-nav { height: 44px; display: flex; align-items: center; justify-content: center; position: relative;
    font-size: 17px; font-weight: 600; }
  .wx-capsule { position: absolute; right: 7px; top: 6px; width: 87px; height: 32px; border-radius: 16px;
    border: 1px solid rgba(255,255,255,.35); background: rgba(0,0,0,.15); font-size: 14px; line-height: 30px;
    text-align: center; letter-spacing: 2px; }
  .wx-status { height: 20px; }
`;

/** A whole HTML document showing the login page with `data`. */
function renderPage(data, title = '') {
  const wxml = fs.readFileSync(path.join(ROOT, 'pages', 'login', 'login.wxml'), 'utf8');
  const css = [fs.readFileSync(path.join(ROOT, 'app.wxss'), 'utf8'), fs.readFileSync(path.join(ROOT, 'pages', 'login', 'login.wxss'), 'utf8')]
    .map(wxssToCss).join('\n');
  const brand = data.brand || {};
  const bar = `background:${brand.headerColor || '#1f2d3d'};color:${brand.headerTextColor || '#fff'}`;
  return `<!doctype html><html lang="${data.lang === 'en' ? 'en' : 'zh-CN'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=375"><style>${BASE_CSS}\n${css}</style></head>
<body><div class="wx-status" style="${bar}"></div><div class="wx-nav" style="${bar}">${escapeHtml(title)}<span class="wx-capsule">··· ◉</span></div>
${renderNode(parse(wxml), data)}</body></html>`;
}

module.exports = { parse, renderPage, wxssToCss };
