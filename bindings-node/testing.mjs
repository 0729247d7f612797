import testing from './testing.js'

export const { startSandbox, Sandbox, SANDBOX_CREDENTIALS, MOBILEPAY_SANDBOX, PSD2_SANDBOX, useSandbox } = testing
export default testing
