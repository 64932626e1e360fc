/** The client's version, sent in the User-Agent. A test keeps it equal to package.json's version. */
export const CLIENT_VERSION = '0.1.0'

export const DEFAULT_USER_AGENT = `mlarena-action/${CLIENT_VERSION}`
