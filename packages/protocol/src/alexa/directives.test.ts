import { describe, expect, it } from 'vitest';
import {
  AcceptGrantDirective,
  DirectiveMessageId,
  DiscoverDirective,
  parseDirective,
  ReportStateDirective,
} from './directives.js';

const acceptGrant = () => ({
  directive: {
    header: {
      namespace: 'Alexa.Authorization',
      name: 'AcceptGrant',
      payloadVersion: '3',
      messageId: '5f8a426e-01e4-4cc9-8b79-65f8bd0fd8a4',
    },
    payload: {
      grant: { type: 'OAuth2.AuthorizationCode', code: 'ANUbUKCJqlBOpMhwYWxU' },
      grantee: { type: 'BearerToken', token: 'access-token-from-skill' },
    },
  },
});

const discover = () => ({
  directive: {
    header: {
      namespace: 'Alexa.Discovery',
      name: 'Discover',
      payloadVersion: '3',
      messageId: '1bd5d003-31b9-476f-ad03-71d471922820',
    },
    payload: { scope: { type: 'BearerToken', token: 'access-token-from-skill' } },
  },
});

const reportState = () => ({
  directive: {
    header: {
      namespace: 'Alexa',
      name: 'ReportState',
      payloadVersion: '3',
      messageId: '1bd5d003-31b9-476f-ad03-71d471922820',
      correlationToken: 'dFMb0z+PgpgdDmluhJ1LddFvSqZ/jCc8ptlAKulUj90jSqg==',
    },
    endpoint: {
      scope: { type: 'BearerToken', token: 'access-token-from-Amazon' },
      endpointId: 'living-room-remote',
      cookie: {},
    },
    payload: {},
  },
});

describe('directive schemas', () => {
  it('accept the shapes of docs/alexa.md', () => {
    expect(AcceptGrantDirective.safeParse(acceptGrant()).success).toBe(true);
    expect(DiscoverDirective.safeParse(discover()).success).toBe(true);
    expect(ReportStateDirective.safeParse(reportState()).success).toBe(true);
  });

  it('tolerate fields Amazon may add', () => {
    const body = acceptGrant();
    const extended = {
      ...body,
      directive: { ...body.directive, header: { ...body.directive.header, extra: 1 } },
    };
    expect(AcceptGrantDirective.safeParse(extended).success).toBe(true);
  });
});

