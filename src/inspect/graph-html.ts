// `oe graph --html`: one self-contained page holding the experience's Mermaid flowchart drawn as SVG
// (by beautiful-mermaid, in this process: no script, no network when the page is opened) and the
// Mermaid source beside it. beautiful-mermaid loads only here.
import type { Experience } from '../experience/types.js';
import { esc } from './html-escape.js';

/**
 * The SVG of Mermaid text. beautiful-mermaid adds a Google Fonts `@import` to every SVG; it is dropped
 * (the page must not reach the network, so the system font stack is used), and Mermaid's `#quot;`
 * entity, which it leaves as text, becomes a quote.
 */
export async function mermaidSvg(mermaid: string): Promise<string> {
  const { renderMermaid } = await import('beautiful-mermaid');
  const svg = await renderMermaid(mermaid, { font: 'system-ui' });
  return svg.replace(/@import url\([^)]*\);\s*/g, '').replace(/#quot;/g, '&quot;');
}

/** The HTML page of an experience's flowchart. */
export async function renderGraphHtml(exp: Pick<Experience, 'name' | 'version' | 'description'>, mermaid: string): Promise<string> {
  const svg = await mermaidSvg(mermaid);
  const title = `${exp.name} ${exp.version}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${esc(title)} — oe graph</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #27272a; }
h1 { font-size: 1.3rem; margin-bottom: .2rem; }
p.description { color: #52525b; margin-top: 0; }
figure { margin: 1.5rem 0; overflow: auto; }
details pre { background: #f4f4f5; padding: 1rem; overflow: auto; }
</style>
</head>
<body>
<h1>${esc(title)}</h1>
${exp.description ? `<p class="description">${esc(exp.description)}</p>\n` : ''}<figure class="graph">
${svg}
</figure>
<details><summary>Mermaid source</summary>
<pre class="mermaid-source">${esc(mermaid)}</pre>
</details>
</body>
</html>
`;
}
