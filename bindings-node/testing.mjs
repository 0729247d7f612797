import testing from './testing.js'

export const { startSandbox, Sandbox, SANDBOX_CREDENTIALS } = testing
export default testing
