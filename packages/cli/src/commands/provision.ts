import { readFileSync, statSync } from 'node:fs'
import { createVerifier } from '@marque/credentials'
import { createNodeStatusListFetcher } from '@marque/credentials/node'
import { ed25519PublicKey, encodeMultikey, x25519PublicKey } from '@marque/crypto'
import type { Command } from 'commander'
import type { Context } from '../context.js'
import { CliError, CliErrorCode } from '../errors.js'
import { collect } from '../options.js'
import { provisionBatch } from '../provision/batch.js'
import { type BundleKey, decodeBundle, encodeBundle, MAX_BUNDLE_BYTES } from '../provision/bundle.js'
import { buildBundle, defaultKeyDir, keySources, type ProvisionTools } from '../provision/device.js'
import { refuseExisting, writeFileAtomic } from '../vc/atomic.js'
import { withResolver } from '../vc/resolver.js'
import { credentialArgument, readToken } from '../vc/token.js'

type Run = (action: (ctx: Context) => Promise<void>) => Promise<void>

interface ProvisionOptions {
  did?: string
  out?: string
  input?: string
  outDir?: string
  deviceDir?: string
  keysDir?: string
  key?: string
  keyReference?: string
  agreementKey?: string
  agreementKeyReference?: string
  agreement: boolean
  credential: string[]
  trustAnchor: string[]
  gateway?: string
  force?: boolean
}

function usage(message: string): CliError {
  return new CliError(CliErrorCode.Usage, message, {
    hint: 'use `provision --did <did> --out <file>` for one device, or `provision --input <file.jsonl> --out-dir <dir>`',
  })
}

function tools(ctx: Context, resolver: ProvisionTools['resolver']): ProvisionTools {
  let warned = false
  return {
    resolver,
    verifier: createVerifier({ resolver, fetchStatusList: createNodeStatusListFetcher({ resolver }) }),
    pinned: new Map(),
    warn: (message) => {
      if (!warned) ctx.info(`warning: ${message}`)
      warned = true
    },
  }
}

/** The public description of a bundle key: the public key of an inline secret, or the reference. */
async function describeKey(key: BundleKey | undefined, type: 'Ed25519' | 'X25519') {
  if (key === undefined) return undefined
  if ('reference' in key) return { reference: key.reference }
  const publicKey =
    type === 'Ed25519' ? await ed25519PublicKey(key.secretKey) : await x25519PublicKey(key.secretKey)
  return { inline: true, publicKeyMultibase: encodeMultikey(publicKey, type) }
}

