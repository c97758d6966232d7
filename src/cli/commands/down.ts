// `palisade down [--home DIR] [--purge]`: stops the `palisade up` of that home — only the
// process its pidfile names, and only if it is still that process (start time checked):
// SIGTERM, then SIGKILL after --timeout — and then removes everything the lab created
// (namespaces, pod processes), which also cleans up after a crash or kill -9. The
// runtime files go (pidfile, runtime.json, kubeconfig: its token is dead); the store is
// kept so the next `up` has the same objects, unless --purge, which deletes it and the log.
import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { destroyLab } from '../../lab/topology.ts';
import { waitGone } from '../../lab/processes.ts';
import { CliError } from '../cli-error.ts';
import type { CommandContext } from '../command-context.ts';
import { EXIT } from '../exit-codes.ts';
import { palisadeHome } from '../kube/palisade-home.ts';
import { HOME_FILES, liveProcess, readRuntime } from './up-runtime.ts';

interface DownOptions {
  readonly home?: string;
  readonly purge?: boolean;
  readonly timeout: string;
}

export function registerDown(program: Command, ctx: CommandContext): void {
  program.command('down')
    .summary('stop the embedded cluster and remove its lab')
    .description([
      'Stop the "palisade up" of this home (SIGTERM to the process in <home>/palisade.pid, SIGKILL after',
      '--timeout) and remove every network namespace and process its lab created, also after a crash.',
      'The store is kept, so the next "up" has the same objects; --purge deletes it (and the log) too.',
    ].join('\n'))
    .option('--home <dir>', 'state directory (default $PALISADE_HOME, else ~/.palisade)')
    .option('--purge', 'also delete the stored objects and the log')
    .addOption(new Option('--timeout <seconds>', 'how long to wait after SIGTERM before SIGKILL').default('30'))
    .action(async (opts: DownOptions) => {
      const { io } = ctx;
      const home = palisadeHome(opts.home === undefined ? {} : { home: opts.home }, io.env);
      const timeout = Number(opts.timeout);
      if (!/^\d+$/.test(opts.timeout) || timeout > 3600) throw new CliError(`invalid --timeout ${JSON.stringify(opts.timeout)}: want seconds 0..3600`);
      const proc = liveProcess(home);
      const labId = readRuntime(home)?.labId;
      if (proc === undefined) {
        io.stdout.write(`palisade is not running in ${home}\n`);
      } else {
        try { process.kill(proc.pid, 'SIGTERM'); } catch { /* exited meanwhile */ }
        let gone = await waitGone(proc.pid, proc.startTime, timeout * 1000);
        if (!gone) {
          io.stderr.write(`warning: pid ${proc.pid} did not stop within ${timeout} s: sending SIGKILL\n`);
          try { process.kill(proc.pid, 'SIGKILL'); } catch { /* exited meanwhile */ }
          gone = await waitGone(proc.pid, proc.startTime, 5000);
        }
        if (!gone) throw new CliError(`pid ${proc.pid} is still running after SIGKILL`, EXIT.no);
        io.stdout.write(`palisade stopped (pid ${proc.pid})\n`);
      }
      const report = await destroyLab(join(home, HOME_FILES.lab));
      const id = report.id ?? labId;
      if (report.netnsDeleted.length > 0 || report.processesKilled > 0) {
        io.stdout.write(`lab ${id ?? ''} removed (${report.netnsDeleted.length} network namespaces, ${report.processesKilled} processes)\n`);
      }
      for (const f of [HOME_FILES.pid, HOME_FILES.runtime, HOME_FILES.kubeconfig]) rmSync(join(home, f), { force: true });
      if (opts.purge === true) {
        rmSync(join(home, HOME_FILES.store), { recursive: true, force: true });
        rmSync(join(home, HOME_FILES.log), { force: true });
        try {
          if (readdirSync(home).length === 0) rmdirSync(home);
        } catch { /* no home at all */ }
        io.stdout.write(`store deleted (${join(home, HOME_FILES.store)})\n`);
      } else if (existsSync(join(home, HOME_FILES.store))) {
        io.stdout.write(`store kept in ${join(home, HOME_FILES.store)} (delete it with "palisade down --purge")\n`);
      }
      ctx.exitCode = EXIT.ok;
    });
}
