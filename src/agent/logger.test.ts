// withFields: every record of the wrapped logger carries the fields; the record's own win.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Logger } from './logger.ts';
import { withFields } from './logger.ts';
import { pino } from 'pino';

test('withFields adds the fields to every level, and a record\'s own fields win', () => {
  const got: Array<[string, object, string | undefined]> = [];
  const rec = (level: string) => (obj: object, msg?: string): void => { got.push([level, obj, msg]); };
  const base: Logger = { debug: rec('debug'), info: rec('info'), warn: rec('warn'), error: rec('error') };
  const l = withFields(base, { node: 'n1' });
  l.debug({ a: 1 });
  l.info({ a: 2 }, 'hello');
  l.warn({ node: 'mine' }, 'own');
  l.error({}, 'e');
  assert.deepEqual(got, [['debug', { node: 'n1', a: 1 }, undefined], ['info', { node: 'n1', a: 2 }, 'hello'], ['warn', { node: 'mine' }, 'own'], ['error', { node: 'n1' }, 'e']]);
});

test('withFields works on a pino logger (its methods need their this)', () => {
  const lines: string[] = [];
  const l = withFields(pino({ base: null, timestamp: false }, { write: (s: string) => { lines.push(s); } }), { node: 'n1' });
  l.info({ a: 1 }, 'hello');
  assert.deepEqual(lines.map((s) => JSON.parse(s) as unknown), [{ level: 30, node: 'n1', a: 1, msg: 'hello' }]);
});
