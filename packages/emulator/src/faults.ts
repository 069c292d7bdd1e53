/**
 * Fault injection: the schemas the API and the control routes check faults against, and the
 * queues that hand them out, one per request.
 */
import { z } from 'zod';
import { DEFAULT_CODE_FOR_STATUS, EmulatorError } from './errors.js';
import type { GatewayFault, LwaFault } from './types.js';

const StatusFault = z
  .strictObject({
    status: z.number().int().min(200).max(599),
    code: z
      .string()
      .regex(/^[A-Z][A-Z_]*$/, 'expected an exception code such as THROTTLING_EXCEPTION')
      .optional(),
    description: z.string().max(1000).optional(),
  })
  .superRefine((fault, ctx) => {
    const success = fault.status < 300;
    if (!success && fault.status < 400) {
      ctx.addIssue({ code: 'custom', path: ['status'], message: 'expected a 2xx, 4xx or 5xx status' });
    }
    if (success && fault.code !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['code'], message: 'a 2xx answer carries no code' });
    }
    if (fault.status >= 400 && fault.code === undefined && !DEFAULT_CODE_FOR_STATUS[fault.status]) {
      ctx.addIssue({ code: 'custom', path: ['code'], message: `status ${fault.status} needs a code` });
    }
  });

/** The status of an endless error body. */
const ErrorStatus = z.number().int().min(400).max(599);

/** Default status of an endless error body. */
export const DEFAULT_ENDLESS_STATUS = 500;

export const GatewayFaultSchema = z.union([
  StatusFault,
  z.strictObject({ delayMs: z.number().int().min(0).max(600_000) }),
  z.strictObject({ drop: z.literal(true) }),
  z.strictObject({ endless: z.literal(true), status: ErrorStatus.optional() }),
  z.strictObject({ cut: z.literal(true), at: z.enum(['body', 'start']).optional() }),
]);

export const GatewayFaultList = z.array(GatewayFaultSchema).max(10_000);

export const LwaFaultSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('unavailable'), requests: z.number().int().min(1).optional() }),
  z.strictObject({ kind: z.literal('drop'), requests: z.number().int().min(1).optional() }),
  z.strictObject({
    kind: z.literal('endless'),
    status: ErrorStatus.optional(),
    requests: z.number().int().min(1).optional(),
  }),
  z.strictObject({ kind: z.literal('hang'), requests: z.number().int().min(1).optional() }),
  z.strictObject({ kind: z.literal('cut'), requests: z.number().int().min(1).optional() }),
  z.strictObject({ kind: z.literal('clear') }),
]);

/** An LWA fault as the token route uses it. */
export type LwaAction =
  | { kind: 'unavailable' | 'drop' | 'hang' | 'cut' }
  | { kind: 'endless'; status: number };

/** A fault as the gateway route uses it, with the code filled in. */
export type GatewayAction =
  | { type: 'answer'; status: number; code?: string; description: string }
  | { type: 'delay'; delayMs: number }
  | { type: 'drop' }
  | { type: 'endless'; status: number }
  | { type: 'cut'; at: 'body' | 'start' };

function toAction(fault: z.infer<typeof GatewayFaultSchema>): GatewayAction {
  if ('drop' in fault) return { type: 'drop' };
  if ('endless' in fault) return { type: 'endless', status: fault.status ?? DEFAULT_ENDLESS_STATUS };
  if ('cut' in fault) return { type: 'cut', at: fault.at ?? 'body' };
  if ('delayMs' in fault) return { type: 'delay', delayMs: fault.delayMs };
  const description = fault.description ?? `Injected by the pressgate emulator (status ${fault.status}).`;
  const code = fault.code ?? DEFAULT_CODE_FOR_STATUS[fault.status];
  return code === undefined
    ? { type: 'answer', status: fault.status, description }
    : { type: 'answer', status: fault.status, code, description };
}

export class FaultQueues {
  #gateway: GatewayAction[] = [];
  #lwa: { action: LwaAction; remaining: number } | undefined;

  /** Throws EmulatorError ERR_EMULATOR_BAD_FAULT for a malformed fault (a bug in the caller). */
  addGatewayFaults(faults: readonly GatewayFault[] | unknown): number {
    const parsed = GatewayFaultList.safeParse(faults);
    if (!parsed.success) {
      throw new EmulatorError(
        'ERR_EMULATOR_BAD_FAULT',
        `Expected gateway faults like [{"status":429}], [{"delayMs":5000}], [{"drop":true}], [{"endless":true,"status":500}] or [{"cut":true}]; got ${z.prettifyError(parsed.error)}`,
      );
    }
    this.#gateway.push(...parsed.data.map(toAction));
    return this.#gateway.length;
  }

  nextGatewayAction(): GatewayAction | undefined {
    return this.#gateway.shift();
  }

  pendingGatewayFaults(): number {
    return this.#gateway.length;
  }

  setLwaFault(fault: LwaFault | unknown): void {
    const parsed = LwaFaultSchema.safeParse(fault);
    if (!parsed.success) {
      throw new EmulatorError(
        'ERR_EMULATOR_BAD_FAULT',
        `Expected an LWA fault like {"kind":"unavailable","requests":2}, {"kind":"drop"}, {"kind":"endless","status":500}, {"kind":"hang"}, {"kind":"cut"} or {"kind":"clear"}; got ${z.prettifyError(parsed.error)}`,
      );
    }
    const value = parsed.data;
    if (value.kind === 'clear') {
      this.#lwa = undefined;
      return;
    }
    const action: LwaAction =
      value.kind === 'endless'
        ? { kind: 'endless', status: value.status ?? DEFAULT_ENDLESS_STATUS }
        : { kind: value.kind };
    this.#lwa = { action, remaining: value.requests ?? Number.POSITIVE_INFINITY };
  }

  nextLwaFault(): LwaAction | undefined {
    const fault = this.#lwa;
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.#lwa = undefined;
    return fault.action;
  }

  clear(): void {
    this.#gateway = [];
    this.#lwa = undefined;
  }
}
