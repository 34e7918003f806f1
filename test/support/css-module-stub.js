// A CSS module in jest: each class name is its own key (jsdom cannot parse the stylesheets that
// Backstage UI injects, and the tests do not look at styles).
module.exports = new Proxy({}, { get: (_, key) => (key === '__esModule' ? false : key === 'default' ? module.exports : String(key)) });
