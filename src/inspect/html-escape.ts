// Escaping for the HTML report: every value from a log is text, never markup. Pure.

/** Escapes `& < > " '` for use in HTML text and double- or single-quoted attributes. */
export function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Fill colours by node status, shared by the graph, the timeline and the legend. */
export const STATUS_COLOURS: Readonly<Record<string, string>> = {
  completed: '#2e7d32',
  cached: '#1565c0',
  failed: '#c62828',
  skipped: '#9e9e9e',
  running: '#ef6c00',
  interrupted: '#ef6c00',
  pending: '#cfd8dc',
};
