// The pressure sampler's parsers on the kernel's text formats (Documentation/accounting/psi.rst, proc(5)).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPressure, meminfoKb, pressureDelta, psiSomeTotal, samplePressure, stealTicks } from './host-pressure.ts';

test('psiSomeTotal reads the "some" line, not "full"', () => {
  const text = 'some avg10=0.17 avg60=0.32 avg300=0.13 total=526853411\nfull avg10=0.17 avg60=0.30 avg300=0.12 total=446925445\n';
  assert.equal(psiSomeTotal(text), 526853411);
  assert.equal(psiSomeTotal('garbage'), undefined);
});

test('stealTicks reads the 8th value of the aggregate cpu line', () => {
  const stat = 'cpu  3965275 0 1770051 6700757 59417 0 451684 14503 0 0\ncpu0 1 2 3 4 5 6 7 99 0 0\n';
  assert.equal(stealTicks(stat), 14503);
});

test('meminfoKb reads one field exactly (Writeback, not WritebackTmp)', () => {
  const meminfo = 'Dirty:                44 kB\nWritebackTmp:          7 kB\nWriteback:             3 kB\n';
  assert.equal(meminfoKb(meminfo, 'Dirty'), 44);
  assert.equal(meminfoKb(meminfo, 'Writeback'), 3);
});

test('pressureDelta is in ms and keeps the start state of the page cache', () => {
  const a = { cpuSomeUs: 1000, ioSomeUs: 0, memSomeUs: 0, stealTicks: 5, dirtyKb: 2048, writebackKb: 0 };
  const b = { cpuSomeUs: 4000, ioSomeUs: 612_000, memSomeUs: 0, stealTicks: 7, dirtyKb: 10, writebackKb: 1 };
  const d = pressureDelta(a, b);
  assert.deepEqual(d, { cpuMs: 3, ioMs: 612, memMs: 0, stealMs: 20, dirtyKb: 2048, writebackKb: 0 });
  assert.equal(formatPressure(d), 'io stall 612 ms, cpu stall 3 ms, steal 20 ms, 2.0 MB dirty, 0.0 MB under writeback');
});

test('samplePressure reads this machine (steal and meminfo at least)', () => {
  const s = samplePressure();
  assert.ok(Number.isFinite(s.stealTicks) && s.dirtyKb >= 0);
});
