// `mypos/testing` type-checks the way a test file uses it; the @ts-expect-error lines must fail.
import { startSandbox, SANDBOX_CREDENTIALS } from 'mypos/testing'

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
