// @marque/cli: the `marque` command, usable in-process (`main`) for tests and tools.
export {
  type Config,
  type Context,
  DEFAULT_CONFIG,
  type GlobalOptions,
  type Io,
  loadConfig,
} from './context.js'
export { CliError, CliErrorCode, exitCodeOf } from './errors.js'
export { ExitCode } from './exit.js'
export { main, reportError, VERSION } from './program.js'
