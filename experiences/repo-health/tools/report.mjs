// Joins the other nodes' findings: writes the Markdown report to the `path` arg (relative to the
// directory oe runs in) and a `summary` object into the state.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';

/** Formats a byte count for people: 1536 → "1.5 KiB". */
export function formatBytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}

/** Escapes text for a Markdown table cell. */
export function cell(text) {
  return String(text).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A Markdown table from a header row and body rows. */
function table(head, rows) {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

/**
 * The findings worth a reader's attention, one sentence each.
 * @param {{ todos: any, licenses: any }} s
 * @returns {string[]}
 */
export function attentionItems(s) {
  const items = [];
  const pkgs = (list) => list.slice(0, 5).map((p) => `${p.name} (${p.license ?? 'none declared'})`).join(', ') + (list.length > 5 ? `, and ${list.length - 5} more` : '');
  if (s.licenses.denied.length > 0) items.push(`${s.licenses.denied.length} dependenc${s.licenses.denied.length === 1 ? 'y has a license' : 'ies have licenses'} outside the allow-list: ${pkgs(s.licenses.denied)}`);
  if (s.licenses.unknown.length > 0) items.push(`${s.licenses.unknown.length} dependenc${s.licenses.unknown.length === 1 ? 'y has' : 'ies have'} no recognisable license: ${pkgs(s.licenses.unknown)}`);
  if (s.todos.by_kind.FIXME + s.todos.by_kind.HACK + s.todos.by_kind.XXX > 0) {
    items.push(`${s.todos.by_kind.FIXME} FIXME, ${s.todos.by_kind.HACK} HACK and ${s.todos.by_kind.XXX} XXX markers in tracked files`);
  }
  return items;
}

/**
 * The summary written to the state: the headline numbers of every section.
 * @param {{ snapshot: any, languages: any, largest_files: any[], todos: any, churn: any, licenses: any }} s
 * @param {string} reportPath absolute path of the written report
 */
export function buildSummary(s, reportPath) {
  const attention = attentionItems(s);
  return {
    status: attention.length === 0 ? 'ok' : 'attention',
    attention,
    report: reportPath,
    repo: s.snapshot.root,
    head: s.snapshot.head,
    branch: s.snapshot.branch,
    files: s.languages.files,
    lines: s.languages.lines,
    top_languages: s.languages.languages.slice(0, 3).map((l) => l.language),
    largest_file: s.largest_files[0] ?? null,
    todos: s.todos.total,
    commits: s.churn.commits,
    authors: s.churn.authors.length,
    top_author: s.churn.authors[0]?.name ?? null,
    dependencies: { scanned: s.licenses.scanned, packages: s.licenses.packages, denied: s.licenses.denied.length, unknown: s.licenses.unknown.length },
  };
}

/**
 * Renders the Markdown report. Deterministic: the same findings give the same bytes (no clock).
 * @param {{ snapshot: any, languages: any, largest_files: any[], todos: any, churn: any, licenses: any }} s
 * @param {ReturnType<typeof buildSummary>} summary
 * @returns {string}
 */
export function renderReport(s, summary) {
  const out = [];
  const { snapshot: snap, languages: lang, todos, churn, licenses: lic } = s;
  out.push(`# Repository health: ${snap.root.split(/[\\/]/).pop() || snap.root}`, '');
  out.push(`- Path: \`${snap.root}\``);
  out.push(`- HEAD: ${snap.head ? `\`${snap.head.slice(0, 12)}\`` : '(no commits)'}${snap.branch ? ` on \`${snap.branch}\`` : ''}`);
  out.push(`- ${lang.files} tracked files, ${lang.lines} lines of text, ${lang.binary_files} binary`);
  out.push(`- Status: **${summary.status}**`, '');
  if (summary.attention.length > 0) out.push('## Needs attention', '', ...summary.attention.map((a) => `- ${a}`), '');

  out.push('## Languages', '');
  out.push(lang.languages.length === 0 ? '_No text files._' : table(['Language', 'Files', 'Lines', 'Size'], lang.languages.map((l) => [l.language, l.files, l.lines, formatBytes(l.bytes)])), '');

  out.push('## Largest files', '');
  out.push(s.largest_files.length === 0 ? '_No files._' : table(['File', 'Size'], s.largest_files.map((f) => [`\`${f.path}\``, formatBytes(f.bytes)])), '');

  out.push('## TODO markers', '');
  out.push(`${todos.total} in ${todos.files_with_markers} file${todos.files_with_markers === 1 ? '' : 's'}: ${Object.entries(todos.by_kind).map(([k, n]) => `${k} ${n}`).join(', ')}.`, '');
  if (todos.top_files.length > 0) out.push(table(['File', 'TODO', 'FIXME', 'HACK', 'XXX', 'Total'], todos.top_files.map((f) => [`\`${f.path}\``, f.TODO, f.FIXME, f.HACK, f.XXX, f.total])), '');

  out.push(`## Churn (last ${churn.commits} of up to ${churn.requested} commits)`, '');
  if (churn.commits === 0) out.push('_No commits yet._', '');
  else {
    out.push(`${churn.authors.length} author${churn.authors.length === 1 ? '' : 's'}, +${churn.added} −${churn.deleted} lines, ${churn.first} … ${churn.last}.`, '');
    out.push(table(['Author', 'Commits', 'Added', 'Deleted', 'Files'], churn.authors.map((a) => [a.name, a.commits, a.added, a.deleted, a.files])), '');
  }

  out.push('## Dependency licenses', '');
  if (!lic.scanned) out.push(`_${lic.note}._`, '');
  else {
    out.push(`${lic.packages} packages in node_modules: ${lic.allowed} allowed, ${lic.denied.length} outside the allow-list, ${lic.unknown.length} unknown.`, '');
    if (lic.denied.length + lic.unknown.length > 0) {
      out.push(table(['Package', 'Version', 'License', 'Verdict'], [...lic.denied.map((p) => [p, 'not allowed']), ...lic.unknown.map((p) => [p, 'unknown'])].map(([p, v]) => [p.name, p.version ?? '', p.license ?? '(none)', v])), '');
    }
    out.push(table(['License', 'Packages'], Object.entries(lic.by_license)), '');
  }
  return out.join('\n');
}

/**
 * Tool entry point (SPEC §2.3). Input: `path` (where to write the report), `_state` with every
 * section. Writes `summary`. The report is written to a temporary file and renamed into place.
 */
export default async function report(input, ctx) {
  if (typeof input.path !== 'string' || input.path === '') throw new Error(`path must be a non-empty file path, not ${JSON.stringify(input.path)}`);
  const s = input._state;
  for (const field of ['snapshot', 'languages', 'largest_files', 'todos', 'churn', 'licenses']) {
    if (s?.[field] === undefined) throw new Error(`report needs ${field} in its state; is it in the node's reads?`);
  }
  ctx?.signal?.throwIfAborted();
  const file = isAbsolute(input.path) ? input.path : resolve(process.cwd(), input.path);
  const summary = buildSummary(s, file);
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, renderReport(s, summary) + '\n');
  await rename(tmp, file);
  return { state_delta: { summary } };
}
