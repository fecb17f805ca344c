import { MarqueError } from '@marque/crypto'
import { Command, CommanderError } from 'commander'
import { registerDid } from './commands/did.js'
import { registerHandshake } from './commands/handshake.js'
import { registerKeys } from './commands/keys.js'
import { registerLedger } from './commands/ledger.js'
import { registerProvision } from './commands/provision.js'
import { registerServe } from './commands/serve.js'
import { registerVc } from './commands/vc.js'
import { type Context, createContext, type GlobalOptions, type Io } from './context.js'
import { exitCodeOf } from './errors.js'
import { ExitCode } from './exit.js'

/** The `marque` command's version, as `marque --version` prints it. */
export const VERSION = '0.1.0'

/**
 * Runs the `marque` command with `argv` (without the node and script paths) and returns its
 * exit code. Never throws, never calls process.exit: the caller decides.
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let exitCode: number = ExitCode.Ok
  const program = new Command('marque')
    .description('Decentralized identity for connected devices')
    .version(VERSION)
    .option('--json', 'machine-readable output on stdout')
    .option('--debug', 'show stack traces for errors')
    .option('--no-progress', 'no progress bars')
    .option('-c, --config <file>', 'configuration file (default ./marque.config.json, env MARQUE_CONFIG)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .showHelpAfterError('(run with --help for usage)')

  const run = async (action: (ctx: Context) => Promise<void>): Promise<void> => {
    const options = program.opts<GlobalOptions>()
    try {
      await action(createContext(io, options))
    } catch (error) {
      exitCode = exitCodeOf(error)
      reportError(io, error, options)
    }
  }
  registerKeys(program, run)
  registerDid(program, run)
  registerLedger(program, run)
  registerServe(program, run)
  registerVc(program, run)
  registerProvision(program, run)
  registerHandshake(program, run)

  try {
    await program.parseAsync([...argv], { from: 'user' })
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; usage errors were already printed by commander.
      return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage
    }
    reportError(io, error, program.opts<GlobalOptions>())
    return ExitCode.Internal
  }
  return exitCode
}

/** Prints an error: what went wrong and what to do; a stack trace only with --debug. */
export function reportError(io: Io, error: unknown, options: GlobalOptions): void {
  if (options.json) {
    const e = error instanceof MarqueError ? error : undefined
    io.stdout.write(
      `${JSON.stringify({ error: { code: e?.code ?? 'INTERNAL', message: e?.message ?? String(error), hint: e?.hint, details: e?.details } })}\n`,
    )
  } else if (error instanceof MarqueError) {
    io.stderr.write(`error: ${error.message} [${error.code}]\n`)
    if (error.details) io.stderr.write(`  ${error.details}\n`)
    if (error.hint) io.stderr.write(`  hint: ${error.hint}\n`)
  } else {
    io.stderr.write(
      `error: an unexpected error occurred: ${error instanceof Error ? error.message : String(error)}\n`,
    )
    io.stderr.write('  hint: run again with --debug and report the output\n')
  }
  if (options.debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`)
}
