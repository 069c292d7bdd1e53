import type { z } from 'zod';
import { type ConfigEnv, expandEnv } from './env.js';
import type { ConfigIssue } from './path.js';
import { PressgateConfig } from './schema.js';
import { suggestClosest } from './suggest.js';

/**
 * Validates a parsed `pressgate.yaml` (any YAML/JSON value): `${VAR}`
 * expansion, then the schema and its rules. Reports every problem, one issue
 * each, with a message that says what was expected and what arrived. Values
 * of secret keys are never repeated in a message.
 */

export type ValidateConfigResult =
  | { ok: true; config: PressgateConfig }
  | { ok: false; issues: ConfigIssue[] };

export function validateConfig(raw: unknown, env: ConfigEnv): ValidateConfigResult {
  const expanded = expandEnv(raw, env);
  const parsed = PressgateConfig.safeParse(expanded.value, { reportInput: true });
  if (parsed.success && expanded.issues.length === 0) return { ok: true, config: parsed.data };

  const envPaths = new Set(expanded.issues.map((issue) => JSON.stringify(issue.path)));
  const schemaIssues = parsed.success
    ? []
    : parsed.error.issues.flatMap((issue) => toConfigIssues(issue, []));
  const issues = [
    ...expanded.issues,
    // A value whose variable is missing is reported once, for the variable.
    ...schemaIssues.filter((issue) => !envPaths.has(JSON.stringify(issue.path))),
  ];
  return { ok: false, issues };
}

type Path = (string | number)[];
const SECRET_KEY = /secret|token|password|clientid/i;
const TYPE_NAMES: Record<string, string> = { string: 'text', object: 'a mapping', array: 'a list' };

function toConfigIssues(issue: z.core.$ZodIssue, prefix: Path): ConfigIssue[] {
  const path: Path = [
    ...prefix,
    ...issue.path.map((segment) => (typeof segment === 'number' ? segment : String(segment))),
  ];
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: [...path, key], message: unknownKeyMessage(key, path) }));
    case 'invalid_union':
      return unionIssues(issue, path);
    case 'custom':
      return [{ path, message: issue.message }];
    default:
      return [{ path, message: describe(issue, path) }];
  }
}

function unknownKeyMessage(key: string, path: Path): string {
  const forms = objectFormsAt(path);
  const known = [...new Set(forms.flat())];
  if (known.includes(key)) {
    const shown = forms.map((form) => `{ ${form.join(', ')} }`).join(' or ');
    return `key "${key}" does not go with the other keys here: write ${shown}`;
  }
  const suggestion = suggestClosest(key, known);
  const hint = suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
  const list = known.length > 0 ? ` (allowed here: ${known.join(', ')})` : '';
  return `unknown key "${key}"${hint}${list}`;
}

function unionIssues(issue: z.core.$ZodIssueInvalidUnion, path: Path): ConfigIssue[] {
  // When one branch fits better than the others, its own issues say most.
  const branches = [...issue.errors].sort((a, b) => a.length - b.length);
  const [best, next] = branches;
  if (best !== undefined && best.length > 0 && (next === undefined || best.length < next.length)) {
    return best.flatMap((inner) => toConfigIssues(inner, path));
  }
  const expected = path.includes('names')
    ? 'expected a name: { asset: Alexa.Button.TopButton } or { text: Top button, locale: en-US }'
    : 'expected one of the allowed shapes';
  return [{ path, message: `${expected}, got ${describeInput(issue.input)}` }];
}

function describe(issue: z.core.$ZodIssue, path: Path): string {
  const last = path.at(-1);
  const message = issue.message;
  if (path.length === 0 && issue.code === 'invalid_type') {
    return `expected a mapping with relay, alexa, directives and remotes, got ${issue.input == null ? 'an empty document' : describeInput(issue.input)}`;
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
    const detail = message.startsWith('expected') ? `: ${message}` : ` (expected ${expected})`;
    return `missing required key "${String(last)}"${detail}`;
  }
  if (typeof last === 'string' && SECRET_KEY.test(last)) return message;
  if (message.includes(', got ')) return message;
  return `${message}, got ${describeInput(issue.input)}`;
}

function describeInput(input: unknown): string {
  if (input === null) return 'an empty value';
  if (Array.isArray(input)) return input.length === 0 ? 'an empty list' : 'a list';
  if (typeof input === 'object') return 'a mapping';
  if (typeof input === 'string') {
    const shown = input.length > 60 ? `${input.slice(0, 57)}...` : input;
    return input === '' ? 'an empty string' : JSON.stringify(shown);
  }
  return String(input);
}

type Def = {
  type: string;
  shape?: Record<string, unknown>;
  element?: unknown;
  innerType?: unknown;
  in?: unknown;
  options?: unknown[];
};
const defOf = (schema: unknown): Def | undefined =>
  (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;

/** The object and array schemas that `schema` stands for, through wrappers, pipes and unions. */
function concreteDefs(schema: unknown): Def[] {
  const def = defOf(schema);
  if (def === undefined) return [];
  if (def.innerType !== undefined) return concreteDefs(def.innerType);
  if (def.type === 'pipe') return concreteDefs(def.in);
  if (def.type === 'union') return (def.options ?? []).flatMap(concreteDefs);
  return [def];
}

/**
 * The key sets the schema allows for the object at `path`: one per object
 * schema found there (a union of objects, like a name, has several).
 */
function objectFormsAt(path: Path): string[][] {
  let defs = concreteDefs(PressgateConfig);
  for (const segment of path) {
    defs = defs.flatMap((def) => {
      if (def.type === 'object' && typeof segment === 'string' && def.shape?.[segment] !== undefined) {
        return concreteDefs(def.shape[segment]);
      }
      return def.type === 'array' && typeof segment === 'number' ? concreteDefs(def.element) : [];
    });
  }
  return defs.flatMap((def) =>
    def.type === 'object' && def.shape !== undefined ? [Object.keys(def.shape)] : [],
  );
}
