import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { CliError, CliErrorCode } from './errors.js'

/** Where the command reads and writes: injectable so tests run it in-process. */
export interface Io {
  /** Where results go; with `--json`, events and errors too (`process.stdout` for the command). */
  stdout: {
    /** Writes `text` as it is; callers end their lines with `\n`. */
    write(text: string): unknown
    /** True when it is a terminal. Not read: only stderr's decides on progress bars. */
    isTTY?: boolean
  }
  /** Where progress bars, information and, without `--json`, events and errors go (`process.stderr`). */
  stderr: {
    /** Writes `text` as it is; callers end their lines with `\n`. */
    write(text: string): unknown
    /** True when it is a terminal: progress bars are drawn only then. */
    isTTY?: boolean
  }
  /** The environment, read for `MARQUE_*` variables (`process.env` for the command). */
  env: Record<string, string | undefined>
  /** The working directory, against which relative paths (options, configuration) are resolved. */
  cwd: string
  /** Aborted when the process is asked to stop (SIGINT, SIGTERM); long-running commands end then. */
  signal?: AbortSignal
}

/** The configuration file (`marque.config.json`), every member optional. */
export interface Config {
  /** The embedded SQLite ledger file. Env: `MARQUE_LEDGER`. Default `./marque.db`. */
  ledger: string
  /** The network this ledger anchors. Env: `MARQUE_NETWORK`. Default `default`. */
  network: string
  /** Where key files are written by default. Env: `MARQUE_KEYS_DIR`. Default `./keys`. */
  keysDir: string
  /** The issuer DID of the `vc` commands (`--issuer`). Env: `MARQUE_ISSUER`. No default. */
  issuer?: string
  /** The issuer's Ed25519 key file (`--key`). Env: `MARQUE_ISSUER_KEY`. No default. */
  issuerKey?: string
  /** The issuer's status registry state file. Env: `MARQUE_STATUS_REGISTRY`. Default `./status-registry.json`. */
  statusRegistry: string
  /** Whether `vc issue` and `vc issue-batch` give each credential a status slot: `on` or `off`. Env: `MARQUE_STATUS`. Default `off`. */
  status: 'on' | 'off'
  /** The did:marque network anchored on an EVM chain, e.g. `sepolia`. Env: `MARQUE_EVM_NETWORK`. None by default. */
  evmNetwork?: string
  /** The chain's RPC endpoint (http or https). Env: `MARQUE_EVM_RPC_URL`. */
  evmRpcUrl?: string
  /** The MarqueRegistry contract's address. Env: `MARQUE_EVM_REGISTRY`. */
  evmRegistry?: string
}

/** The configuration's defaults, for the keys that have one; paths are relative to the working directory. */
export const DEFAULT_CONFIG: Config = {
  ledger: 'marque.db',
  network: 'default',
  keysDir: 'keys',
  statusRegistry: 'status-registry.json',
  status: 'off',
}

/** The options every command takes. */
export interface GlobalOptions {
  /** `--json`: results as JSON on stdout, events as JSON lines, errors as `{"error": …}` on stdout. */
  json?: boolean
  /** `--debug`: an error's stack trace is printed on stderr too. */
  debug?: boolean
  /**
   * `-c, --config <file>`: the configuration file, relative to the working directory. Without
   * it, `MARQUE_CONFIG`, else `marque.config.json` when it exists.
   */
  config?: string
  /** False with `--no-progress`: no progress bars. `undefined` counts as true. */
  progress?: boolean
}

/** What a command runs with: its I/O, the global options, the configuration, and output helpers. */
export interface Context {
  /** Where the command reads and writes. */
  io: Io
  /** The global options given on the command line. */
  options: GlobalOptions
  /** The configuration as {@link loadConfig} loads it: defaults, then the file, then the environment. */
  config: Config
  /** Resolves a path against the working directory. */
  path(p: string): string
  /** Prints a result: JSON with --json, else the human lines. */
  result(data: unknown, human: () => string | string[]): void
  /** A line of progress or information on stderr (not with --json). */
  info(line: string): void
  /** An event of a long-running command: a JSON line on stdout with --json, else a line on stderr. */
  event(data: Record<string, unknown>, human: string): void
}

/** Every configuration key and the environment variable that overrides it. */
export const CONFIG_ENV: Readonly<Record<keyof Config, string>> = {
  ledger: 'MARQUE_LEDGER',
  network: 'MARQUE_NETWORK',
  keysDir: 'MARQUE_KEYS_DIR',
  issuer: 'MARQUE_ISSUER',
  issuerKey: 'MARQUE_ISSUER_KEY',
  statusRegistry: 'MARQUE_STATUS_REGISTRY',
  status: 'MARQUE_STATUS',
  evmNetwork: 'MARQUE_EVM_NETWORK',
  evmRpcUrl: 'MARQUE_EVM_RPC_URL',
  evmRegistry: 'MARQUE_EVM_REGISTRY',
}

