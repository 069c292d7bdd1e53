/**
 * Lambda sends whatever a function writes to the console to CloudWatch Logs,
 * so this package (and only this one) logs with console: one short JSON line
 * per entry. Callers pass only safe fields: never the event body (it carries
 * the user's bearer token and grant code), the secret or a signature.
 */

export type ForwarderLogEntry = {
  level: 'info' | 'warn' | 'error';
  msg: string;
  code?: string;
  [field: string]: unknown;
};

export type ForwarderLog = (entry: ForwarderLogEntry) => void;

export const logToConsole: ForwarderLog = (entry) => {
  const line = JSON.stringify({ component: 'pressgate-forwarder', ...entry });
  if (entry.level === 'info') {
    // biome-ignore lint/suspicious/noConsole: Lambda's log sink is the console (CloudWatch Logs).
    console.log(line);
  } else {
    // biome-ignore lint/suspicious/noConsole: Lambda's log sink is the console (CloudWatch Logs).
    console.error(line);
  }
};
