// Compiled by `tsc` (npm test): the declarations accept correct use and refuse wrong use.
import * as ScanLogin from "../scanlogin";

async function popup(): Promise<void> {
  const { code, state } = await ScanLogin.loginWithPopup({ issuer: "https://login.example.com/u/acme/oidc", clientId: "c", redirectUri: "https://shop.example.com/cb" });
  const c: string = code;
  const s: string = state;
  const tokens = await ScanLogin.loginWithPopup({ pool: "acme", baseUrl: "https://login.example.com", clientId: "c", redirectUri: "https://x/cb", clientType: "public" });
  const at: string = tokens.access_token;
  const phone = tokens.claims?.phone_number;
  void [c, s, at, phone];
  // @ts-expect-error clientId is required
  await ScanLogin.loginWithPopup({ issuer: "https://x/oidc", redirectUri: "https://x/cb" });
  // @ts-expect-error issuer and pool are alternatives
  await ScanLogin.loginWithPopup({ issuer: "https://x/oidc", pool: "acme", clientId: "c", redirectUri: "https://x/cb" });
}

function widget(div: HTMLElement): void {
  const handle = ScanLogin.mountQrCode(div, {
    issuer: "https://acme.login.example.com/oidc", clientId: "c", connection: "wechat-pc", redirectUri: "https://x/cb",
    onScanned: (who) => { const n: string = who.nickname; void n; },
    onSuccess: ({ code, codeVerifier, tokens }) => { void [code, codeVerifier, tokens?.id_token]; },
    onExpired: ({ refreshes }) => { const r: number = refreshes; void r; },
    onError: (e) => { const code: string = e.error; void code; },
    autoRefresh: true, maxRefreshes: 2,
  });
  handle.refresh();
  const st: ScanLogin.QrCodeState = handle.state;
  void st;
  handle.destroy();
  // @ts-expect-error connection is required
  ScanLogin.mountQrCode(div, { issuer: "https://x/oidc", clientId: "c", redirectUri: "https://x/cb" });
  // @ts-expect-error callbacks have fixed shapes
  ScanLogin.mountQrCode(div, { issuer: "https://x/oidc", clientId: "c", connection: "w", redirectUri: "https://x/cb", onSuccess: (r: number) => r });
  const fromWindow: typeof ScanLogin.mountQrCode = window.ScanLogin.mountQrCode;
  void fromWindow;
}

void popup;
void widget;
