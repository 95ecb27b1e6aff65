/**
 * The login page rendered by WeChat's own unit-test tooling. miniprogram-simulate compiles
 * pages/login/login.wxml with WeChat's WXML compiler (wcc, shipped in miniprogram-compiler) and
 * pages/login/login.wxss, and j-component builds the page on miniprogram-exparser (the
 * mini-program's component engine) inside jsdom. The page code is the REAL pages/login/login.js
 * (so lib/page.js, lib/flow.js, lib/view.js, lib/i18n.js), driven by a scripted `wx`.
 *
 * miniprogram-simulate loads components, not pages; WeChat lets a page be built with the
 * Component constructor, its lifecycle handlers (onLoad, ...) then living in `methods`, so the
 * Page() the page calls is handed on that way.
 */
const path = require('path');
const { createFakeWx } = require('./fake_wx.js');
const { COMMON_ATTRIBUTES, COMMON_EVENTS, COMPONENTS, BINDING } = require('./wechat_components.js');

const ROOT = path.resolve(__dirname, '..');

let simulate = null;

/** jsdom as the global DOM, once per process, then miniprogram-simulate on top of it. */
function tooling() {
  if (simulate) return simulate;
  require('global-jsdom')(undefined, { url: 'https://servicewechat.com/' });
  // Node has its own Event and CustomEvent, which global-jsdom leaves in place; j-component
  // dispatches DOM events and jsdom only takes its own.
  global.Event = window.Event;
  global.CustomEvent = window.CustomEvent;
  simulate = require('miniprogram-simulate');
  return simulate;
}

let templatesOf = null;

/**
 * The code wcc generates keeps each template's compiled expressions in one global cache, keyed
 * by the template's place in its project: a changed copy of the project (the mutation tests)
 * would be rendered with the expressions of the project rendered before it. Empty the cache
 * when the project changes; each project's templates refill it from their own code.
 */
function useTemplatesOf(root) {
  if (templatesOf === root) return;
  templatesOf = root;
  const cache = global.__WXML_GLOBAL__;
  if (cache) Object.assign(cache, { ops_cached: {}, ops_set: {}, ops_init: {} });
}

/**
 * Load and render pages/login/login of the project at `root` (the real one unless a test
 * points it at a changed copy) with a scripted wx; the page is attached but not yet loaded.
 */
function renderLoginPage({ root = ROOT, language = 'zh_CN', routes = {}, scanResult } = {}) {
  const sim = tooling();
  const wx = createFakeWx({ language, routes, scanResult });
  const previousPage = global.Page;
  useTemplatesOf(root);
  global.wx = wx;
  global.Page = (definition) => {
    const { data, ...methods } = definition;
    global.Component({ data, methods });
  };
  let id;
  try {
    id = sim.load(path.join(root, 'pages', 'login', 'login'), { rootPath: root, compiler: 'official' });
  } finally {
    global.Page = previousPage;
    delete global.wx; // lib/ must use the wx it was handed, never a global
  }
  const comp = sim.render(id);
  comp.attach(document.createElement('parent-wrapper'));
  return { comp, page: comp.instance, wx };
}

/** The rendered exparser tree as plain nodes: {tag, attrs: {name: value}, events: {name: handler}, children}. */
function tree(comp) {
  const convert = (node) => {
    if (typeof node === 'string') return node;
    const attrs = {};
    for (const { name, value } of node.attrs || []) attrs[name] = value;
    const events = {};
    for (const [name, binding] of Object.entries(node.event || {})) events[name] = binding.handler;
    return { tag: String(node.tagName).replace(/^wx-/, ''), attrs, events, children: (node.children || []).map(convert) };
  };
  return convert(comp.toJSON());
}

/** Every element of the tree, depth first. */
function elements(node) {
  if (typeof node === 'string') return [];
  return [node, ...node.children.flatMap(elements)];
}

/** The text a person reads in an element, pieces joined by spaces. */
function textOf(node) {
  if (typeof node === 'string') return node.trim();
  return node.children.map(textOf).filter(Boolean).join(' ');
}

const hasClass = (node, name) => String(node.attrs.class || '').split(/\s+/).includes(name);

/** Elements with every class in `classes` ("btn primary"). */
function byClass(root, classes) {
  const wanted = classes.split(/\s+/);
  return elements(root).filter((node) => wanted.every((c) => hasClass(node, c)));
}

