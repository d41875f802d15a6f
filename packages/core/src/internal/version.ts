/** The SDK version, sent in `User-Agent`; a test keeps it equal to package.json's. */
export const version = "0.1.0"
