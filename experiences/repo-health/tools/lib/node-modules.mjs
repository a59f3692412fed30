// Lists the packages installed directly in a node_modules directory (`name/` and `@scope/name/`).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The package directories directly under `nodeModules`, as `{ name, dir }` sorted by name; dot
 * entries (`.bin`, `.package-lock.json`) are skipped, nested node_modules are not visited.
 * @param {string} nodeModules absolute path of a node_modules directory
 * @returns {Promise<Array<{ name: string, dir: string }> | null>} null when the directory does not exist
 */
export async function installedPackages(nodeModules) {
  let entries;
  try {
    entries = await readdir(nodeModules, { withFileTypes: true });
  } catch (error) {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return null;
    throw error;
  }
  const out = [];
  for (const e of entries) {
    if (e.name.startsWith('.') || !(e.isDirectory() || e.isSymbolicLink())) continue;
    if (e.name.startsWith('@')) {
      let scoped = [];
      try {
        scoped = await readdir(join(nodeModules, e.name), { withFileTypes: true });
      } catch (error) {
        if (error.code !== 'ENOTDIR') throw error;
      }
      for (const s of scoped) {
        if (!s.name.startsWith('.') && (s.isDirectory() || s.isSymbolicLink())) out.push({ name: `${e.name}/${s.name}`, dir: join(nodeModules, e.name, s.name) });
      }
    } else {
      out.push({ name: e.name, dir: join(nodeModules, e.name) });
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
