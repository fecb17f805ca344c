import { closeSync, createReadStream, openSync } from 'node:fs'
import { extname } from 'node:path'
import { createInterface } from 'node:readline'
import { MarqueError } from '@marque/crypto'
import { CsvError, parse } from 'csv-parse'
import { CliError, CliErrorCode } from '../errors.js'

/** The input formats of the batch commands: CSV with a header row (RFC 4180), or JSON lines. */
export type RowFormat = 'csv' | 'jsonl'

/** One record of a batch input, with where it came from for error messages. */
export interface InputRow {
  /** 1-based record number (the CSV header is not a record). */
  row: number
  /** The line the record ends on (undefined when not tracked: see {@link readRows}). */
  line: number | undefined
  fields: Record<string, unknown>
}

/** The longest record accepted, in bytes: a bound on memory whatever the file holds. */
export const MAX_RECORD_BYTES = 64 * 1024

/**
 * The format of an input file: `--format` when given, else its extension (`.csv`;
 * `.jsonl`, `.ndjson` or `.json`).
 * @throws CliError `CLI_USAGE` when neither says.
 */
export function rowFormatOf(path: string, explicit: string | undefined): RowFormat {
  const name = (explicit ?? extname(path).slice(1)).toLowerCase()
  if (name === 'csv') return 'csv'
  if (name === 'jsonl' || name === 'ndjson' || name === 'json') return 'jsonl'
  throw new CliError(CliErrorCode.Usage, `cannot tell the format of ${path}`, {
    hint: 'name the file .csv or .jsonl, or pass --format csv|jsonl',
  })
}

/** Where a problem is: `row N (line L)`, `row N` or `line L`. */
function place(where: { row?: number; line?: number | undefined }): string {
  if (where.row === undefined) return `line ${where.line}`
  return where.line === undefined ? `row ${where.row}` : `row ${where.row} (line ${where.line})`
}

/** `row N (line L): problem`, the prefix every input error has. */
export function rowError(
  where: { row?: number; line?: number | undefined },
  problem: string,
  cause?: unknown,
): CliError {
  const at = place(where)
  return new CliError(CliErrorCode.BadInput, `${at}: ${problem}`, {
    ...(cause === undefined ? {} : { cause }),
    hint: 'fix the input file and run the command again: nothing was written',
  })
}

/**
 * The same error said of a row: the message is prefixed with where it happened, and the
 * code (so the exit code) is kept.
 */
export function atRow(where: { row?: number; line?: number | undefined }, error: unknown): unknown {
  if (!(error instanceof MarqueError)) return error
  const at = place(where)
  const options = {
    cause: error,
    ...(error.details === undefined ? {} : { details: error.details }),
    ...(error.hint === undefined ? {} : { hint: error.hint }),
  }
  return error instanceof CliError
    ? new CliError(error.code, `${at}: ${error.message}`, options)
    : new MarqueError(error.code, `${at}: ${error.message}`, options)
}

function openError(path: string, cause: unknown): CliError {
  return (cause as NodeJS.ErrnoException).code === 'ENOENT'
    ? new CliError(CliErrorCode.FileNotFound, `${path} does not exist`, { cause })
    : new CliError(CliErrorCode.FileUnreadable, `cannot read ${path}`, { cause })
}

async function* csvRows(path: string, lines: boolean): AsyncGenerator<InputRow> {
  const source = createReadStream(path)
  const parser = source.pipe(
    parse({
      bom: true,
      // Header names are matched without regard to case or surrounding spaces.
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      // Line numbers cost a fifth of the parsing: kept for the pass that reports errors.
      info: lines,
      max_record_size: MAX_RECORD_BYTES,
    }),
  )
  // pipe() does not pass on the source's errors: the parser must end with them.
  source.on('error', (error) => parser.destroy(error))
  let row = 0
  try {
    for await (const item of parser as AsyncIterable<
      Record<string, string> | { record: Record<string, string>; info: { lines: number } }
    >) {
      if (lines) {
        const { record, info } = item as { record: Record<string, string>; info: { lines: number } }
        yield { row: ++row, line: info.lines, fields: record }
      } else yield { row: ++row, line: undefined, fields: item as Record<string, string> }
    }
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines ?? 0
      throw rowError({ line }, error.message.replace(/ on line \d+$/, ''), error)
    }
    throw openError(path, error)
  } finally {
    parser.destroy()
    source.destroy()
  }
}

async function* jsonRows(path: string): AsyncGenerator<InputRow> {
  const stream = createReadStream(path, { encoding: 'utf8' })
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })
  let line = 0
  let row = 0
  try {
    for await (const text of lines) {
      line++
      if (text.trim() === '') continue
      if (text.length > MAX_RECORD_BYTES)
        throw rowError({ line }, `the line is longer than ${MAX_RECORD_BYTES} bytes`)
      let fields: unknown
      try {
        fields = JSON.parse(line === 1 ? text.replace(/^\uFEFF/, '') : text)
      } catch (cause) {
        throw rowError({ line }, 'not valid JSON', cause)
      }
      if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
        throw rowError({ line }, 'each line must be a JSON object')
      }
      yield { row: ++row, line, fields: fields as Record<string, unknown> }
    }
  } catch (error) {
    if (error instanceof CliError) throw error
    throw openError(path, error)
  } finally {
    lines.close()
    stream.destroy()
  }
}

/**
 * Streams the records of a batch input file, one at a time, so memory stays bounded
 * whatever its size. With `lines: false`, CSV records carry no line number (faster).
 * @throws CliError `CLI_BAD_INPUT` naming the line of the first malformed record;
 *   `CLI_FILE_NOT_FOUND`, `CLI_FILE_UNREADABLE`.
 */
export function readRows(
  path: string,
  format: RowFormat,
  options: { lines?: boolean } = {},
): AsyncGenerator<InputRow> {
  // Opened once here, so that a missing or unreadable file is reported before any stream starts.
  try {
    closeSync(openSync(path, 'r'))
  } catch (cause) {
    throw openError(path, cause)
  }
  return format === 'csv' ? csvRows(path, options.lines ?? true) : jsonRows(path)
}

/** The line a record ends on, found by reading the file again (for an error found without line numbers). */
export async function lineOfRow(path: string, format: RowFormat, row: number): Promise<number | undefined> {
  for await (const record of readRows(path, format)) if (record.row === row) return record.line
  return undefined
}
