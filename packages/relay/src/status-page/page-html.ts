import { PAGE_SCRIPT } from './page-script.js';
import { PAGE_STYLE } from './page-style.js';
import { TROUBLESHOOTING_PATH } from './troubleshooting-page.js';

export type StatusPageHtmlOptions = {
  /** A fresh per-response CSP nonce (base64); the inline style and script carry it. */
  nonce: string;
  /** Whether POST /v1/remotes/.../buttons/... exists, so the page draws virtual buttons. */
  virtualRemote: boolean;
};

/** A blue dot as the tab icon, inline, so the browser never asks for /favicon.ico. */
const ICON = `data:image/svg+xml,${encodeURIComponent(
  "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'><circle cx='8' cy='8' r='6' fill='#2557d6'/></svg>",
)}`;

/** Base64 only: a nonce can never break out of its attribute. */
const NONCE_PATTERN = /^[A-Za-z0-9+/]{16,}={0,2}$/;

/**
 * The status page: one self-contained document. It carries no data of its
 * own (the script fetches everything from the relay's routes), so nothing
 * from the config or the token store is ever written into the markup.
 */
export function renderStatusPage(options: StatusPageHtmlOptions): string {
  if (!NONCE_PATTERN.test(options.nonce)) {
    throw new TypeError('expected a base64 CSP nonce of at least 16 characters');
  }
  const nonce = options.nonce;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>pressgate relay</title>
<link rel="icon" href="${ICON}">
<style nonce="${nonce}">${PAGE_STYLE}</style>
</head>
<body data-virtual-remote="${options.virtualRemote ? 'true' : 'false'}">
<header class="top">
  <h1>pressgate relay</h1>
  <span class="top-right">
    <a id="guide" href="${TROUBLESHOOTING_PATH.slice(1)}">Troubleshooting guide</a>
    <span id="connection" class="badge" role="status" aria-label="Live updates">Connecting</span>
  </span>
</header>
<main>
  <section class="card" aria-labelledby="link-heading">
    <h2 id="link-heading">Alexa link</h2>
    <div id="link"></div>
  </section>
  <section class="card" aria-labelledby="remotes-heading">
    <h2 id="remotes-heading">Remotes and mapping</h2>
    <div id="remotes"><p class="empty">Loading the mapping</p></div>
  </section>
  <div class="grid-2">
    <section class="card" aria-labelledby="feed-heading">
      <h2 id="feed-heading">Gestures</h2>
      <p id="feed-empty" class="empty">No gestures yet: press a button on a remote.</p>
      <ol id="feed" class="feed" aria-live="polite" aria-label="Gestures, newest first"></ol>
    </section>
    <section class="card" aria-labelledby="deliveries-heading">
      <h2 id="deliveries-heading">Deliveries</h2>
      <div id="outbox" class="counts" aria-label="Outbox"></div>
      <div class="table-wrap">
        <table class="deliveries">
          <caption>Events sent to Alexa, newest first</caption>
          <thead><tr>
            <th scope="col">Time</th><th scope="col">Event id</th><th scope="col">Outcome</th>
            <th scope="col">HTTP</th><th scope="col">Attempts</th><th scope="col">Latency ms</th>
          </tr></thead>
          <tbody id="deliveries"></tbody>
        </table>
      </div>
    </section>
  </div>
</main>
<script nonce="${nonce}">${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
