#!/usr/bin/env node
// `npm run build`'s second step: bundles the compiled CLI (dist/cli/main.js) and the tool thread's
// entry (dist/executors/tool-worker.js) with their dependencies into dist/bundle/, split at every
// dynamic import, so start-up reads a few files instead of hundreds and heavy modules (the LLM SDKs,
// pretty output) still load only on the paths that use them (issue #8: keep start-up fast). bin/oe
// runs dist/bundle/main.js; the unbundled dist/ stays for tests that import it.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { main: join(root, 'dist/cli/main.js'), 'tool-worker': join(root, 'dist/executors/tool-worker.js') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  // Flat: a chunk's `new URL('./tool-worker.js', import.meta.url)` must find the thread's entry beside it.
  chunkNames: '[name]-[hash]',
  logLevel: 'warning',
  // zod's `z` re-exports every locale (`z.locales`, 340 kB of messages in 64 languages), so the
  // bundle would compile them on every validate, run and resume. oe uses zod's English messages
  // only (zod configures them itself), so the locale index is the English one alone.
  plugins: [
    {
      name: 'zod-english-only',
      setup(b) {
        b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({ contents: 'export { default as en } from "./en.js";', resolveDir: join(root, 'node_modules/zod/v4/locales') }));
      },
    },
  ],
  // CommonJS dependencies call require() for Node's built-ins; give the ES chunks one.
  banner: { js: "import { createRequire as __oeCreateRequire } from 'node:module'; const require = __oeCreateRequire(import.meta.url);" },
});
