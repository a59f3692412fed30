// Writes the review as Markdown: the risk, the confirmed and uncertain findings by severity, then the
// rejected ones with the verifier's reason. Writes it to `output` too (relative to the directory oe
// runs in) unless `output` is empty.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

const ORDER = { high: 0, medium: 1, low: 2 };

function item(f, v) {
  const where = f.line ? `${f.file}:${f.line}` : f.file;
  const severity = v && v.severity !== f.severity ? `${v.severity} (reviewer said ${f.severity})` : f.severity;
  const lines = [`### ${f.title}`, '', `*${f.dimension}* · **${severity}** · \`${where}\`${v ? ` · ${v.verdict}` : ' · not verified'}`, '', f.explanation, '', `**Fix:** ${f.suggestion}`];
  if (v) lines.push('', `**Verifier:** ${v.reason}`);
  return lines.join('\n');
}

export default async function report(input) {
  const { diff_meta: meta, risk } = input._state;
  const findings = input._state.findings ?? [];
  const verdicts = input._state.verdicts ?? [];
  const rows = findings.map((f, i) => ({ f, v: verdicts[i] }));
  const kept = rows.filter((r) => r.v?.verdict !== 'rejected');
  const rejected = rows.filter((r) => r.v?.verdict === 'rejected');
  kept.sort((a, b) => ORDER[(a.v ?? a.f).severity] - ORDER[(b.v ?? b.f).severity]);

  const subject = meta.source === 'git' ? `${meta.commit.slice(0, 12)} ${meta.subject} (${meta.author})` : meta.subject === meta.file ? `\`${meta.file}\`` : `${meta.subject} (\`${meta.file}\`)`;
  const out = [
    `# Review: ${subject}`,
    '',
    `**Risk: ${risk.level}** (${risk.score}/10) · ${meta.files.length} files, +${meta.additions} −${meta.deletions}` +
      ` · ${risk.confirmed} confirmed, ${risk.uncertain} uncertain, ${risk.rejected} rejected of ${risk.findings} findings`,
  ];
  if (meta.truncated) out.push('', '> The diff was cut to fit the review; findings cover only the part shown.');
  out.push('', '## Findings', '');
  out.push(kept.length ? kept.map((r) => item(r.f, r.v)).join('\n\n') : 'No findings survived verification.');
  if (rejected.length) out.push('', '## Rejected on verification', '', ...rejected.map((r) => `- **${r.f.title}** (${r.f.dimension}, \`${r.f.file}\`): ${r.v.reason}`));
  out.push('', `Files: ${meta.files.map((f) => `\`${f}\``).join(', ')}`, '');
  const review = out.join('\n');

  if (input.output) {
    const path = resolve(process.cwd(), input.output);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, review, 'utf8');
  }
  return { state_delta: { review } };
}
