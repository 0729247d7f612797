// `mypos/testing` type-checks the way a test file uses it; the @ts-expect-error lines must fail.
import { startSandbox, sandboxBinary, useSandbox, SANDBOX_CREDENTIALS, MOBILEPAY_SANDBOX, PSD2_SANDBOX } from 'mypos/testing'

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

export async function usesEveryHelperFamily(): Promise<void> {
  const sandbox = await startSandbox({ tls: true })
  const caPem: string | undefined = sandbox.pki?.caPem
  const tlsUrl: string | undefined = sandbox.tlsUrl
  const pos = sandbox.mobilepay({ bioCode: MOBILEPAY_SANDBOX.bioCode })
  const terminal: string = MOBILEPAY_SANDBOX.terminals[0].terminalId
  const checkedIn: boolean = (await sandbox.mobilepayCheckIn(terminal)).checkedIn
  await sandbox.mobilepayAccept(null, { terminalId: terminal })
  const payments = await sandbox.mobilepayPayments(terminal)
  const tpp = sandbox.psd2({ clientId: PSD2_SANDBOX.clientId })
  const code: string = await sandbox.psd2Approve('https://127.0.0.1/psd2/sca/x', { psuId: PSD2_SANDBOX.psuId })
  const decision = await sandbox.psd2Decide('https://127.0.0.1/psd2/sca/x', 'deny')
  const today: string = await sandbox.psd2AdvanceDays(1)
  const revoked: number = await sandbox.psd2RevokeRefreshTokens()
  const program: string = sandboxBinary()
  void [caPem, tlsUrl, pos, checkedIn, payments, tpp, code, decision.error, today, revoked, program]
  // @ts-expect-error: a decision is 'approve' or 'deny'
  await sandbox.psd2Decide('https://127.0.0.1/psd2/sca/x', 'maybe')
  await sandbox.stop()
}

export function usesOneSandboxPerFile(beforeAll: (fn: () => Promise<void>) => void, afterAll: (fn: () => Promise<void>) => void): void {
  const sandbox = useSandbox({ port: 0 }, { beforeAll, afterAll })
  const url: string = sandbox.url
  void [url, sandbox.client()]
  // @ts-expect-error: options are startSandbox's
  useSandbox({ colour: 'red' })
}
