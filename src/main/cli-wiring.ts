// The concrete parts the CLI runs with: the kind handlers of src/api, built for the engine
// settings a command's flags ask for (Cilium's policy-cidr-match-mode, ...).
import { handlerTable, kindHandlers } from '../api/handlers.ts';
import type { CliWiring } from '../cli/run-cli.ts';

export const CLI_WIRING: CliWiring = {
  handlers: (options) => handlerTable(kindHandlers(options)),
};