export function registerProvision(program: Command, run: Run): void {
  const provision = program
    .command('provision')
    .description('write provisioning bundles (docs/provisioning.md): one per device, mode 0600')
    .option('--did <did>', 'one device: its DID')
    .option('-o, --out <file>', 'one device: the bundle file to write')
    .option(
      '--device-dir <dir>',
      'one device: its key directory (default <keysDir>/<DID id>, as `did create` makes it)',
    )
    .option('--key <file>', "the device's Ed25519 key file (default device.jwk in its key directory)")
    .option(
      '--key-reference <ref>',
      'instead of a key, a reference to a key in a secure element (e.g. se050:slot/3)',
    )
    .option('--agreement-key <file>', "the device's X25519 key file (default agreement.jwk when present)")
    .option('--agreement-key-reference <ref>', 'a reference to the X25519 key in a secure element')
    .option('--no-agreement', 'no key-agreement key in the bundle')
    .option(
      '--credential <credential>',
      'one device: a credential (compact JWS or a file); repeatable',
      collect,
      [],
    )
    .option(
      '-i, --input <file>',
      'many devices: JSON lines (did, credential or credentials, ...), e.g. from vc issue-batch',
    )
    .option('--out-dir <dir>', 'many devices: where the bundles go, one <DID id>.bundle each')
    .option('--keys-dir <dir>', 'many devices: their key directories are <dir>/<DID id> (default keysDir)')
    .option(
      '--trust-anchor <did>',
      'a further DID the device trusts (repeatable); credential issuers are pinned anyway',
      collect,
      [],
    )
    .option('--gateway <uri>', "where the device connects first (default: its DID's MarqueHandshake service)")
    .option('-f, --force', 'replace existing bundle files')
    .action((opts: ProvisionOptions) =>
      run(async (ctx) => {
        const batch = opts.input !== undefined
        if (batch ? opts.outDir === undefined : opts.did === undefined || opts.out === undefined) {
          throw usage(batch ? '--input needs --out-dir' : 'give --did and --out, or --input and --out-dir')
        }
        if (
          batch &&
          (opts.did !== undefined || opts.out !== undefined || opts.credential.length > 0 || opts.deviceDir)
        ) {
          throw usage('--did, --out, --credential and --device-dir are for one device; --input gives many')
        }
        if (opts.key !== undefined && opts.keyReference !== undefined)
          throw usage('give --key or --key-reference, not both')
        if (opts.agreementKey !== undefined && opts.agreementKeyReference !== undefined) {
          throw usage('give --agreement-key or --agreement-key-reference, not both')
        }
        if (batch) {
          const outDir = ctx.path(opts.outDir!)
          const result = await withResolver(ctx, (resolver) =>
            provisionBatch(ctx, tools(ctx, resolver), {
              input: ctx.path(opts.input!),
              outDir,
              replace: opts.force === true,
              keysDir: opts.keysDir,
              keyReference: opts.keyReference,
              agreementKeyReference: opts.agreementKeyReference,
              agreement: opts.agreement,
              trustAnchors: opts.trustAnchor,
              gateway: opts.gateway,
            }),
          )
          ctx.result(
            result,
            () =>
              `wrote ${result.count.toLocaleString('en-US')} bundle${result.count === 1 ? '' : 's'} to ${result.outDir}`,
          )
          return
        }
        const did = opts.did!
        const out = ctx.path(opts.out!)
        refuseExisting(out, opts.force === true)
        const { signingKey, agreementKey } = keySources(
          ctx.path(opts.deviceDir ?? defaultKeyDir(ctx, did)),
          opts,
        )
        const credentials = opts.credential.map((c) => credentialArgument(ctx, c))
        const bundle = await withResolver(ctx, (resolver) =>
          buildBundle(ctx, tools(ctx, resolver), {
            did,
            signingKey,
            agreementKey,
            credentials,
            trustAnchors: opts.trustAnchor,
            gateway: opts.gateway,
          }),
        )
        const bytes = encodeBundle(bundle)
        writeFileAtomic(out, bytes, { mode: 0o600, replace: opts.force === true })
        ctx.result(
          {
            file: out,
            bytes: bytes.length,
            did,
            credentials: credentials.length,
            trustAnchors: bundle.trustAnchors.length,
          },
          () => `wrote ${out} (${bytes.length} bytes, mode 0600)`,
        )
      }),
    )

  provision
    .command('inspect')
    .description('print the public parts of a bundle (never a secret key)')
    .argument('<bundle>', 'a bundle file')
    .action((file: string) =>
      run(async (ctx) => {
        const path = ctx.path(file)
        let bytes: Uint8Array
        let mode: number
        try {
          const info = statSync(path)
          mode = info.mode
          if (info.size > MAX_BUNDLE_BYTES) {
            throw new CliError(
              CliErrorCode.BadInput,
              `${path} is over ${MAX_BUNDLE_BYTES} bytes: not a bundle`,
            )
          }
          bytes = readFileSync(path)
        } catch (cause) {
          if (cause instanceof CliError) throw cause
          throw (cause as NodeJS.ErrnoException).code === 'ENOENT'
            ? new CliError(CliErrorCode.FileNotFound, `${path} does not exist`, { cause })
            : new CliError(CliErrorCode.FileUnreadable, `cannot read ${path}`, { cause })
        }
        const bundle = decodeBundle(bytes)
        const inline =
          'secretKey' in bundle.signingKey ||
          (bundle.agreementKey !== undefined && 'secretKey' in bundle.agreementKey)
        if (inline && process.platform !== 'win32' && (mode & 0o077) !== 0) {
          ctx.info(
            `warning: ${path} holds secret keys and is accessible by other users: run chmod 600 ${path}`,
          )
        }
        const credentials = bundle.credentials.map((jwt) => {
          try {
            const token = readToken(jwt)
            return { issuer: token.issuer, subject: token.subject, types: token.types, kid: token.header.kid }
          } catch {
            return { malformed: true }
          }
        })
        const data = {
          file: path,
          did: bundle.did,
          network: bundle.network,
          signingKey: await describeKey(bundle.signingKey, 'Ed25519'),
          agreementKey: await describeKey(bundle.agreementKey, 'X25519'),
          credentials,
          trustAnchors: bundle.trustAnchors.map((a) => ({
            did: a.did,
            ...(a.publicKey === undefined
              ? {}
              : { publicKeyMultibase: encodeMultikey(a.publicKey, 'Ed25519') }),
          })),
          gateway: bundle.gateway,
        }
        const key = (k: Awaited<ReturnType<typeof describeKey>>) =>
          k === undefined
            ? 'none'
            : 'reference' in k
              ? `reference ${k.reference}`
              : `inline secret (public ${k.publicKeyMultibase})`
        ctx.result(data, () => [
          `bundle       ${path} (${bytes.length} bytes)`,
          `did          ${data.did}${data.network === undefined ? '' : ` (network ${data.network})`}`,
          `signing key  ${key(data.signingKey)}`,
          `agreement    ${key(data.agreementKey)}`,
          `gateway      ${data.gateway ?? 'none'}`,
          `credentials  ${credentials.length} (not verified here; \`marque vc verify\` checks them)`,
          ...credentials.map((c, i) =>
            'malformed' in c
              ? `  [${i}] malformed`
              : `  [${i}] ${[c.types]
                  .flat()
                  .filter((t) => t !== 'VerifiableCredential')
                  .join(', ')} from ${String(c.issuer)}`,
          ),
          `trust        ${data.trustAnchors.length} anchors`,
          ...data.trustAnchors.map(
            (a) => `  ${a.did}${a.publicKeyMultibase === undefined ? '' : ` pinned ${a.publicKeyMultibase}`}`,
          ),
        ])
      }),
    )
}
