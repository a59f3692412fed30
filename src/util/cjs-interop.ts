// The named exports of a dynamically imported CommonJS package, bundled or not. Node gives an
// `import()` of CommonJS its named exports (cjs-module-lexer); esbuild's bundle (scripts/bundle.mjs)
// gives only `default`, which is module.exports and holds the same names.

/**
 * Returns the module namespace `m` if it has `name`, else its `default` (module.exports).
 * @throws {TypeError} when neither has `name` (the package changed shape).
 */
export function namedExports<T extends object>(m: T, name: keyof T & string): T {
  if ((m as Record<string, unknown>)[name] !== undefined) return m;
  const d = (m as { default?: unknown }).default;
  if (d && (d as Record<string, unknown>)[name] !== undefined) return d as T;
  throw new TypeError(`the imported module has no export ${name}`);
}
