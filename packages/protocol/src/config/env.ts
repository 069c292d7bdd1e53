import { type ConfigIssue, formatConfigPath } from './path.js';

/**
 * `${VAR}` in config values. Every string scalar (not keys) may hold any
 * number of `${NAME}` references, NAME being letters, digits and `_`, not
 * starting with a digit. `$${` writes a literal `${`. Values stay strings:
 * `port: ${PORT}` is text, so keep numbers in the file.
 */

export type ConfigEnv = Readonly<Record<string, string | undefined>>;
export type ExpandEnvResult = { value: unknown; issues: ConfigIssue[] };

const REFERENCE = /\$\$\{|\$\{([^}]*)(\}?)/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function expandEnv(raw: unknown, env: ConfigEnv): ExpandEnvResult {
  const issues: ConfigIssue[] = [];
  const walk = (value: unknown, path: (string | number)[]): unknown => {
    if (typeof value === 'string') return expandString(value, path, env, issues);
    if (Array.isArray(value)) return value.map((item, i) => walk(item, [...path, i]));
    if (typeof value === 'object' && value !== null) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = walk(item, [...path, key]);
      return out;
    }
    return value;
  };
  const value = walk(raw, []);
  return { value, issues };
}

function expandString(
  text: string,
  path: (string | number)[],
  env: ConfigEnv,
  issues: ConfigIssue[],
): string {
  if (!text.includes('${')) return text;
  return text.replace(REFERENCE, (whole, name: string | undefined, close: string | undefined) => {
    if (whole === '$${') return '${';
    const at = formatConfigPath(path) || 'the top level';
    if (close !== '}' || name === undefined || !NAME.test(name)) {
      issues.push({
        path,
        message: `expected \${NAME} (letters, digits and _) in ${at}, got an invalid or unclosed \${ reference; write $\${ for a literal \${`,
      });
      return whole;
    }
    const found = env[name];
    if (found === undefined) {
      issues.push({
        path,
        message: `environment variable ${name} is not set (used by ${at}): set it for the pressgate service (for systemd: Environment= or EnvironmentFile=)`,
      });
      return whole;
    }
    return found;
  });
}
