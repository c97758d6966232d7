// Worker-thread entry of startAgentHost() (agent-host.ts): the agent drives the node's
// real table through a persistent nft session, as a lab node's agent does.
import { parentPort, workerData } from 'node:worker_threads';
import { sessionNodeTable } from '../../src/agent/node-table.ts';
import { serveAgentHost } from './agent-host.ts';
import type { AgentHostJob } from './agent-host.ts';

if (parentPort === null) throw new Error('agent-host-worker.ts runs only as a worker thread');
void serveAgentHost(workerData as AgentHostJob, parentPort, (netns) => sessionNodeTable(netns));
