// Counts the files and lines of each language among the files git tracks (ignored files never count);
// binary files are counted apart and their lines are not.
import { basename, extname } from 'node:path';
import { countLines, isBinary, mapLimit, readTracked, resolveRepo, trackedFiles } from './lib/git.mjs';

/** Extension (lower case, with the dot) → language. */
const BY_EXTENSION = {
  '.ts': 'TypeScript', '.tsx': 'TypeScript', '.mts': 'TypeScript', '.cts': 'TypeScript',
  '.js': 'JavaScript', '.jsx': 'JavaScript', '.mjs': 'JavaScript', '.cjs': 'JavaScript',
  '.py': 'Python', '.pyi': 'Python', '.rb': 'Ruby', '.go': 'Go', '.rs': 'Rust', '.java': 'Java',
  '.kt': 'Kotlin', '.kts': 'Kotlin', '.scala': 'Scala', '.swift': 'Swift', '.c': 'C', '.h': 'C',
  '.cc': 'C++', '.cpp': 'C++', '.cxx': 'C++', '.hpp': 'C++', '.hh': 'C++', '.cs': 'C#', '.fs': 'F#',
  '.php': 'PHP', '.pl': 'Perl', '.pm': 'Perl', '.lua': 'Lua', '.r': 'R', '.jl': 'Julia', '.dart': 'Dart',
  '.ex': 'Elixir', '.exs': 'Elixir', '.erl': 'Erlang', '.hs': 'Haskell', '.ml': 'OCaml', '.clj': 'Clojure',
  '.zig': 'Zig', '.nim': 'Nim', '.vue': 'Vue', '.svelte': 'Svelte',
  '.sh': 'Shell', '.bash': 'Shell', '.zsh': 'Shell', '.fish': 'Shell', '.ps1': 'PowerShell',
  '.html': 'HTML', '.htm': 'HTML', '.css': 'CSS', '.scss': 'SCSS', '.sass': 'SCSS', '.less': 'Less',
  '.json': 'JSON', '.jsonc': 'JSON', '.jsonl': 'JSON', '.yaml': 'YAML', '.yml': 'YAML', '.toml': 'TOML',
  '.xml': 'XML', '.ini': 'INI', '.sql': 'SQL', '.graphql': 'GraphQL', '.proto': 'Protocol Buffers',
  '.md': 'Markdown', '.mdx': 'Markdown', '.rst': 'reStructuredText', '.txt': 'Text', '.tex': 'TeX',
  '.csv': 'CSV', '.tsv': 'CSV', '.tf': 'HCL', '.hcl': 'HCL', '.nix': 'Nix',
};

/** Whole file names (lower case) that name their language. */
const BY_NAME = {
  makefile: 'Makefile', gnumakefile: 'Makefile', dockerfile: 'Dockerfile', 'cmakelists.txt': 'CMake',
  gemfile: 'Ruby', rakefile: 'Ruby', jenkinsfile: 'Groovy', license: 'Text', readme: 'Text',
};

/**
 * The language of a path, from its file name or extension; `Other` when unknown.
 * @param {string} path
 * @returns {string}
 */
export function languageOf(path) {
  const name = basename(path).toLowerCase();
  if (BY_NAME[name]) return BY_NAME[name];
  if (name.startsWith('dockerfile.') || name.endsWith('.dockerfile')) return 'Dockerfile';
  return BY_EXTENSION[extname(name)] ?? 'Other';
}

/**
 * Folds per-file facts into per-language totals, sorted by lines, then files, then name.
 * @param {Array<{ path: string, bytes: number, lines: number | null }>} files `lines` null for binaries
 * @returns {{ files: number, lines: number, binary_files: number, languages: Array<{ language: string, files: number, lines: number, bytes: number }> }}
 */
export function tallyLanguages(files) {
  const by = new Map();
  let lines = 0;
  let binary = 0;
  for (const f of files) {
    if (f.lines === null) {
      binary++;
      continue;
    }
    const lang = languageOf(f.path);
    const t = by.get(lang) ?? { language: lang, files: 0, lines: 0, bytes: 0 };
    t.files++;
    t.lines += f.lines;
    t.bytes += f.bytes;
    by.set(lang, t);
    lines += f.lines;
  }
  const languages = [...by.values()].sort((a, b) => b.lines - a.lines || b.files - a.files || (a.language < b.language ? -1 : 1));
  return { files: files.length, lines, binary_files: binary, languages };
}

/**
 * Tool entry point (SPEC §2.3). Input: `repo` (path). Writes `languages`.
 */
export default async function languages(input, ctx) {
  const signal = ctx?.signal;
  const dir = await resolveRepo(input.repo, signal);
  const paths = await trackedFiles(dir, signal);
  const facts = await mapLimit(paths, 16, async (path) => {
    const buf = await readTracked(dir, path);
    if (buf === null) return null;
    return { path, bytes: buf.length, lines: isBinary(buf) ? null : countLines(buf) };
  }, signal);
  return { state_delta: { languages: tallyLanguages(facts.filter(Boolean)) } };
}
