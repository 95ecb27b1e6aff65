/**
 * Everything a tenant changes to ship its own build of the ScanLogin login mini-program.
 *
 * apiBase: the ScanLogin server (https, and listed as a "request legal domain" in the
 *   mini-program's console). No trailing slash.
 * brand: the name and logo in the page header, the colours of the header (and title bar) and the
 *   buttons; logo: a path inside this project, or an https URL on a whitelisted domain.
 * requestTimeoutMs: how long a call to ScanLogin may take before the page shows a network error.
 */
module.exports = {
  apiBase: 'https://login.example.com',
  brand: {
    name: 'ScanLogin',
    nameEn: 'ScanLogin',
    logo: '/images/logo.png',
    primaryColor: '#07c160',
    primaryTextColor: '#ffffff',
    headerColor: '#1f2d3d',
    headerTextColor: '#ffffff',
  },
  requestTimeoutMs: 15000,
};
