import testing from './testing.js'

export const { startSandbox, Sandbox, sandboxBinary, useSandbox, SANDBOX_CREDENTIALS, MOBILEPAY_SANDBOX, PSD2_SANDBOX } = testing
export default testing
