// Lists a merchant's accounts. Runs against a local sandbox unless the MYPOS_* variables
// name a real gateway (see the README).
const { Gateway, DEMO_GATEWAY_URL } = require('mypos')
const { startSandbox } = require('mypos/testing')

async function listAccounts(client) {
  const page = await client.banking.getAccounts({ page: 1, size: 20 })
  console.log(`Node: ${page.items.length} account(s)`)
  for (const account of page.items) {
    console.log(`  ${account.accountNumber}  ${account.name}  ${account.balance} ${account.currency}`)
  }
}

async function main() {
  const env = process.env
  if (env.MYPOS_CLIENT_ID) {
    const gateway = new Gateway({
      gatewayUrl: env.MYPOS_GATEWAY_URL || DEMO_GATEWAY_URL,
      integration: { clientId: env.MYPOS_CLIENT_ID, clientSecret: env.MYPOS_CLIENT_SECRET },
      partnerId: env.MYPOS_PARTNER_ID,
      applicationId: env.MYPOS_APPLICATION_ID,
    })
    await listAccounts(gateway.createClient({ clientId: env.MYPOS_MERCHANT_CLIENT_ID, clientSecret: env.MYPOS_MERCHANT_CLIENT_SECRET }))
    return
  }
  const sandbox = await startSandbox()
  console.log(`Using a local sandbox at ${sandbox.url}`)
  try {
    await listAccounts(sandbox.client())
  } finally {
    await sandbox.stop()
  }
}

main().catch((error) => {
  console.error(`${error.name}: ${error.message}`)
  process.exitCode = 1
})
