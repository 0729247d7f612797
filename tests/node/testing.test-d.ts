// `mypos/testing` type-checks the way a test file uses it; the @ts-expect-error lines must fail.
import { startSandbox, useSandbox, SANDBOX_CREDENTIALS } from 'mypos/testing'

export async function usesTheSandbox(): Promise<void> {
  const sandbox = await startSandbox()
  const client = sandbox.client()
  const page = await client.banking.getAccounts({ size: 1 })
  const id: number = await sandbox.injectFault({ path: '/accounting/v1/accounts', status: 503, count: 2 })
  const approved = await sandbox.approvePayment('p1')
  const status: string | null = approved.status
  const calls: number = await sandbox.count('GET', '/accounting/v1/accounts')
  void [page, id, status, calls, SANDBOX_CREDENTIALS.partnerId]
  // @ts-expect-error: an unknown fault kind
  await sandbox.injectFault({ path: '/x', kind: 'explode' })
  await sandbox.stop()
}

export function usesOneSandboxPerFile(beforeAll: (fn: () => Promise<void>) => void, afterAll: (fn: () => Promise<void>) => void): void {
  const sandbox = useSandbox({ port: 0 }, { beforeAll, afterAll })
  const url: string = sandbox.url
  void [url, sandbox.client()]
  // @ts-expect-error: options are startSandbox's
  useSandbox({ colour: 'red' })
}
