// Every conformance case, upstream scenarios first. Names are unique (checked in cases.test.ts).
import type { ConformanceCase } from '../case.ts';
import { detailCases } from './details.ts';
import { upstreamNetpolCases } from './upstream-netpol.ts';
import { cnpCases } from './cnp.ts';
import { ciliumCases } from './cilium.ts';
import { calicoCases } from './calico.ts';
import { mixedCases } from './mixed.ts';

export const ALL_CASES: readonly ConformanceCase[] = [...upstreamNetpolCases, ...detailCases, ...cnpCases, ...ciliumCases, ...calicoCases, ...mixedCases];
