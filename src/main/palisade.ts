// Process entry: wires the concrete parts together and hands argv to the CLI.
import { runCli } from '../cli/run-cli.ts';
import { CLI_WIRING } from './cli-wiring.ts';

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }, CLI_WIRING);
