// @marque/cli: the `marque` command, usable in-process (`main`) for tests and tools.
export {
  CONFIG_ENV,
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
export type { BundleKey, ProvisioningBundle, TrustAnchor } from './provision/bundle.js'
export {
  BundleError,
  BundleErrorCode,
  decodeBundle,
  encodeBundle,
  MAX_BUNDLE_BYTES,
} from './provision/bundle.js'
export type { LoadTestParameters, LoadTestResult } from './serve/load.js'
export { loadTest } from './serve/load.js'
export { percentile } from './serve/percentile.js'
export type { ResolverService, ResolverServiceParameters, SubmitOptions } from './serve/server.js'
export { createResolverService } from './serve/server.js'
export type { IssuedLine } from './vc/batch.js'
export type { StatusRegistryFile } from './vc/registry.js'
