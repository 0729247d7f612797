// `mypos/compat` type-checks the way a `mypos-api-gateway` application uses it; the lines
// marked to expect an error must fail.
import { MyPOSGateway, DEMO_GATEWAY_URL, GatewayConfigError, GatewayAuthError } from 'mypos/compat'

const log = (...parts: unknown[]): void => void parts

export async function usesTheGateway(merchantRow: { myposClientId: string; myposClientSecret: string }): Promise<void> {
  let gateway: MyPOSGateway
  try {
    gateway = new MyPOSGateway({
      gatewayUrl: DEMO_GATEWAY_URL,
      integration: { clientId: 'client_x', clientSecret: 'secret_x' },
      partnerId: 'mps-p-1',
      applicationId: 'mps-app-1',
      timeout: 30000,
    })
  } catch (e) {
    if (e instanceof GatewayConfigError) log('Invalid configuration:', e.message, e.field)
    return
  }
  const client = gateway.createClient({ clientId: merchantRow.myposClientId, clientSecret: merchantRow.myposClientSecret })
  try {
    const accounts = await client.banking.getAccounts({ page: 1, size: 20 })
    if (accounts.success) {
      for (const acct of accounts.items) log(acct.iban, acct.currency, acct.name)
    } else {
      log(`Error ${accounts.status}: ${accounts.statusMessage}`)
      for (const [field, messages] of Object.entries(accounts.errorDetails?.errors ?? {})) log(field, messages.join(', '))
    }
  } catch (e) {
    if (e instanceof GatewayAuthError) log('Authentication failed:', e.message)
  }
  const link = await client.ecommerce.paymentLinks.create({ itemName: 'Invoice #1234', itemPrice: 29.99, currency: 'EUR', askForCustomerPhoneNumber: false })
  if (link.success) log('Payment link URL:', link.url)
  for await (const item of client.ecommerce.paymentLinks.listAll({ size: 50 })) log(item.code)
  const langs = await client.ecommerce.getLanguages({ page: 1, size: 50 })
  if (langs.success) log(langs.items[0].code)
  const multi = await client.banking.getMultipleTransactions(['REF123', 'REF456'])
  const payment = await client.epos.payments.create({ terminalId: 'T001234', amount: { value: 2500, currencyCode: 'EUR', tip: 0 } })
  if (payment.success) log(payment.paymentId, payment.status)
  const refund = await client.epos.terminals.refund('T001234', { referenceNumber: 'ORD-2025-001', amount: 1500 })
  const deleted = await client.ecommerce.paymentLinks.delete('LINK_CODE')
  void [multi, refund, deleted]
  // @ts-expect-error: the README's names only (camelCase)
  await client.banking.getAccounts({ page_size: 1 })
  // @ts-expect-error: a result is not the data until `success` is checked
  log(link.url)
}
