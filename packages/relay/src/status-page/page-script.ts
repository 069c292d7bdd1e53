/**
 * The header a press must carry. A cross-origin page can only send it after a
 * CORS preflight, which the relay never grants, so a form or a simple fetch
 * from another site cannot press the virtual remote.
 */
export const PRESS_HEADER = 'x-pressgate-press';

/**
 * The status page's browser script (plain ES2020, no framework, no build
 * step), inlined into the page under the CSP nonce. It renders only what
 * GET /v1/status, GET /v1/mapping and GET /v1/stream return, always through
 * textContent (never innerHTML), and presses virtual buttons through
 * POST /v1/remotes/:remoteId/buttons/:button/:action when the page says the
 * virtual remote is there, with the PRESS_HEADER a cross-origin form cannot
 * send. Keep `</script>` out of this text.
 */
export const PAGE_SCRIPT = String.raw`
(() => {
  'use strict';
  const GESTURES = ['single', 'double', 'long'];
  const FEED_MAX = 50;
  const DELIVERIES_MAX = 50;
  const POLL_MS = 3000;
  const MAPPING_REFRESH_MS = 30000;
  const FLASH_MS = 1500;
  const virtualRemote = document.body.dataset.virtualRemote === 'true';
  const state = { link: null, remotes: new Map(), mapping: null, mappingJson: '', outbox: null, directives: null, deliveries: [], feed: [], statusLoaded: false };
  // Why a remote is not connected, by the listener's code: what to do, and where the guide says more.
  const GUIDE = 'troubleshooting';
  const REASONS = {
    ERR_SERIAL_NOT_FOUND: ['Not found', 'Plug the remote in (with a data cable, not a charge-only one) and compare serial.path or serial.match with pressgate ports.', 'remote-not-found'],
    ERR_SERIAL_AMBIGUOUS: ['Several ports match', 'Add serialNumber to serial.match, or use a /dev/serial/by-id/ path.', 'remote-not-found'],
    ERR_SERIAL_PERMISSION: ['No permission', 'Add the service user to the dialout group (id pressgate), or give your udev rule GROUP="dialout", MODE="0660".', 'permission-denied'],
    ERR_SERIAL_BUSY: ['Port busy', 'Another program has the port open (a serial terminal, pressgate monitor, ModemManager): find it with sudo fuser -v on the port and close it.', 'port-busy'],
    ERR_SERIAL_SILENT: ['Silent', 'Nothing arrives from the port: check it is the remote and that its firmware runs (pressgate monitor --port PATH).', 'garbage-lines-or-no-hello'],
    ERR_SERIAL_NO_HELLO: ['No HELLO', 'The device answers, but not with HELLO: the firmware must answer ? with HELLO.', 'garbage-lines-or-no-hello'],
    ERR_SERIAL_GARBAGE: ['Unreadable', 'Mostly unreadable lines: check serial.baudRate, or whether this port is a pressgate remote at all.', 'garbage-lines-or-no-hello'],
    ERR_SERIAL_DISCONNECTED: ['Disconnected', 'The port went away (unplugged, USB reset): check the cable and the power. pressgate reconnects by itself.', 'remote-keeps-disconnecting'],
  };
  const cells = new Map();
  const statusBoxes = new Map();
  const releasers = new Set();
  const flashTimers = new Map();
  const queues = new Map();
  const pacing = new Map();
  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') node.className = value;
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children) if (child !== undefined && child !== null) node.append(child);
    return node;
  }
  const code = (text) => el('code', {}, String(text));
  // An event id breaks only after a dot: each token is kept whole (white-space: nowrap).
  function eventCode(id) {
    const node = el('code', { class: 'event-id' });
    String(id).split('.').forEach((part, index, parts) => {
      node.append(el('span', { class: 'tok' }, index < parts.length - 1 ? part + '.' : part));
      if (index < parts.length - 1) node.append(el('wbr', {}));
    });
    return node;
  }
  const validDate = (iso) => (iso ? new Date(iso) : null);
  function timeOf(iso) {
    const date = validDate(iso);
    return date && !Number.isNaN(date.getTime()) ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }) : '-';
  }
  function dateTimeOf(iso) {
    const date = validDate(iso);
    return date && !Number.isNaN(date.getTime()) ? date.toLocaleString() : '-';
  }
  function relative(iso) {
    const ms = Date.parse(iso) - Date.now();
    if (Number.isNaN(ms)) return '';
    const min = Math.round(Math.abs(ms) / 60000);
    if (min < 1) return ms >= 0 ? 'in under a minute' : 'just now';
    const span = min < 90 ? min + ' min' : Math.round(min / 60) + ' h';
    return ms >= 0 ? 'in ' + span : span + ' ago';
  }
  function remoteName(remoteId) {
    const remote = state.mapping && state.mapping.remotes.find((entry) => entry.id === remoteId);
    return remote ? remote.friendlyName : remoteId;
  }

  function setConnection(kind) {
    const labels = { live: ['Live', 'ok'], connecting: ['Connecting', ''], reconnecting: ['Reconnecting, polling every 3 s', 'warn'], offline: ['Relay not reachable', 'bad'] };
    const [label, tone] = labels[kind];
    const badge = $('connection');
    badge.textContent = label;
    badge.className = 'badge ' + tone;
    badge.dataset.state = kind;
  }

  function renderLink() {
    const box = $('link');
    const link = state.link;
    box.replaceChildren();
    if (!link) return void box.append(el('p', { class: 'empty' }, 'Asking the relay'));
    const labels = { linked: ['Linked', 'ok'], unlinked: ['Not linked', 'warn'], relink_required: ['Relink required', 'bad'] };
    const [label, tone] = labels[link.state] || [String(link.state), ''];
    box.append(el('p', {}, el('span', { class: 'badge ' + tone, id: 'link-state', 'data-state': link.state }, label)));
    const facts = el('dl', { class: 'facts' });
    if (link.accessTokenExpiresAt) facts.append(el('dt', {}, 'Access token valid until'), el('dd', { id: 'token-expiry' }, dateTimeOf(link.accessTokenExpiresAt) + ' (' + relative(link.accessTokenExpiresAt) + ')'));
    if (link.updatedAt) facts.append(el('dt', {}, 'Tokens last renewed'), el('dd', {}, dateTimeOf(link.updatedAt)));
    if (link.reason) facts.append(el('dt', {}, 'Reason'), el('dd', {}, code(link.reason)));
    const mqtt = state.directives;
    if (mqtt) {
      const tones = { connected: 'ok', connecting: 'warn', waiting: 'bad', stopped: 'bad' };
      facts.append(el('dt', {}, 'Directives over MQTT'), el('dd', {}, el('span', { class: 'badge ' + (tones[mqtt.state] || ''), id: 'mqtt-state', 'data-state': mqtt.state }, mqtt.state), ' ' + mqtt.broker + (mqtt.lastError && mqtt.state !== 'connected' ? ' (' + mqtt.lastError + ')' : '')));
    }
    if (facts.childElementCount > 0) box.append(facts);
    if (link.state === 'unlinked') box.append(el('p', { class: 'advice' }, 'Enable the skill in the Alexa app and link your account: Alexa then sends an AcceptGrant to this relay. Until then gestures are decoded and shown here, but nothing is sent to Alexa.'));
    if (link.state === 'wrong_region') box.append(el('p', { class: 'advice bad' }, link.advice || 'Wrong Alexa region: set alexa.region (or auto) and restart.'));
    if (link.state === 'relink_required') box.append(el('p', { class: 'advice bad' }, 'Alexa no longer accepts this relay\'s tokens, so no events reach your routines. In the Alexa app, disable the skill and enable it again (link the account): the new AcceptGrant clears this on its own.'));
  }

  function renderRemoteStatus(remoteId) {
    const box = statusBoxes.get(remoteId);
    if (!box) return;
    const status = state.remotes.get(remoteId);
    const connected = status ? status.connected : false;
    box.badge.textContent = !state.statusLoaded ? 'Checking' : connected ? 'Connected' : 'Not connected';
    box.badge.className = 'badge ' + (!state.statusLoaded ? '' : connected ? 'ok' : 'bad');
    box.badge.dataset.connected = state.statusLoaded ? String(connected) : 'unknown';
    box.facts.replaceChildren(
      el('dt', {}, 'Device'), el('dd', {}, status && status.deviceId ? code(status.deviceId) : '-'),
      el('dt', {}, 'Firmware'), el('dd', {}, status && status.firmware ? status.firmware : '-'),
      el('dt', {}, 'Last seen'), el('dd', { class: 'last-seen' }, status && status.lastSeenAt && timeOf(status.lastSeenAt) !== '-' ? dateTimeOf(status.lastSeenAt) : 'never'),
    );
    box.reason.replaceChildren();
    if (!status || connected) return;
    const reason = status.reason;
    if (!reason) return void box.reason.append(el('p', { class: 'muted small', 'data-reason': 'none' }, 'No report from its listener yet.'));
    const known = REASONS[reason.code];
    const [label, fix, anchor] = known || ['Not connected', 'See the serial error codes in the troubleshooting guide.', 'serial-error-codes'];
    box.badge.textContent = 'Not connected: ' + label.toLowerCase();
    box.reason.append(el('div', { class: 'advice bad', 'data-reason': reason.code },
      el('p', {}, el('strong', {}, label + ': '), fix),
      el('p', { class: 'small muted' }, code(reason.code), ' ' + reason.message + ' ', el('a', { href: GUIDE + '#' + anchor }, 'How to fix it'))));
  }

  function mappingTable(remote) {
    const head = el('tr', {}, el('th', { scope: 'col' }, 'Button'), ...GESTURES.map((g) => el('th', { scope: 'col' }, g.charAt(0).toUpperCase() + g.slice(1))));
    const body = el('tbody', {});
    for (const button of remote.buttons) {
      const row = el('tr', { 'data-button': button.button }, el('th', { scope: 'row' }, String(button.button) + ' ', el('span', { class: 'muted small' }, button.label)));
      for (const gesture of GESTURES) {
        const eventId = button.gestures[gesture];
        const cell = el('td', { class: eventId ? 'cell' : 'cell unmapped', 'data-gesture': gesture, 'data-hits': '0' }, eventId ? eventCode(eventId) : 'not mapped');
        cells.set(remote.id + ' ' + button.button + ' ' + gesture, cell);
        row.append(cell);
      }
      body.append(row);
    }
    return el('div', { class: 'table-wrap' }, el('table', { class: 'mapping' }, el('caption', {}, 'What each gesture sends to Alexa (event id)'), el('thead', {}, head), body));
  }

  // Presses go out one at a time per remote (so down and up never swap), and each
  // no sooner after the previous send than it happened after the previous press:
  // a slow answer to a down can stretch a hold, never shrink it into a bounce.
  function sendPress(remoteId, button, action, errorBox) {
    const happenedAt = performance.now();
    const previous = queues.get(remoteId) || Promise.resolve();
    const next = previous
      .then(async () => {
        const last = pacing.get(remoteId);
        const waitMs = last ? last.sentAt + (happenedAt - last.happenedAt) - performance.now() : 0;
        if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
        pacing.set(remoteId, { sentAt: performance.now(), happenedAt });
        return fetch('/v1/remotes/' + encodeURIComponent(remoteId) + '/buttons/' + button + '/' + action, { method: 'POST', headers: { '${PRESS_HEADER}': '1' } });
      })
      .then(async (response) => {
        if (response.ok) return void (errorBox.textContent = '');
        let message = 'HTTP ' + response.status;
        try { const body = await response.json(); if (body && body.message) message = body.message; } catch (_) { /* not JSON */ }
        errorBox.textContent = 'Press not sent: ' + message;
      })
      .catch((error) => { errorBox.textContent = 'Press not sent: the relay did not answer (' + error.message + ')'; });
    queues.set(remoteId, next);
  }

  function virtualButton(remote, button, errorBox) {
    const node = el('button', { type: 'button', class: 'vbtn', 'data-button': button.button, 'aria-label': 'Hold button ' + button.button + ' (' + button.label + ') of ' + remote.friendlyName },
      String(button.button), el('small', {}, button.label));
    let held = false;
    const press = () => { if (held) return; held = true; node.classList.add('held'); sendPress(remote.id, button.button, 'down', errorBox); };
    const release = () => { if (!held) return; held = false; node.classList.remove('held'); sendPress(remote.id, button.button, 'up', errorBox); };
    const isPressKey = (event) => event.key === ' ' || event.key === 'Enter';
    node.addEventListener('pointerdown', (event) => { if (event.button === 0) press(); });
    for (const type of ['pointerup', 'pointercancel', 'pointerleave', 'blur']) node.addEventListener(type, release);
    node.addEventListener('keydown', (event) => { if (!isPressKey(event)) return; event.preventDefault(); if (!event.repeat) press(); });
    node.addEventListener('keyup', (event) => { if (!isPressKey(event)) return; event.preventDefault(); release(); });
    node.addEventListener('contextmenu', (event) => event.preventDefault());
    releasers.add(release);
    return node;
  }

  function virtualPad(remote) {
    const errorBox = el('p', { class: 'press-error', role: 'status' });
    const pad = el('div', { class: 'vpad', role: 'group', 'aria-label': 'Virtual remote for ' + remote.friendlyName },
      el('p', { class: 'vpad-label' }, 'Virtual remote: hold a button with the mouse, a finger, or Space/Enter. Tap for single, tap twice for double, hold for long.'));
    for (const button of remote.buttons) pad.append(virtualButton(remote, button, errorBox));
    pad.append(errorBox);
    return pad;
  }

  function renderRemotes() {
    for (const release of releasers) release();
    releasers.clear();
    cells.clear();
    statusBoxes.clear();
    const box = $('remotes');
    box.replaceChildren();
    const remotes = state.mapping ? state.mapping.remotes : [];
    if (remotes.length === 0) return void box.append(el('p', { class: 'empty' }, 'No remotes configured: add one under "remotes" in pressgate.yaml.'));
    for (const remote of remotes) {
      const badge = el('span', { class: 'badge' });
      const facts = el('dl', { class: 'facts small' });
      const reason = el('div', { class: 'reason' });
      statusBoxes.set(remote.id, { badge, facts, reason });
      const article = el('article', { class: 'remote', 'data-remote': remote.id },
        el('div', { class: 'remote-head' }, el('h3', {}, remote.friendlyName), badge, el('span', { class: 'muted small' }, 'id ', code(remote.id), ' endpoint ', code(remote.endpointId))),
        reason, facts, mappingTable(remote), virtualRemote ? virtualPad(remote) : null);
      box.append(article);
      renderRemoteStatus(remote.id);
    }
  }

  function flashCell(gesture) {
    const key = gesture.remoteId + ' ' + gesture.button + ' ' + gesture.gesture;
    const cell = cells.get(key);
    if (!cell) return;
    const name = gesture.mapped ? 'flash' : 'flash-unmapped';
    cell.classList.remove('flash', 'flash-unmapped');
    void cell.offsetWidth;
    cell.classList.add(name);
    cell.dataset.hits = String(Number(cell.dataset.hits || '0') + 1);
    clearTimeout(flashTimers.get(key));
    flashTimers.set(key, setTimeout(() => cell.classList.remove(name), FLASH_MS));
  }

  const gestureKey = (gesture) => [gesture.at, gesture.remoteId, gesture.button, gesture.gesture].join(' ');
  function feedItem(gesture) {
    const what = remoteName(gesture.remoteId) + ', button ' + gesture.button + ', ' + gesture.gesture;
    return el('li', { 'data-gesture': gesture.gesture, 'data-mapped': String(Boolean(gesture.mapped)) },
      el('span', { class: 'muted small mono' }, timeOf(gesture.at)), el('span', {}, what),
      gesture.mapped ? eventCode(gesture.eventId || '') : el('span', { class: 'badge' }, 'not mapped'));
  }
  function renderFeed() {
    const feed = $('feed');
    feed.replaceChildren(...state.feed.map(feedItem));
    $('feed-empty').hidden = state.feed.length > 0;
  }
  // The relay's recent gestures (from /v1/status) and those the stream brought, newest first, once each.
  function mergeFeed(gestures) {
    const seen = new Set();
    state.feed = [...gestures, ...state.feed]
      .filter((gesture) => { const key = gestureKey(gesture); if (seen.has(key)) return false; seen.add(key); return true; })
      .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
      .slice(0, FEED_MAX);
    renderFeed();
  }
  function onGesture(gesture) {
    mergeFeed([gesture]);
    flashCell(gesture);
  }

  function renderDeliveries() {
    const counts = $('outbox');
    counts.replaceChildren();
    if (state.outbox) {
      const o = state.outbox;
      counts.append(el('span', { class: 'badge' + (o.pending > 0 ? ' warn' : '') }, 'pending ' + o.pending), el('span', { class: 'badge ok' }, 'delivered ' + o.delivered),
        el('span', { class: 'badge' + (o.expired > 0 ? ' warn' : '') }, 'expired ' + o.expired), el('span', { class: 'badge' + (o.deadLetter > 0 ? ' bad' : '') }, 'dead letter ' + o.deadLetter));
    }
    const body = $('deliveries');
    body.replaceChildren();
    if (state.deliveries.length === 0) return void body.append(el('tr', {}, el('td', { colspan: '6', class: 'empty' }, 'No deliveries yet')));
    for (const record of state.deliveries) {
      const outcome = el('td', { class: 'outcome-' + record.outcome, 'data-label': 'Outcome' }, record.outcome.replace('_', ' '));
      if (record.code) outcome.append(el('div', { class: 'muted small', title: record.description || '' }, record.code));
      body.append(el('tr', { 'data-message-id': record.messageId, 'data-outcome': record.outcome },
        el('td', { class: 'mono small nowrap', 'data-label': 'Time' }, timeOf(record.finishedAt)),
        el('td', { class: 'event', 'data-label': 'Event id' }, eventCode(record.eventId)), outcome,
        el('td', { 'data-label': 'HTTP' }, record.status === undefined ? '-' : String(record.status)),
        el('td', { 'data-label': 'Attempts' }, String(record.attempts)),
        el('td', { class: 'nowrap', 'data-label': 'Latency ms' }, String(Math.round(record.latencyMs)))));
    }
  }

  function addDelivery(record) {
    state.deliveries = [record, ...state.deliveries.filter((entry) => entry.messageId !== record.messageId)].slice(0, DELIVERIES_MAX);
    renderDeliveries();
  }

  async function getJson(path) {
    const response = await fetch(path, { cache: 'no-store', headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(path + ' answered HTTP ' + response.status);
    return response.json();
  }

  async function refreshStatus() {
    try {
      const status = await getJson('/v1/status');
      state.link = status.link;
      state.directives = status.directives || null;
      state.outbox = status.outbox;
      state.deliveries = [...status.deliveries].slice(0, DELIVERIES_MAX);
      state.remotes = new Map(status.remotes.map((remote) => [remote.id, remote]));
      state.statusLoaded = true;
      renderLink();
      for (const id of statusBoxes.keys()) renderRemoteStatus(id);
      renderDeliveries();
      mergeFeed(Array.isArray(status.gestures) ? status.gestures : []);
      if ($('connection').dataset.state === 'offline') setConnection(source && source.readyState === 1 ? 'live' : 'reconnecting');
    } catch (_) {
      setConnection('offline');
    }
  }

  async function refreshMapping() {
    try {
      const mapping = await getJson('/v1/mapping');
      const json = JSON.stringify(mapping);
      if (json === state.mappingJson) return;
      state.mapping = mapping;
      state.mappingJson = json;
      renderRemotes();
      renderFeed();
    } catch (_) { /* the status refresh reports an unreachable relay */ }
  }

  let source = null;
  let pollTimer = null;
  let statusSoon = null;
  const startPolling = () => { if (pollTimer === null) pollTimer = setInterval(refreshStatus, POLL_MS); };
  const stopPolling = () => { if (pollTimer !== null) clearInterval(pollTimer); pollTimer = null; };
  const refreshStatusSoon = () => { clearTimeout(statusSoon); statusSoon = setTimeout(refreshStatus, 300); };
  function listen(type, handler) {
    source.addEventListener(type, (event) => {
      let data;
      try { data = JSON.parse(event.data); } catch (_) { return; }
      handler(data);
    });
  }
  function connectStream() {
    if (typeof EventSource === 'undefined') return void startPolling();
    source = new EventSource('/v1/stream');
    source.addEventListener('open', () => { setConnection('live'); stopPolling(); refreshStatus(); refreshMapping(); });
    source.addEventListener('error', () => {
      setConnection('reconnecting');
      startPolling();
      if (source.readyState === 2) setTimeout(connectStream, 5000);
    });
    listen('gesture', onGesture);
    listen('delivery', (event) => { addDelivery(event.record); refreshStatusSoon(); });
    listen('link', (event) => { state.link = event.status; renderLink(); });
    listen('remote', (event) => { state.remotes.set(event.remote.id, event.remote); renderRemoteStatus(event.remote.id); });
  }

  // The first paint is what the relay says now (GET /v1/status and /v1/mapping, in parallel);
  // the badge says Connecting until the event stream is open, which only then starts.
  setConnection('connecting');
  renderLink();
  Promise.allSettled([refreshStatus(), refreshMapping()]).then(connectStream);
  setInterval(refreshMapping, MAPPING_REFRESH_MS);
  setInterval(renderLink, 30000);
  // The MQTT connection has no event of its own on the stream: poll it while there is one.
  setInterval(() => { if (state.directives) refreshStatus(); }, 10000);
})();
`;
