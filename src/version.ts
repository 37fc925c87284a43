/**
 * The version of this front end, read from package.json at build time (the
 * bundler inlines it), to compare with the server extension's version.
 */

// package.json lies outside `rootDir`, so it cannot be an ES import.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const packageJson = require('../package.json') as { version: string };

/**
 * The npm version of the front end, e.g. `0.1.0`.
 */
export const FRONTEND_VERSION: string = packageJson.version;

/**
 * Whether an npm version and a Python version name the same release.
 *
 * The Python version is derived from package.json, with npm pre-release
 * spellings turned into PEP 440 ones (`1.0.0-alpha.1` -> `1.0.0a1`).
 */
export function isSameRelease(
  npmVersion: string,
  pythonVersion: string
): boolean {
  return toPep440(npmVersion) === toPep440(pythonVersion);
}

function toPep440(version: string): string {
  return version
    .trim()
    .toLowerCase()
    .replace(/^v/, '')
    .replace(/[-.]?(alpha|a)\.?(\d+)/, 'a$2')
    .replace(/[-.]?(beta|b)\.?(\d+)/, 'b$2')
    .replace(/[-.]?(rc|c)\.?(\d+)/, 'rc$2')
    .replace(/[-.]?(dev)\.?(\d+)/, '.dev$2');
}
