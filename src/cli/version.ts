// The oe version, from package.json (recorded as `oeVersion` in run.started).
import { createRequire } from 'node:module';

/** The package version, read once. */
export const OE_VERSION: string = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
