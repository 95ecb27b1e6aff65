// Type definitions for the ScanLogin browser SDK (sdk/js/scanlogin.js).

export type ScanLoginErrorCode =
  | "popup_blocked" | "popup_closed" | "access_denied" | "timeout" | "state_mismatch" | "invalid_nonce"
  | "invalid_options" | "network_error" | "ticket_not_found" | "bind_required" | "login_required"
  | (string & {});

/** Every rejection and onError argument: an Error with a stable `error` code. */
export interface ScanLoginError extends Error {
  name: "ScanLoginError";
  error: ScanLoginErrorCode;
  /** For a refused login (ticket `rejected`): the server's reason, e.g. "login_only". */
  reason?: string;
  /** For a request ScanLogin refused: its HTTP status (e.g. 502 with error "wechat_misconfigured"). */
  status?: number;
  /** Only in the console's Try login: what WeChat said and what to fix. */
  detail?: { api: string; errcode: number | null; hint: string; connection_url?: string };
  state?: string;
}

/** Where the pool's issuer is: `issuer` (e.g. "https://acme.login.example.com/oidc" or
 *  "https://login.example.com/u/acme/oidc"), or `pool` on `baseUrl` (default: where the SDK was loaded from). */
export type PoolLocation = { issuer: string; pool?: never; baseUrl?: never } | { pool: string; baseUrl?: string; issuer?: never };

export type PopupOptions = PoolLocation & {
  clientId: string;
  /** One of the application's redirect URIs; the page calling loginWithPopup must be on its origin. */
  redirectUri: string;
  /** Default "openid profile phone". */
  scope?: string;
  /** "public": PKCE, and the SDK redeems the code itself (the token endpoint must allow this origin). */
  clientType?: "confidential" | "public";
  state?: string;
  nonce?: string;
  prompt?: "login" | "none";
  /** Milliseconds before the attempt fails with `timeout` (default 300000). */
  timeout?: number;
  popup?: { width?: number; height?: number };
  /** Milliseconds between checks whether the user closed the window (default 400). */
  closedCheckInterval?: number;
};

/** What a confidential client's popup login resolves with: hand `code` to your backend. */
export interface PopupCodeResult {
  code: string;
  state: string;
  nonce: string;
}

/** The token endpoint's answer, plus the ID token's claims (decoded, not verified). */
export interface TokenSet {
  access_token: string;
  token_type: string;
  expires_in: number;
  id_token?: string;
  refresh_token?: string;
  scope?: string;
  claims: IdTokenClaims | null;
  state?: string;
}

export interface IdTokenClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  nonce?: string;
  name?: string;
  nickname?: string;
  picture?: string;
  phone_number?: string;
  phone_number_verified?: boolean;
  [claim: string]: unknown;
}

export interface ScannedBy {
  /** Masked, e.g. "L***i". */
  nickname: string;
  avatar: string;
}

export interface QrCodeSuccess {
  /** A one-time authorization code: redeem it on your backend at the token endpoint. */
  code: string;
  /** The PKCE verifier that goes with the code (send it as `code_verifier`). */
  codeVerifier: string;
  redirectUri: string;
  nonce: string;
  state?: string;
  /** With `exchange: true` (public clients): the redeemed tokens. */
  tokens?: TokenSet;
}

export type QrCodeOptions = PoolLocation & {
  clientId: string;
  /** The identifier of a connection enabled for the application, e.g. "wechat-pc". */
  connection: string;
  /** One of the application's redirect URIs: the code is bound to it. */
  redirectUri: string;
  scope?: string;
  nonce?: string;
  /** Public clients: redeem the code in the browser and hand over the tokens. */
  exchange?: boolean;
  onScanned?: (who: ScannedBy) => void;
  onSuccess?: (result: QrCodeSuccess) => void;
  onExpired?: (info: { ticket: string; refreshes: number }) => void;
  onCancel?: (info: { ticket: string }) => void;
  onError?: (error: ScanLoginError) => void;
  /** Draw a new code when one expires while the page is visible (default true). */
  autoRefresh?: boolean;
  /** At most this many automatic refreshes in a row (default 3); then a refresh button. */
  maxRefreshes?: number;
  /** "en" or "zh-CN" (default: the browser's language). */
  locale?: string;
  /** Pixels (default 200). */
  size?: number;
  /** Long-poll wait in seconds, 0–30 (default: 20–28, a different one each time, so that codes drawn together do not ask again together). */
  wait?: number;
  /** Milliseconds before polling again after a network error (default 1500). */
  retryDelay?: number;
};

export type QrCodeState = "loading" | "pending" | "scanned" | "confirmed" | "success" | "expired" | "cancelled" | "rejected" | "error";

export interface QrCodeHandle {
  /** Draw a new code now (also resets the automatic refresh count). */
  refresh(): void;
  /** Stop waiting and remove the widget. */
  destroy(): void;
  readonly state: QrCodeState;
  readonly ticket: string | null;
}

export declare const version: string;
export declare const BINDING_HEADER: "X-ScanLogin-Binding";
export declare const ScanLoginError: { new (error: string, message?: string): ScanLoginError; prototype: ScanLoginError };

export declare function loginWithPopup(options: PopupOptions & { clientType: "public" }): Promise<TokenSet>;
export declare function loginWithPopup(options: PopupOptions): Promise<PopupCodeResult>;
export declare function mountQrCode(element: HTMLElement, options: QrCodeOptions): QrCodeHandle;

declare global {
  interface Window {
    ScanLogin: {
      version: string;
      BINDING_HEADER: "X-ScanLogin-Binding";
      loginWithPopup: typeof loginWithPopup;
      mountQrCode: typeof mountQrCode;
      ScanLoginError: typeof ScanLoginError;
    };
  }
}
