/**
 * The attributes and events WeChat documents for the built-in components the login page uses
 * (developers.weixin.qq.com/miniprogram/dev/component/: view, text, button, image), so a test can
 * tell a misspelt attribute, value or event from a real one. miniprogram-simulate registers the
 * built-ins as bare elements that accept anything, so this list is what says "no".
 */

// Every component takes these (the "common attributes" page), plus data-* and the event bindings.
const COMMON_ATTRIBUTES = ['id', 'class', 'style', 'hidden', 'slot'];

// Events every component can fire ("event system": the bubbling touch events and tap).
const COMMON_EVENTS = [
  'touchstart', 'touchmove', 'touchcancel', 'touchend', 'tap', 'longpress', 'longtap',
  'transitionend', 'animationstart', 'animationiteration', 'animationend', 'touchforcechange',
];

const HOVER = ['hover-class', 'hover-stop-propagation', 'hover-start-time', 'hover-stay-time'];

const COMPONENTS = {
  view: { attributes: HOVER, events: [] },
  text: { attributes: ['user-select', 'selectable', 'space', 'decode'], events: [] },
  image: {
    attributes: ['src', 'mode', 'webp', 'lazy-load', 'show-menu-by-longpress', 'fade-in'],
    events: ['error', 'load'],
    values: {
      mode: ['scaleToFill', 'aspectFit', 'aspectFill', 'widthFix', 'heightFix', 'top', 'bottom', 'center', 'left',
        'right', 'top left', 'top right', 'bottom left', 'bottom right'],
    },
  },
  button: {
    attributes: [
      'size', 'type', 'plain', 'disabled', 'loading', 'form-type', 'open-type', ...HOVER, 'lang', 'session-from',
      'send-message-title', 'send-message-path', 'send-message-img', 'app-parameter', 'show-message-card',
      'phone-number-no-quota-toast',
    ],
    // Each open-type answers through its own event: getPhoneNumber -> bindgetphonenumber, ...
    events: ['getuserinfo', 'contact', 'getphonenumber', 'getrealtimephonenumber', 'error', 'opensetting', 'launchapp',
      'chooseavatar', 'agreeprivacyauthorization'],
    values: {
      size: ['default', 'mini'],
      type: ['primary', 'default', 'warn'],
      'form-type': ['submit', 'reset'],
      'open-type': ['contact', 'liveActivity', 'share', 'getPhoneNumber', 'getRealtimePhoneNumber', 'getUserInfo',
        'launchApp', 'openSetting', 'feedback', 'chooseAvatar', 'agreePrivacyAuthorization'],
    },
  },
};

// Binding prefixes: bind:tap and bindtap, catch, mut-bind, capture-bind, capture-catch.
const BINDING = /^(?:bind|catch|mut-bind|capture-bind|capture-catch):?([a-z]+)$/;

module.exports = { COMMON_ATTRIBUTES, COMMON_EVENTS, COMPONENTS, BINDING };
