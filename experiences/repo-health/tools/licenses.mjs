// Checks the licenses of the packages installed in <repo>/node_modules (`name/` and `@scope/name/`)
// against an allow-list. SPDX expressions are evaluated: OR is allowed when any side is, AND when
// both are. No node_modules is an empty result with a note, not a failure.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveRepo } from './lib/git.mjs';
import { installedPackages } from './lib/node-modules.mjs';

/** Common non-SPDX spellings found in old package.json files → their SPDX id (keys lower case). */
const ALIASES = {
  'apache 2.0': 'Apache-2.0', 'apache2': 'Apache-2.0', 'apache-2': 'Apache-2.0', 'apache 2': 'Apache-2.0',
  'apache license 2.0': 'Apache-2.0', 'apache license, version 2.0': 'Apache-2.0', 'apache-2.0 license': 'Apache-2.0',
  'mit license': 'MIT', 'mit/x11': 'MIT', 'the mit license': 'MIT', 'isc license': 'ISC',
  'bsd-3': 'BSD-3-Clause', 'new bsd': 'BSD-3-Clause', 'bsd-2': 'BSD-2-Clause', 'simplified bsd': 'BSD-2-Clause',
  'public domain': 'Unlicense', 'cc0': 'CC0-1.0', 'wtfpl': 'WTFPL',
};

/**
 * Parses an SPDX license expression into a tree. Operators are matched case-insensitively (old
 * packages write `mit or apache-2.0`); AND binds tighter than OR; `X WITH exception` is kept as X.
 * @param {string} text e.g. `(MIT OR Apache-2.0) AND BSD-3-Clause`
 * @returns {{ op: 'OR' | 'AND', left: object, right: object } | { id: string }}
 * @throws {Error} when the text is not an SPDX expression
 */
export function parseSpdx(text) {
  const tokens = text.match(/\(|\)|[^\s()]+/g) ?? [];
  let i = 0;
  const peek = () => tokens[i]?.toUpperCase();
  const fail = (why) => {
    throw new Error(`not an SPDX expression (${why}): ${JSON.stringify(text)}`);
  };
  const atom = () => {
    const t = tokens[i++];
    if (t === undefined) fail('ends early');
    if (t === '(') {
      const e = or();
      if (tokens[i++] !== ')') fail('missing ")"');
      return e;
    }
    if (t === ')' || ['AND', 'OR', 'WITH'].includes(t.toUpperCase()) || !/^[A-Za-z0-9.+:-]+$/.test(t)) fail(`unexpected ${JSON.stringify(t)}`);
    const node = { id: t };
    if (peek() === 'WITH') {
      i++;
      if (!/^[A-Za-z0-9.+:-]+$/.test(tokens[i++] ?? '')) fail('WITH needs an exception id');
    }
    return node;
  };
  const and = () => {
    let left = atom();
    while (peek() === 'AND') {
      i++;
      left = { op: 'AND', left, right: atom() };
    }
    return left;
  };
  const or = () => {
    let left = and();
    while (peek() === 'OR') {
      i++;
      left = { op: 'OR', left, right: and() };
    }
    return left;
  };
  if (tokens.length === 0) fail('empty');
  const tree = or();
  if (i < tokens.length) fail(`unexpected ${JSON.stringify(tokens[i])}`);
  return tree;
}

/**
 * Whether a parsed expression is allowed: an id when it (or, for `X+` / `X-or-later`, X) is in
 * `allow` (compared case-insensitively, as SPDX ids are); OR when either side is; AND when both are.
 * @param {ReturnType<typeof parseSpdx>} tree
 * @param {Set<string>} allow lower-case ids
 * @returns {boolean}
 */
export function isAllowed(tree, allow) {
  if ('id' in tree) {
    const id = tree.id.toLowerCase();
    return allow.has(id) || allow.has(id.replace(/\+$/, '')) || allow.has(id.replace(/-or-later$/, ''));
  }
  return tree.op === 'OR' ? isAllowed(tree.left, allow) || isAllowed(tree.right, allow) : isAllowed(tree.left, allow) && isAllowed(tree.right, allow);
}

