// Worker-thread entry of planInWorker(): plans one node's table and posts it back.
import { parentPort, workerData } from 'node:worker_threads';
import { planNode } from './scenario.ts';
import type { PlanJob } from './scenario.ts';

parentPort?.postMessage(planNode(workerData as PlanJob));
