// The types of `mypos/testing`: a local myPOS sandbox for your tests.
import type { Gateway, GatewayOptions, MerchantClient, Payment } from './index'

/** The credentials the sandbox accepts. Any merchant `cli_<X>` / `sec_<X>` is accepted too. */
export declare const SANDBOX_CREDENTIALS: {
  readonly integration: { readonly clientId: string; readonly clientSecret: string }
  readonly partnerId: string
  readonly applicationId: string
  readonly merchant: { readonly clientId: string; readonly clientSecret: string }
}

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
  kind?: 'status' | 'delay' | 'drop_before_headers' | 'drop_after_headers' | 'malformed_json' | 'html' | 'truncated_body' | 'expire_session'
  method?: string
  count?: number
  status?: number
  body?: unknown
  headers?: Record<string, string>
  delayMs?: number
  /** With `drop_before_headers`: run the handler first, then lose its answer. */
  afterHandler?: boolean
}

/** A running sandbox: clients bound to it, and its control API. */
export declare class Sandbox {
  readonly url: string
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
  stop(): Promise<void>
}

/** Starts a sandbox in this process on 127.0.0.1 (`port` 0 picks a free one). */
export declare function startSandbox(options?: { port?: number }): Promise<Sandbox>

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
