// node-fetch 2 falls back to the whatwg-url package only where Node has no URL class. Node 20 has
// one: bundling the package cost ~5 MiB of peak RSS per process for code that never runs.
module.exports = { URL: require('node:url').URL };
