// Entry point of the `floe` command when it runs from dist/src (bin/floe.js imports this module
// after the polyfills for `floe node` and `floe cluster`, and for every command when the bundle in
// dist/cli is not built; the bundle runs program.ts itself, cli-bundle.ts).
import { runProcessCli } from './program.js';

// exitCode instead of process.exit(): let piped stdout drain before the process ends.
process.exitCode = await runProcessCli();
