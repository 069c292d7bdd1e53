import { readFile } from 'node:fs/promises';

/** Where the status page links to: relative, so it works behind any host name or SSH tunnel. */
export const TROUBLESHOOTING_PATH = '/troubleshooting';

/** docs/troubleshooting.md of the checkout the relay runs from (the same from src/ and dist/). */
export const TROUBLESHOOTING_FILE = new URL('../../../../docs/troubleshooting.md', import.meta.url);

/** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to dashes. */
export function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/**
 * The guide as a plain page: each `#`/`##` heading an anchored heading (so the status page can
 * link to `#port-busy`), the text between them as it is written, wrapped. Markdown is readable
 * as text; this only makes the anchors work without a renderer.
 */
export function renderTroubleshooting(markdown: string, nonce: string): string {
  const body: string[] = [];
  let block: string[] = [];
  const flush = (): void => {
    const text = block.join('\n').trim();
    if (text !== '') body.push(`<pre>${escapeHtml(text)}</pre>`);
    block = [];
  };
  const withoutComments = markdown.replace(/<!--[\s\S]*?-->/g, '');
  for (const line of withoutComments.split('\n')) {
    const heading = /^(#{1,3}) (.+)$/.exec(line);
    if (heading === null) {
      block.push(line);
      continue;
    }
    flush();
    const level = (heading[1] as string).length;
    const title = heading[2] as string;
    body.push(
      `<h${level} id="${escapeHtml(headingSlug(title))}">${escapeHtml(title.replaceAll('`', ''))}</h${level}>`,
    );
  }
  flush();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pressgate troubleshooting</title>
<style nonce="${nonce}">
body { margin: 0 auto; max-width: 860px; padding: 12px 16px; font: 15px/1.45 system-ui, sans-serif; }
pre { white-space: pre-wrap; overflow-wrap: break-word; font: 0.9rem/1.45 ui-monospace, Menlo, Consolas, monospace; }
h1, h2, h3 { scroll-margin-top: 8px; }
</style>
</head>
<body>
<p><a href="./">Back to the status page</a></p>
${body.join('\n')}
</body>
</html>
`;
}

/** The guide's text, or undefined when the relay runs without the repository's docs/. */
export async function readTroubleshooting(file: URL = TROUBLESHOOTING_FILE): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
