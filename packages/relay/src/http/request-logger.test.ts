import { captureLogs, startHttpHarness } from '@pressgate/test-kit';
import type { FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import { lazyRequestLogger } from './request-logger.js';

describe('lazyRequestLogger (Fastify request loggers made at their first line)', () => {
  it('writes what a pino child with the request id writes, at every level', () => {
    const logs = captureLogs();
    const parent = logs.logger.child({ component: 'http' }) as FastifyBaseLogger;
    const log = lazyRequestLogger(parent, { reqId: 'req-7' }, {});
    expect(log.level).toBe('debug');
    expect(logs.lines).toHaveLength(0);
    log.info({ remoteId: 'r' }, 'pressed %s', 'once');
    log.debug('plain');
    log.trace('below the level');
    log.error({ err: new Error('boom'), token: 'Atza|x' }, 'failed');
    log.child({ step: 2 }).warn('from a child');
    expect(logs.entries()).toMatchObject([
      { level: 30, component: 'http', reqId: 'req-7', remoteId: 'r', msg: 'pressed once' },
      { level: 20, reqId: 'req-7', msg: 'plain' },
      { level: 50, reqId: 'req-7', err: { message: 'boom' }, token: '[redacted]', msg: 'failed' },
      { level: 40, reqId: 'req-7', step: 2, msg: 'from a child' },
    ]);
  });

  it('takes a level of its own from the route options and when set', () => {
    const logs = captureLogs();
    const log = lazyRequestLogger(logs.logger as FastifyBaseLogger, { reqId: 'req-8' }, { level: 'warn' });
    expect(log.level).toBe('warn');
    log.info('not written');
    log.level = 'info';
    log.info('written');
    expect(logs.entries()).toMatchObject([{ reqId: 'req-8', msg: 'written' }]);
  });

  it('is what the relay app gives each request', async () => {
    const h = await startHttpHarness();
    let seen: FastifyBaseLogger | undefined;
    h.app.addHook('onRequest', async (request) => {
      seen = request.log;
    });
    const response = await h.app.inject({ method: 'GET', url: '/healthz', headers: { host: '127.0.0.1' } });
    expect(response.statusCode).toBe(200);
    expect(seen?.constructor.name).toBe('LazyRequestLogger');
  });
});
