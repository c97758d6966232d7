// Cases from k8s.io/apimachinery/pkg/util/duration/duration_test.go TestHumanDuration.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { humanDuration } from './human-duration.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

const CASES: ReadonlyArray<readonly [string, number, string]> = [
  ['skew of one second is now', -1 * S, '0s'],
  ['more skew is invalid', -2 * S, '<invalid>'],
  ['seconds', 1 * S, '1s'],
  ['up to two minutes in seconds', 119 * S, '119s'],
  ['two minutes', 2 * M, '2m'],
  ['minutes and seconds under ten minutes', 9 * M + 59 * S, '9m59s'],
  ['ten minutes drops seconds', 10 * M + 30 * S, '10m'],
  ['under three hours in minutes', 179 * M, '179m'],
  ['three hours', 3 * H, '3h'],
  ['hours and minutes', 7 * H + 59 * M, '7h59m'],
  ['eight hours drops minutes', 8 * H + 30 * M, '8h'],
  ['under two days in hours', 47 * H, '47h'],
  ['two days', 48 * H, '2d'],
  ['days and hours', 7 * D + 23 * H, '7d23h'],
  ['eight days', 8 * D, '8d'],
  ['under two years in days', 729 * D, '729d'],
  ['two years', 730 * D, '2y'],
  ['years and days', 3 * 365 * D + 10 * D, '3y10d'],
  ['eight years', 8 * 365 * D + 10 * D, '8y'],
];

for (const [name, ms, want] of CASES) {
  test(`humanDuration: ${name}`, () => assert.equal(humanDuration(ms), want));
}
