// Worker-thread entry of NftSession: joins the namespace (workerData.netns; null: stays in
// the process's own), opens one libnftables context, says `ready` (or why it cannot), then
// runs each request's buffer in arrival order and posts the result back.
import { parentPort, workerData } from 'node:worker_threads';
import type { SessionReply, SessionRequest, SessionStart } from './nft-session.ts';

const port = parentPort;
if (port === null) throw new Error('nft-session-worker.ts runs only as a worker thread');
const { netns } = workerData as SessionStart;
try {
  const { enterNetns, openContext } = await import('./libnftables.ts');
  if (netns !== null) enterNetns(netns);
  const ctx = openContext();
  port.on('message', (m: SessionRequest) => {
    let reply: SessionReply;
    try {
      reply = { id: m.id, ...ctx.run(m.text, m.json) };
    } catch (e) {
      reply = { id: m.id, rc: -1, out: '', err: e instanceof Error ? e.message : String(e) };
    }
    port.postMessage(reply);
  });
  port.postMessage({ ready: true });
} catch (e) {
  port.postMessage({ ready: false, error: e instanceof Error ? e.message : String(e) });
}
