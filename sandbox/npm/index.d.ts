/**
 * The absolute path of the `mypos-sandbox` executable for this machine (from the platform package
 * npm installed, or `MYPOS_SANDBOX_BINARY`). Throws, naming the platform, where there is none.
 */
export declare function binaryPath(): string
