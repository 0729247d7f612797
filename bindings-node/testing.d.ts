// The types of `mypos/testing`: a local myPOS sandbox for your tests.
import type {
  Gateway,
  GatewayOptions,
  MerchantClient,
  MobilePayPos,
  MobilePayPosOptions,
  Payment,
  Psd2Client,
  Psd2ClientOptions,
} from './index'

/** The credentials the sandbox accepts. Any merchant `cli_<X>` / `sec_<X>` is accepted too. */
export declare const SANDBOX_CREDENTIALS: {
  readonly integration: { readonly clientId: string; readonly clientSecret: string }
  readonly partnerId: string
  readonly applicationId: string
  readonly merchant: { readonly clientId: string; readonly clientSecret: string }
}

/**
 * MobilePay's seed: the merchant's `bioCode` and `accessToken`, the sandbox's poll delay, its
 * stores and terminals.
 */
export declare const MOBILEPAY_SANDBOX: {
  readonly bioCode: string
  readonly accessToken: string
  /** A merchant without an access token yet, for `manage.createToken`. */
  readonly newBioCode: string
  readonly pollDelayMs: number
  readonly storeIds: readonly string[]
  readonly terminals: ReadonlyArray<{
    readonly terminalId: string
    /** Null for a terminal without a MobilePay point of sale. */
    readonly posId: string | null
    readonly storeId: string
    readonly beaconId: string
    readonly requirePaymentBeforeCheckin: boolean
  }>
}

/** PSD2's seed: the TPP's `clientId` and `clientSecret`, and the `psuId` the SCA page proposes. */
export declare const PSD2_SANDBOX: {
  readonly clientId: string
  readonly clientSecret: string
  readonly psuId: string
}

/** The throwaway PKI of `startSandbox({ tls: true })`, as PEM text. */
export interface SandboxPki {
  caPem: string
  serverCertPem: string
  serverKeyPem: string
  clientCertPem: string
  clientKeyPem: string
}

/** Where the account holder is sent back from the SCA page, and what the redirect carries. */
export interface ScaDecision {
  location: string
  code: string | null
  state: string | null
  error: string | null
}

/** A MobilePay payment or refund as the sandbox's control API returns it (wire keys). */
export type MobilePayRecord = Record<string, unknown>

/** One logged request; `authorization` and `x-session` are redacted. */
export interface LoggedRequest {
  seq: number
  method: string
  path: string
  query: string | null
  /** 0 when the connection was dropped before an answer. */
  status: number
  headers: Record<string, string>
}

/** What misbehaves, for the next `count` requests to `path` (exact, or a prefix ending in `*`). */
export interface FaultOptions {
  path: string
  kind?: 'status' | 'delay' | 'drop_before_headers' | 'drop_after_headers' | 'malformed_json' | 'html' | 'truncated_body' | 'expire_session' | 'oversized'
  method?: string
  count?: number
  status?: number
  body?: unknown
  headers?: Record<string, string>
  delayMs?: number
  /** With `drop_before_headers`: run the handler first, then lose its answer. */
  afterHandler?: boolean
  /** With `oversized`: the body's size in bytes. */
  bytes?: number
  /** With `oversized`: send a `Content-Length` (otherwise the body streams with none). */
  announceLength?: boolean
}

