// Secrets never show: not in the debug output (MYPOS_LOG=trace), not in inspect or messages.
const { spawnSync } = require('node:child_process')

const TOKEN_PREFIX = 'eyJhbGciOiJSUzI1NiIsImtpZCI6InNhbmRib3gi' // the sandbox's JWT header

test('no secret reaches the debug output at trace level', () => {
  const script = `
    const util = require('node:util')
    const { startSandbox } = require('mypos/testing')
    ;(async () => {
      const sandbox = await startSandbox()
      const gateway = sandbox.gateway()
      const client = gateway.createClient({ clientId: 'cli_LOGS1', clientSecret: 'sec_LOGS1' })
      const shown = []
      await client.banking.getAccounts()
      await sandbox.expire({ tokens: true, sessions: true })
      await client.banking.getAccounts()
      await sandbox.injectFault({ path: '/accounting/v1/accounts', status: 503 })
      await client.banking.getAccounts()
      await sandbox.injectFault({ path: '/accounting/v1/accounts', status: 400 })
      shown.push(await client.banking.getAccounts().catch((e) => e))
      shown.push(await gateway.createClient({ clientId: 'cli_LOGS2', clientSecret: 'sec_WRONG2' }).banking.getAccounts().catch((e) => e))
      const partner = sandbox.gateway({ integration: { clientId: 'client_sandbox', clientSecret: 'secret_WRONG3' } })
      shown.push(await partner.createClient({ clientId: 'cli_x', clientSecret: 'sec_x' }).banking.getAccounts().catch((e) => e))
      for (const value of [...shown, gateway, client]) console.error(util.inspect(value, { showHidden: true, depth: 4 }), String(value))
      await sandbox.stop()
    })()
  `
  const { stdout, stderr, status } = spawnSync(process.execPath, ['-e', script], {
    cwd: __dirname,
    env: { ...process.env, MYPOS_LOG: 'trace' },
    encoding: 'utf8',
  })
  expect(status).toBe(0)
  const all = stdout + stderr
  for (const secret of ['secret_sandbox', 'sec_LOGS1', 'sec_WRONG2', 'secret_WRONG3', TOKEN_PREFIX]) {
    expect(all).not.toContain(secret)
  }
  expect(all).not.toMatch(/[A-Za-z0-9]{48}/)
  expect(stderr).toContain('/accounting/v1/accounts')
  expect(stderr).toContain('retrying myPOS call')
  expect(stderr).toContain('MYPOS_BAD_REQUEST')
})
