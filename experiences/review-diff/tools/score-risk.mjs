// Scores the change's risk from the verified findings: confirmed findings count by the severity the
// verifier gave them (high 3, medium 2, low 1), uncertain ones half, rejected ones not at all. The
// score is capped at 10; level: low below 3, medium below 6, high from 6.
const WEIGHT = { high: 3, medium: 2, low: 1 };

export default async function scoreRisk(input) {
  const findings = input._state.findings ?? [];
  const verdicts = input._state.verdicts ?? [];
  const counts = { confirmed: 0, rejected: 0, uncertain: 0, unverified: 0 };
  const bySeverity = { high: 0, medium: 0, low: 0 };
  let score = 0;
  findings.forEach((f, i) => {
    const v = verdicts[i];
    if (!v) {
      counts.unverified++;
      score += (WEIGHT[f.severity] ?? 1) / 2;
      return;
    }
    counts[v.verdict]++;
    if (v.verdict === 'rejected') return;
    bySeverity[v.severity]++;
    score += (WEIGHT[v.severity] ?? 1) * (v.verdict === 'confirmed' ? 1 : 0.5);
  });
  score = Math.min(10, Math.round(score * 10) / 10);
  const level = score >= 6 ? 'high' : score >= 3 ? 'medium' : 'low';
  return { state_delta: { risk: { score, level, findings: findings.length, ...counts, by_severity: bySeverity } } };
}