/**
 * A package.json's license as one expression string, or null: `license` as a string or a legacy
 * `{type}` object, else the legacy `licenses` array (dual licensing, so its entries are joined by OR).
 * @param {Record<string, unknown>} pkg
 * @returns {string | null}
 */
export function declaredLicense(pkg) {
  const one = (v) => (typeof v === 'string' ? v.trim() : v && typeof v === 'object' && typeof v.type === 'string' ? v.type.trim() : '');
  const direct = one(pkg.license);
  if (direct) return direct;
  if (Array.isArray(pkg.licenses)) {
    const all = pkg.licenses.map(one).filter(Boolean);
    if (all.length === 1) return all[0];
    if (all.length > 1) return `(${all.join(' OR ')})`;
  }
  return null;
}

/**
 * Classifies one declared license against the allow-list.
 * `unknown`: none declared, `SEE LICENSE IN …`, or not SPDX; `denied`: `UNLICENSED` (proprietary) or
 * an expression the allow-list does not satisfy.
 * @param {string | null} license
 * @param {Set<string>} allow lower-case ids
 * @returns {'allowed' | 'denied' | 'unknown'}
 */
export function classify(license, allow) {
  if (license === null || /^see license in\b/i.test(license)) return 'unknown';
  if (license.toUpperCase() === 'UNLICENSED') return 'denied';
  const text = ALIASES[license.toLowerCase()] ?? license;
  let tree;
  try {
    tree = parseSpdx(text);
  } catch {
    return 'unknown';
  }
  return isAllowed(tree, allow) ? 'allowed' : 'denied';
}

/**
 * Folds packages into the result: counts per declared license, and the denied and unknown packages.
 * @param {Array<{ name: string, version: string | null, license: string | null }>} packages
 * @param {string[]} allowList
 */
export function checkLicenses(packages, allowList) {
  const allow = new Set(allowList.map((s) => s.toLowerCase()));
  const by_license = {};
  const denied = [];
  const unknown = [];
  let allowed = 0;
  for (const p of packages) {
    const key = p.license ?? '(none)';
    by_license[key] = (by_license[key] ?? 0) + 1;
    const status = classify(p.license, allow);
    if (status === 'allowed') allowed++;
    else (status === 'denied' ? denied : unknown).push(p);
  }
  const sorted = Object.fromEntries(Object.entries(by_license).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)));
  return { packages: packages.length, allowed, denied, unknown, by_license: sorted };
}

/**
 * Tool entry point (SPEC §2.3). Input: `repo` (path), `allow` (array of SPDX ids). Writes `licenses`.
 */
export default async function licenses(input, ctx) {
  const signal = ctx?.signal;
  if (!Array.isArray(input.allow) || !input.allow.every((s) => typeof s === 'string')) {
    throw new Error(`allow must be an array of SPDX license ids, not ${JSON.stringify(input.allow)}`);
  }
  const dir = await resolveRepo(input.repo, signal);
  const nodeModules = join(dir, 'node_modules');
  const installed = await installedPackages(nodeModules);
  if (installed === null) {
    return { state_delta: { licenses: { scanned: false, note: `no node_modules in ${dir}; run npm install there to check dependency licenses`, ...checkLicenses([], input.allow) } } };
  }
  const packages = [];
  for (const { name, dir: pkgDir } of installed) {
    signal?.throwIfAborted();
    let pkg = {};
    try {
      pkg = JSON.parse(await readFile(join(pkgDir, 'package.json'), 'utf8'));
    } catch (error) {
      ctx?.log?.warn?.({ package: name, err: error.message }, 'unreadable package.json; license unknown');
    }
    packages.push({ name, version: typeof pkg.version === 'string' ? pkg.version : null, license: declaredLicense(pkg) });
  }
  return { state_delta: { licenses: { scanned: true, ...checkLicenses(packages, input.allow) } } };
}