describe('parseDirective', () => {
  it('recognises AcceptGrant and hands back the grant code', () => {
    const result = parseDirective(acceptGrant());
    expect(result.ok).toBe(true);
    if (result.ok && result.kind === 'AcceptGrant') {
      expect(result.directive.directive.payload.grant.code).toBe('ANUbUKCJqlBOpMhwYWxU');
    } else {
      expect.unreachable(`expected AcceptGrant, got ${JSON.stringify(result)}`);
    }
  });

  it('recognises Discover and ReportState', () => {
    expect(parseDirective(discover())).toMatchObject({ ok: true, kind: 'Discover' });
    const result = parseDirective(reportState());
    expect(result).toMatchObject({ ok: true, kind: 'ReportState' });
    if (result.ok && result.kind === 'ReportState') {
      expect(result.directive.directive.header.correlationToken).toBe(
        'dFMb0z+PgpgdDmluhJ1LddFvSqZ/jCc8ptlAKulUj90jSqg==',
      );
      expect(result.directive.directive.endpoint.endpointId).toBe('living-room-remote');
    }
  });

  it('calls an AcceptGrant without a grant code malformed, without echoing secrets', () => {
    const body = acceptGrant();
    const { code: _code, ...grant } = body.directive.payload.grant;
    const result = parseDirective({
      directive: { ...body.directive, payload: { ...body.directive.payload, grant } },
    });
    expect(result).toMatchObject({
      ok: false,
      kind: 'malformed',
      namespace: 'Alexa.Authorization',
      name: 'AcceptGrant',
    });
    if (!result.ok) {
      expect(result.message).toContain('directive.payload.grant.code');
      expect(result.message).not.toContain('access-token-from-skill');
    }
  });

  it('does not echo the grant code or token when their type is wrong', () => {
    const body = acceptGrant();
    const result = parseDirective({
      directive: {
        ...body.directive,
        payload: {
          grant: { type: 'Implicit', code: 'ANUbUKCJqlBOpMhwYWxU' },
          grantee: { type: 'Basic', token: 'access-token-from-skill' },
        },
      },
    });
    expect(result).toMatchObject({ ok: false, kind: 'malformed' });
    if (!result.ok) {
      expect(result.message).toContain('directive.payload.grant.type');
      expect(result.message).not.toContain('ANUbUKCJqlBOpMhwYWxU');
      expect(result.message).not.toContain('access-token-from-skill');
    }
  });

  it('calls a wrong payloadVersion malformed', () => {
    const body = discover();
    const result = parseDirective({
      directive: { ...body.directive, header: { ...body.directive.header, payloadVersion: '2' } },
    });
    expect(result).toMatchObject({
      ok: false,
      kind: 'malformed',
      namespace: 'Alexa.Discovery',
      name: 'Discover',
    });
    if (!result.ok) expect(result.message).toContain('directive.header.payloadVersion');
  });

  it('accepts any printable messageId of 1..256 characters, as Amazon promises no format', () => {
    for (const messageId of ['amzn1.echo-api.request.1_2', 'a_b', 'a.b', 'x'.repeat(256), 'ID:42/7+=']) {
      const body = acceptGrant();
      const withId = { directive: { ...body.directive, header: { ...body.directive.header, messageId } } };
      expect(parseDirective(withId)).toMatchObject({ ok: true, kind: 'AcceptGrant' });
    }
    for (const messageId of ['', 'x'.repeat(257), 'a b', 'a\tb', 'a\u0000b', 'a\nb']) {
      expect(DirectiveMessageId.safeParse(messageId).success).toBe(false);
    }
  });

  it('calls a Discover without scope and a bad messageId malformed', () => {
    const body = discover();
    expect(parseDirective({ directive: { ...body.directive, payload: {} } })).toMatchObject({
      ok: false,
      kind: 'malformed',
    });
    expect(
      parseDirective({
        directive: { ...body.directive, header: { ...body.directive.header, messageId: 'a b' } },
      }),
    ).toMatchObject({ ok: false, kind: 'malformed' });
  });

  it('keeps the correlationToken and endpointId of a malformed ReportState for the ErrorResponse', () => {
    const body = reportState();
    const result = parseDirective({ directive: { ...body.directive, payload: undefined } });
    expect(result).toMatchObject({
      ok: false,
      kind: 'malformed',
      namespace: 'Alexa',
      name: 'ReportState',
      correlationToken: 'dFMb0z+PgpgdDmluhJ1LddFvSqZ/jCc8ptlAKulUj90jSqg==',
      endpointId: 'living-room-remote',
    });
    const { correlationToken: _token, ...header } = body.directive.header;
    expect(parseDirective({ directive: { ...body.directive, header } })).toMatchObject({
      ok: false,
      kind: 'malformed',
    });
  });

  it('calls a well-formed directive it does not handle unsupported, with what the ErrorResponse needs', () => {
    const result = parseDirective({
      directive: {
        header: {
          namespace: 'Alexa.PowerController',
          name: 'TurnOn',
          payloadVersion: '3',
          messageId: '1bd5d003-31b9-476f-ad03-71d471922820',
          correlationToken: 'corr-1',
        },
        endpoint: { endpointId: 'living-room-remote' },
        payload: {},
      },
    });
    expect(result).toMatchObject({
      ok: false,
      kind: 'unsupported',
      namespace: 'Alexa.PowerController',
      name: 'TurnOn',
      correlationToken: 'corr-1',
      endpointId: 'living-room-remote',
    });
    if (!result.ok) expect(result.message).toContain('Alexa.PowerController.TurnOn');
  });

  it.each([
    ['null', null],
    ['a string', 'directive'],
    ['an array', [acceptGrant()]],
    ['no directive', { header: acceptGrant().directive.header }],
    ['a header without a name', { directive: { header: { namespace: 'Alexa' }, payload: {} } }],
  ])('calls %s malformed without throwing', (_label, body) => {
    const result = parseDirective(body);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.kind).toBe('malformed');
      expect(result.message).toContain('expected');
    }
  });
});
