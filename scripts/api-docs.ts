// The API reference, generated from the sources' doc comments with TypeDoc: one module per
// public entry point of each library package, named as it is imported (`@marque/ledger/sqlite`).
// The entry points are read from the packages' `exports` maps (the `@marque/source`
// condition), so a new entry point is documented without touching this file. Every TypeDoc
// warning fails the build.
//
//   pnpm docs:api            writes docs/api/ (open docs/api/index.html)
//   pnpm docs:api --out DIR  writes DIR instead
import { readdirSync, readFileSync } from 'node:fs'
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import {
  Application,
  Comment,
  Converter,
  DeclarationReflection,
  type ProjectReflection,
  ReflectionKind,
} from 'typedoc'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

export interface EntryPoint {
  /** How it is imported, e.g. `@marque/ledger/sqlite`; a platform in parentheses when it has several. */
  name: string
  /** Its source file, absolute. */
  file: string
}

interface PackageJson {
  name: string
  private?: boolean
  exports?: Record<string, { '@marque/source'?: string | Record<string, string> }>
}

// The conditions under `@marque/source` name platforms: `node`, and `default` for the rest
// (browsers and devices).
const PLATFORM: Record<string, string> = { node: 'Node.js', default: 'browsers and devices' }

/** Every public entry point of the library packages (not private ones such as bench). */
export function entryPoints(): EntryPoint[] {
  const found: EntryPoint[] = []
  for (const dir of readdirSync(join(root, 'packages')).sort()) {
    let manifest: PackageJson
    try {
      manifest = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as PackageJson
    } catch {
      continue
    }
    if (manifest.private === true) continue
    for (const [subpath, conditions] of Object.entries(manifest.exports ?? {})) {
      const name = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`
      const source = conditions['@marque/source']
      if (source === undefined) throw new Error(`${name} has no @marque/source condition`)
      const files = typeof source === 'string' ? { '': source } : source
      for (const [condition, file] of Object.entries(files)) {
        const platform = condition === '' ? '' : ` (${PLATFORM[condition] ?? condition})`
        found.push({ name: `${name}${platform}`, file: join(root, 'packages', dir, file) })
      }
    }
  }
  return found
}

/**
 * The leading `//` comment of an entry file: what the entry point holds, said once in the
 * source and reused as the module's summary. Notes for the project's own reviewers (the
 * sentence on the tested list of exports) are left out.
 */
function headerOf(file: string): string {
  const lines: string[] = []
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.startsWith('//')) break
    lines.push(line.replace(/^\/\/ ?/, ''))
  }
  const text = lines
    .join(' ')
    .replace(/\s*Explicit exports[^.]*\./g, '')
    // The module's own name, which the header starts with, is the page's title already.
    .replace(/^@marque\/[\w/-]+(\s*\([^)]*\))?:\s*/, '')
    .trim()
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** Names a module as its entry point is imported, and gives it its file's header as summary. */
function nameModule(
  module: DeclarationReflection,
  file: string | undefined,
  points: ReadonlyMap<string, EntryPoint>,
) {
  const point = file === undefined ? undefined : points.get(resolve(file))
  if (point === undefined) throw new Error(`no entry point for the module ${module.name} (${file})`)
  module.name = point.name
  const header = headerOf(point.file)
  if (module.comment === undefined && header !== '')
    module.comment = new Comment([{ kind: 'text', text: header }])
}

// Reflections that are parts of another one's documentation, not members of their own.
const PARTS =
  ReflectionKind.Project |
  ReflectionKind.Module |
  ReflectionKind.TypeLiteral |
  ReflectionKind.Parameter |
  ReflectionKind.TypeParameter |
  ReflectionKind.CallSignature |
  ReflectionKind.ConstructorSignature |
  ReflectionKind.GetSignature |
  ReflectionKind.SetSignature |
  ReflectionKind.IndexSignature |
  ReflectionKind.Reference

/**
 * Every exported member without a doc comment, as `name (file:line)`: each one must say what
 * it is. Generated files (the contract artifacts under `artifacts/`) are exempt.
 */
export function undocumented(project: ProjectReflection): string[] {
  const missing: string[] = []
  for (const reflection of Object.values(project.reflections)) {
    if (reflection.kindOf(PARTS) || !(reflection instanceof DeclarationReflection)) continue
    const documented =
      reflection.hasComment() ||
      reflection.signatures?.some((s) => s.hasComment()) === true ||
      reflection.getSignature?.hasComment() === true
    if (documented) continue
    const source = reflection.sources?.[0] ?? reflection.signatures?.[0]?.sources?.[0]
    if (source?.fullFileName.includes('/artifacts/') === true) continue
    missing.push(
      `${reflection.getFullName()} (${source === undefined ? '?' : `${source.fileName}:${source.line}`})`,
    )
  }
  return missing.sort()
}

/**
 * Builds the reference into `out`.
 * @throws Error when TypeDoc reports an error or a warning (missing or broken doc links,
 *   exported types that reference unexported ones, malformed tags), or an exported member
 *   has no doc comment.
 */
export async function buildApiDocs(out: string): Promise<{ modules: string[] }> {
  const points = entryPoints()
  const app = await Application.bootstrapWithPlugins({
    name: 'Marque',
    entryPoints: points.map((p) => p.file),
    entryPointStrategy: 'resolve',
    tsconfig: join(root, 'tsconfig.json'),
    readme: 'none',
    // `pnpm typecheck` checks the code; this build only reads it.
    skipErrorChecking: true,
    excludeExternals: true,
    excludePrivate: true,
    excludeInternal: true,
    // Source links point into the working copy (each page is one folder below docs/api/), not
    // at a hosted commit, so the output depends on the code alone.
    disableGit: true,
    displayBasePath: root,
    sourceLinkTemplate: '../../../{path}#L{line}',
    hideGenerator: true,
    treatWarningsAsErrors: true,
    validation: { notExported: true, invalidLink: true, rewrittenLink: true, notDocumented: false },
    logLevel: 'Warn',
  })
  const byFile = new Map(points.map((p) => [resolve(p.file), p]))
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.kindOf(ReflectionKind.Module)) return
    const file = context.getSymbolFromReflection(reflection)?.declarations?.[0]?.getSourceFile().fileName
    nameModule(reflection, file, byFile)
  })
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) =>
    context.project.children?.sort((a, b) => a.name.localeCompare(b.name)),
  )
  const project = await app.convert()
  const fail = (stage: string) =>
    new Error(
      `the API reference did not build (${stage}): ${app.logger.errorCount} errors, ${app.logger.warningCount} warnings above`,
    )
  if (project === undefined || app.logger.hasErrors() || app.logger.hasWarnings()) throw fail('conversion')
  app.validate(project)
  if (app.logger.hasErrors() || app.logger.hasWarnings()) throw fail('validation')
  const missing = undocumented(project)
  if (missing.length > 0) {
    throw new Error(
      `the API reference did not build: ${missing.length} exported members have no doc comment:\n  ${missing.join('\n  ')}`,
    )
  }
  await app.generateDocs(project, out)
  if (app.logger.hasErrors() || app.logger.hasWarnings()) throw fail('rendering')
  return { modules: project.getChildrenByKind(ReflectionKind.Module).map((m) => m.name) }
}

if (basename(process.argv[1] ?? '') === basename(fileURLToPath(import.meta.url))) {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: { out: { type: 'string', default: join(root, 'docs', 'api') } },
  })
  const out = resolve(values.out)
  try {
    const { modules } = await buildApiDocs(out)
    const shown = relative(process.cwd(), out)
    const where = shown === '' ? '.' : shown.startsWith('..') || isAbsolute(shown) ? out : shown
    console.log(`API reference: ${modules.length} entry points written to ${where}/`)
  } catch (error) {
    console.error((error as Error).message)
    process.exitCode = 1
  }
}
