// `mypos/compat`: the surface of the `mypos-api-gateway` TypeScript SDK over this SDK.
// Written by hand over the generated `index.d.ts`: the methods, their arguments and the data
// they answer are the main API's; only the result and error shapes differ.

import type { GatewayOptions, MerchantClient } from './index'

export declare const DEMO_GATEWAY_URL: string
export declare const PRODUCTION_GATEWAY_URL: string

/** Thrown by `new MyPOSGateway(...)` and `createClient(...)` for bad settings. */
export declare class GatewayConfigError extends Error {
  readonly name: 'GatewayConfigError'
  /** The setting at fault (`integration.clientId`…), when one is. */
  readonly field?: string
}

/** Thrown by a call when the partner token or the merchant's session cannot be had. */
export declare class GatewayAuthError extends Error {
  readonly name: 'GatewayAuthError'
  readonly status?: number
}

/** The problem details of an API error, and its field errors (field → messages). */
export interface GatewayErrorDetails {
  type?: string | null
  title?: string | null
  status?: number
  detail?: string | null
  errors?: Record<string, string[]>
  requestId?: string | null
  /** For a call that got no answer: the SDK's error code. */
  code?: string
  /** For an ePOS payment whose answer was lost: its reference, to look it up later. */
  referenceNumber?: string
  /** Milliseconds, for a call that timed out. */
  timeout?: number
}

/** An API error, or no answer at all (`status` -1): returned, never thrown. */
export interface GatewayFailure {
  success: false
  status: number
  statusMessage: string
  errorDetails?: GatewayErrorDetails
}

/**
 * What the API answered, flattened beside `success: true`; a list answer under `items`, an
 * answer of unknown shape (`request`) as its members.
 */
export type GatewaySuccess<T> = { success: true } & (unknown extends T
  ? Record<string, unknown>
  : T extends null | void | undefined
    ? {}
    : T extends readonly (infer Item)[]
      ? { items: Item[] }
      : T extends object
        ? T
        : { data: T })

export type GatewayResult<T> = GatewaySuccess<T> | GatewayFailure

/** A namespace of the main API with every call resolving to a result. */
export type Compat<N> = {
  [K in keyof N]: N[K] extends (...args: infer A) => AsyncIterable<infer Item>
    ? (...args: A) => AsyncIterable<Item>
    : N[K] extends (...args: infer A) => Promise<infer R>
      ? (...args: A) => Promise<GatewayResult<R>>
      : N[K] extends (...args: infer A) => MerchantClient
        ? (...args: A) => MerchantGatewayClient
        : N[K] extends object
          ? Compat<N[K]>
          : N[K]
}

/** A merchant's client: `client.banking`, `client.ecommerce`, `client.epos`. */
export type MerchantGatewayClient = Compat<Pick<MerchantClient, 'banking' | 'ecommerce' | 'epos' | 'request' | 'withOptions'>> & {
  readonly clientId: string
}

/** `mypos-api-gateway`'s configuration (the main API's; `timeout` in milliseconds). */
export type GatewayConfig = GatewayOptions

/** A merchant's credentials (`cli_…`, `sec_…`). */
export interface MerchantCredentials {
  clientId: string
  clientSecret: string
}

export declare class MyPOSGateway {
  /** @throws {GatewayConfigError} */
  constructor(config: GatewayConfig)
  /** @throws {GatewayConfigError} */
  createClient(credentials: MerchantCredentials): MerchantGatewayClient
  /** Closes pooled connections. */
  close(): void
}