/** A running sandbox: clients bound to it, and its control API. */
export declare class Sandbox {
  /** The plain URL: the API, the control API and the SCA page. */
  readonly url: string
  /** The mTLS URL (`startSandbox({ tls: true })` only): a client certificate from `pki` is required. */
  readonly tlsUrl?: string
  /** The throwaway PKI (`startSandbox({ tls: true })` only). */
  readonly pki?: SandboxPki
  /** A `Gateway` on this sandbox with its seeded partner credentials; options override. */
  gateway(overrides?: Partial<GatewayOptions>): Gateway
  /** A merchant client: the seeded merchant, or `cli_<X>` (its secret is `sec_<X>`). */
  client(clientId?: string, options?: { gateway?: Gateway }): MerchantClient
  /** Calls the control API (`/_sandbox/...`); resolves to the decoded answer. */
  control(method: string, path: string, body?: unknown): Promise<any>
  requests(filter?: { method?: string; path?: string }): Promise<LoggedRequest[]>
  count(method: string, path: string): Promise<number>
  clearRequests(): Promise<void>
  stats(): Promise<{ oauth_tokens_issued: number; sessions_issued: number; requests: number }>
  /** Expires every partner token and/or merchant session issued so far. */
  expire(what: { tokens?: boolean; sessions?: boolean }): Promise<void>
  /** Lifetimes, in seconds, of tokens and sessions issued from now on. */
  setLifetimes(lifetimes: { token?: number; session?: number }): Promise<void>
  /** Returns the fault's id. */
  injectFault(fault: FaultOptions): Promise<number>
  faults(): Promise<Array<Record<string, unknown>>>
  clearFaults(): Promise<void>
  /** The card is read and approved: `Success`, with card details, a transaction and a receipt. */
  approvePayment(paymentId: string, options?: { cardScheme?: string }): Promise<Payment>
  /** The issuer declines (`'Failed'`, the default) or the terminal refuses (`'Rejected'`). */
  declinePayment(paymentId: string, options?: { status?: 'Failed' | 'Rejected' }): Promise<Payment>
  /** No card is presented before the terminal gives up: `Failed`. */
  timeOutPayment(paymentId: string): Promise<Payment>
  /** Finishes the payment a terminal is busy with. */
  driveTerminal(terminalId: string, action: 'approve' | 'decline' | 'timeout', options?: { status?: 'Failed' | 'Rejected'; cardScheme?: string }): Promise<Payment>
  /** A `MobilePayPos` on this sandbox with the seeded `bioCode` and `accessToken`; options override. */
  mobilepay(overrides?: Partial<MobilePayPosOptions>): MobilePayPos
  /** A customer checks in at a terminal (or a point of sale: `{ posId }`); a waiting payment goes to them. */
  mobilepayCheckIn(terminalId?: string | null, options?: { posId?: string }): Promise<{ checkedIn: boolean; payment: MobilePayRecord | null }>
  /** The customer accepts (`IssuedToUser` → `Reserved`). */
  mobilepayAccept(paymentId?: string | null, options?: { terminalId?: string; partialCapturePossible?: boolean }): Promise<MobilePayRecord>
  /** The customer rejects (`IssuedToUser` or `Paired` → `CancelledByUser`). */
  mobilepayReject(paymentId?: string | null, options?: { terminalId?: string }): Promise<MobilePayRecord>
  /** Time runs out: an active payment → `CancelledByMobilePay`, a reserved one → `ExpiredAndCancelled`. */
  mobilepayExpire(paymentId?: string | null, options?: { terminalId?: string }): Promise<MobilePayRecord>
  /** A reserved refund is not captured in time (`ExpiredAndCaptured`); an initiated one fails. */
  mobilepayExpireRefund(refundId: string): Promise<MobilePayRecord>
  /** Every MobilePay payment in the sandbox (or a terminal's), oldest first. */
  mobilepayPayments(terminalId?: string): Promise<MobilePayRecord[]>
  /** A `Psd2Client` for the seeded TPP (over mTLS when started with `{ tls: true }`); options override. */
  psd2(overrides?: Partial<Psd2ClientOptions>): Psd2Client
  /** The account holder at the SCA page `url` posts its form (`'approve'` or `'deny'`). */
  psd2Decide(url: string, decision?: 'approve' | 'deny', options?: { psuId?: string }): Promise<ScaDecision>
  /** The holder approves at `url`; resolves to the `code` they come back with. */
  psd2Approve(url: string, options?: { psuId?: string }): Promise<string>
  /** Access-token lifetime (seconds), the delay from `ACTC` to `ACSC`, and the error style. */
  psd2Settings(settings?: { accessTokenLifetime?: number; executionDelayMs?: number; errorStyle?: 'problem' | 'tpp_messages' }): Promise<void>
  /** Moves the PSD2 date forward; resolves to the new date (`YYYY-MM-DD`). */
  psd2AdvanceDays(days: number): Promise<string>
  psd2Today(): Promise<string>
  /** The holder revokes the consent at the bank: `revokedByPsu`, its refresh tokens revoked. */
  psd2RevokeConsent(consentId: string): Promise<void>
  /** Every PSD2 access token issued so far expires. */
  psd2ExpireTokens(): Promise<void>
  /** Revokes the refresh tokens of one account holder, or all; resolves to how many. */
  psd2RevokeRefreshTokens(psuId?: string): Promise<number>
  /** Stops the sandbox and resolves once it has exited. */
  stop(): Promise<void>
}

/**
 * Starts a sandbox (the `mypos-sandbox` program) on 127.0.0.1: `port` 0 picks a free one; `tls`
 * also serves the API over mTLS at `tlsUrl` with a throwaway `pki`.
 */
export declare function startSandbox(options?: { port?: number; tls?: boolean }): Promise<Sandbox>

/** The path of the `mypos-sandbox` program: `MYPOS_SANDBOX_BIN`, else the `mypos-sandbox` package's. */
export declare function sandboxBinary(): string

/** Registers a hook function with the test framework (jest's `beforeAll`, mocha's `before`). */
type SuiteHook = (fn: () => Promise<void>) => unknown

/**
 * One sandbox for a test file: started in `beforeAll`, stopped in `afterAll`. The returned
 * stand-in forwards to it inside the tests; outside them it throws. `hooks`: the framework's
 * `beforeAll`/`afterAll` (or mocha's `before`/`after`) where they are not globals.
 */
export declare function useSandbox(
  options?: Parameters<typeof startSandbox>[0],
  hooks?: { beforeAll?: SuiteHook; afterAll?: SuiteHook; before?: SuiteHook; after?: SuiteHook },
): Sandbox
