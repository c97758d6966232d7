// Entry point of the lab's agnhost: `node agnhost.ts SUBCOMMAND [flags]`, run inside a
// pod's network namespace. Subcommands as agnhost's: connect, serve-hostname, netexec;
// plus serve-ports, the lab's default pod server.

const USAGE = 'Usage:\n  agnhost [command]\n\nAvailable Commands:\n  connect\n  netexec\n  serve-hostname\n  serve-ports\n';

async function main(argv: readonly string[]): Promise<void> {
  const [sub, ...args] = argv;
  switch (sub) {
    case 'connect': {
      const { connectMain } = await import('./connect.ts');
      process.exitCode = await connectMain(args);
      return;
    }
    case 'serve-hostname': {
      const { serveHostnameMain } = await import('./serve-hostname.ts');
      return serveHostnameMain(args);
    }
    case 'netexec': {
      const { netexecMain } = await import('./netexec.ts');
      return netexecMain(args);
    }
    case 'serve-ports': {
      const { servePortsMain } = await import('./serve-ports.ts');
      return servePortsMain(args);
    }
    case undefined:
      process.stdout.write(USAGE);
      return;
    default:
      process.stderr.write(`Error: unknown command ${JSON.stringify(sub)} for "agnhost"\nRun 'agnhost --help' for usage.\n`);
      process.exitCode = 1;
  }
}

await main(process.argv.slice(2));