/**
 * Loads the configuration: defaults, then the file (`--config`, `MARQUE_CONFIG`, or
 * `marque.config.json` in the working directory when present), then environment variables.
 * Command-line flags override all three where a command offers them.
 * @throws CliError `CLI_CONFIG` for an unreadable or malformed file or a bad value.
 */
export function loadConfig(io: Io, explicitPath?: string): Config {
  const config: Config = { ...DEFAULT_CONFIG }
  const named = explicitPath ?? io.env.MARQUE_CONFIG
  const path = resolve(io.cwd, named ?? 'marque.config.json')
  if (named !== undefined || existsSync(path)) {
    let parsed: unknown
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'))
    } catch (cause) {
      throw new CliError(CliErrorCode.Config, `cannot read the configuration file ${path}`, {
        cause,
        hint: 'check that the file exists and is valid JSON',
      })
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new CliError(CliErrorCode.Config, `the configuration file ${path} must hold a JSON object`)
    }
    for (const [key, value] of Object.entries(parsed)) {
      if (!Object.hasOwn(CONFIG_ENV, key)) {
        throw new CliError(CliErrorCode.Config, `unknown configuration key "${key}" in ${path}`, {
          hint: `known keys: ${Object.keys(CONFIG_ENV).join(', ')}`,
        })
      }
      if (typeof value !== 'string' || value.length === 0) {
        throw new CliError(CliErrorCode.Config, `configuration key "${key}" must be a non-empty string`)
      }
      ;(config as unknown as Record<string, string>)[key] = value
    }
  }
  for (const [key, name] of Object.entries(CONFIG_ENV)) {
    const value = io.env[name]
    if (value !== undefined && value !== '') (config as unknown as Record<string, string>)[key] = value
  }
  if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(config.network)) {
    throw new CliError(CliErrorCode.Config, `the network name "${config.network}" is not valid`, {
      hint: 'use 1 to 32 lower-case letters, digits or dashes',
    })
  }
  const evm = [config.evmNetwork, config.evmRpcUrl, config.evmRegistry]
  if (evm.some((v) => v !== undefined) && evm.some((v) => v === undefined)) {
    throw new CliError(
      CliErrorCode.Config,
      'an EVM network needs evmNetwork, evmRpcUrl and evmRegistry together',
      {
        hint: 'set all three (MARQUE_EVM_NETWORK, MARQUE_EVM_RPC_URL, MARQUE_EVM_REGISTRY) or none',
      },
    )
  }
  if (config.evmNetwork !== undefined) {
    if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(config.evmNetwork) || config.evmNetwork === config.network) {
      throw new CliError(CliErrorCode.Config, `the EVM network name "${config.evmNetwork}" is not valid`, {
        hint: "use 1 to 32 lower-case letters, digits or dashes, other than the embedded ledger's network",
      })
    }
    if (!/^0x[0-9a-fA-F]{40}$/.test(config.evmRegistry ?? '')) {
      throw new CliError(CliErrorCode.Config, 'evmRegistry must be a contract address (0x and 40 hex digits)')
    }
  }
  if (config.status !== 'on' && config.status !== 'off') {
    throw new CliError(CliErrorCode.Config, `status must be "on" or "off", not "${config.status}"`, {
      hint: 'fix the configuration key "status" or MARQUE_STATUS',
    })
  }
  return config
}

export function createContext(io: Io, options: GlobalOptions): Context {
  const config = loadConfig(io, options.config)
  return {
    io,
    options,
    config,
    path: (p) => resolve(io.cwd, p),
    result(data, human) {
      if (options.json) {
        io.stdout.write(`${JSON.stringify(data, jsonReplacer, 2)}\n`)
        return
      }
      const lines = human()
      io.stdout.write(`${Array.isArray(lines) ? lines.join('\n') : lines}\n`)
    },
    info(line) {
      if (!options.json) io.stderr.write(`${line}\n`)
    },
    event(data, human) {
      if (options.json) io.stdout.write(`${JSON.stringify(data, jsonReplacer)}\n`)
      else io.stderr.write(`${human}\n`)
    },
  }
}

/** JSON for bytes and bigints: bytes as hex, bigints as decimal strings. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex')
  if (typeof value === 'bigint') return value.toString()
  return value
}
