// Checks the generated `bindings-node/index.d.ts` through the package root; never run.
//   npm run typecheck
// Each `@ts-expect-error` asserts that tsc rejects the line below it.

import {
  APIError,
  APITimeoutError,
  ConfigError,
  DEMO_GATEWAY_URL,
  Gateway,
  MerchantClient,
  MyPOSError,
  RateLimitError,
  TimeoutError,
  VERSION,
  type Account,
  type Page,
  type Payment,
  type PaymentStatus,
  type TerminalTransaction,
} from 'mypos'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
function expectType<T extends true>(): T | void {}

const gateway = new Gateway({
  gatewayUrl: DEMO_GATEWAY_URL,
  integration: { clientId: 'client_…', clientSecret: 'secret_…' },
  partnerId: 'mps-p-…',
  applicationId: 'mps-app-…',
  timeout: 10_000,
})
const client = gateway.createClient({ clientId: 'cli_…', clientSecret: 'sec_…' })
expectType<Equal<typeof client, MerchantClient>>()
expectType<Equal<typeof client.clientId | typeof gateway.url | typeof gateway.baseUrl | typeof VERSION, string>>()

// @ts-expect-error partnerId and applicationId are required
new Gateway({ integration: { clientId: 'a', clientSecret: 'b' } })

export async function banking(): Promise<void> {
  const page = await client.banking.getAccounts({ page: 1, size: 20 })
  expectType<Equal<typeof page, Page<Account>>>()
  const account = page.items[0]
  expectType<Equal<typeof account.accountNumber, string>>()
  expectType<Equal<typeof account.balance, string | null>>() // decimals come back as text
  expectType<Equal<typeof page.totalCount, number | null>>()
  const unknown: unknown = account.someNewField // fields the SDK does not know yet
  for await (const each of client.banking.iterAccounts({ size: 100 })) {
    expectType<Equal<typeof each, Account>>()
  }
  await client.banking.getAccounts()

  // @ts-expect-error misspelled option
  await client.banking.getAccounts({ pgae: 1 })
  // @ts-expect-error page is a number
  await client.banking.getAccounts({ page: '1' })
  // @ts-expect-error no such namespace
  client.bankin
  void unknown
}

export async function epos(): Promise<void> {
  const payment = await client.epos.payments.create({
    terminalId: '12345678',
    amount: { value: 2500, currencyCode: 'EUR' },
  })
  expectType<Equal<typeof payment, Payment>>()
  expectType<Equal<typeof payment.status, PaymentStatus | null>>()
  const known: PaymentStatus = 'Success'
  const later: PaymentStatus = 'SomethingNew' // open enums take new values too
  expectType<Equal<Awaited<ReturnType<typeof client.epos.payments.get>>, Payment>>()
  // Raw requests in either form: an object, or method and path first as in Python.
  void [await client.request({ path: '/x' }), await client.request('GET', '/x', { query: { page: 2 } })]
  for await (const tx of client.epos.terminals.iterTransactions({ amountFrom: '10.00', amountTo: 12 })) {
    expectType<Equal<typeof tx, TerminalTransaction>>()
    expectType<Equal<typeof tx.amount, string | null>>()
  }

  // @ts-expect-error terminalId is required
  await client.epos.payments.create({ amount: { value: 2500, currencyCode: 'EUR' } })
  // @ts-expect-error the payment id is positional and required
  await client.epos.payments.get()
  void known, void later
}

export function errors(error: unknown): void {
  if (error instanceof RateLimitError) {
    expectType<Equal<typeof error.retryAfter, number | null>>()
    expectType<Equal<typeof error.errors, Record<string, string[]>>>()
    expectType<Equal<typeof error.code, string>>()
  }
  if (error instanceof TimeoutError) {
    expectType<Equal<typeof error, APITimeoutError>>()
    expectType<Equal<typeof error.timeout, number>>()
  }
  if (error instanceof ConfigError) expectType<Equal<typeof error.field, string>>()
  const base: MyPOSError = new APIError('x')
  void base
}
