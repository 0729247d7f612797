/** The path of the `mypos-sandbox` program; throws, saying what to install, when there is none. */
export declare function binaryPath(): string
/** This platform as the suffix of its package name: `linux-x64-gnu`, `linux-arm64-musl`, … */
export declare function platform(): string