/** The review card's rows as {label: value}. */
function reviewRows(root) {
  const rows = {};
  for (const row of byClass(root, 'row')) {
    const [label, value] = row.children.filter((child) => typeof child !== 'string');
    rows[textOf(label)] = textOf(value);
  }
  return rows;
}

/** The buttons: [{text, attrs, events}], in page order. */
function buttons(root) {
  return elements(root).filter((node) => node.tag === 'button').map((node) => ({ text: textOf(node), attrs: node.attrs, events: node.events }));
}

/**
 * What WeChat would refuse or ignore: an attribute, attribute value or event a built-in
 * component does not document, an unknown tag, or a handler the page does not define.
 * Returns a list of problems ("button: unknown event getphonenumbr").
 */
function wechatProblems(root, page) {
  const problems = [];
  for (const node of elements(root)) {
    if (node.tag === 'main' || node.tag === 'parent-wrapper') continue;
    const spec = COMPONENTS[node.tag];
    if (!spec) {
      problems.push(`unknown component <${node.tag}>`);
      continue;
    }
    for (const [compiled, value] of Object.entries(node.attrs)) {
      // WeChat's compiler hands attributes over camel-cased (open-type -> openType).
      const name = compiled.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      const binding = BINDING.exec(name);
      if (binding) {
        if (![...COMMON_EVENTS, ...spec.events].includes(binding[1])) problems.push(`${node.tag}: unknown event ${binding[1]}`);
      } else if (!name.startsWith('data-') && !COMMON_ATTRIBUTES.includes(name) && !spec.attributes.includes(name)) {
        problems.push(`${node.tag}: unknown attribute ${name}`);
      } else if (spec.values && spec.values[name] && !spec.values[name].includes(value)) {
        problems.push(`${node.tag}: ${name}="${value}" is not one of ${spec.values[name].join(', ')}`);
      }
    }
    for (const [event, handler] of Object.entries(node.events)) {
      if (![...COMMON_EVENTS, ...spec.events].includes(event)) problems.push(`${node.tag}: unknown event ${event}`);
      if (typeof page[handler] !== 'function') problems.push(`${node.tag}: bind${event}="${handler}" names no method of the page`);
    }
  }
  return problems;
}

/**
 * The project's WXSS compiled by WeChat's own WXSS compiler (wcsc, shipped in
 * miniprogram-compiler next to wcc): null when it compiles, else wcsc's error message.
 * (miniprogram-simulate itself inserts the WXSS through postcss, which accepts more.)
 */
function wxssError(root = ROOT) {
  // eslint-disable-next-line global-require
  const wcsc = require('miniprogram-compiler/src/wcsc.js');
  const result = wcsc(root, ['app', 'pages/login/login']);
  return result instanceof Error ? result.message : null;
}

/** The class names used in the tree that the page's WXSS does not style (a misspelt class). */
function unstyledClasses(root) {
  const styled = styledClasses();
  const used = elements(root).flatMap((node) => String(node.attrs.class || '').split(/\s+/).filter(Boolean));
  return [...new Set(used.filter((name) => !styled.has(name)))];
}

/**
 * Press a button the way WeChat does: a tap, or for open-type="getPhoneNumber" the
 * getphonenumber event WeChat fires with the user's answer in `detail`.
 */
function press(comp, text, { event = 'tap', detail = {} } = {}) {
  const button = comp.querySelectorAll('.btn').find((b) => b.dom.textContent.trim() === text);
  if (!button) throw new Error(`no button "${text}"`);
  button.dispatchEvent(event, { detail });
}

/** Let the page's promises run until `done()` holds (or give up after a bounded number of turns). */
async function until(done) {
  for (let i = 0; i < 200 && !done(); i += 1) await new Promise((resolve) => setImmediate(resolve));
  return done();
}

/** The class names the page's WXSS styles (as compiled and inserted into the document by miniprogram-simulate). */
function styledClasses() {
  const classes = new Set();
  for (const style of document.querySelectorAll('head style')) {
    for (const [, name] of style.textContent.matchAll(/\.main--([-\w]+)/g)) classes.add(name);
  }
  return classes;
}

module.exports = {
  ROOT, renderLoginPage, wxssError, tree, elements, textOf, byClass, reviewRows, buttons, wechatProblems, unstyledClasses, press, until,
};
