/** `remotes[0].buttons[1].instance` from `['remotes', 0, 'buttons', 1, 'instance']`. */
export function formatConfigPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][\w$-]*$/.test(segment)) {
      out += out === '' ? segment : `.${segment}`;
    } else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/** One problem in a config, at a key path (numbers index lists). */
export type ConfigIssue = { path: (string | number)[]; message: string };
