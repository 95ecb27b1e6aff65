// ScanLogin's login mini-program. The only page is pages/login/login, opened by scanning the
// code a ScanLogin login page shows; all logic lives in lib/.
App({});
