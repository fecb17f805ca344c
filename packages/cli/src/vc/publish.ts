import { join } from 'node:path'
import { type PublishedStatusLists, publishStatusList } from '@marque/credentials'
import { publishStatusListFile } from '@marque/credentials/node'
import type { Resolvable } from 'did-resolver'
import type { Context } from '../context.js'
import { writeFileAtomic } from './atomic.js'
import type { OpenRegistry } from './registry.js'

export interface PublishOptions {
  /** Write the lists into this directory instead of publishing them at their URLs. */
  outDir?: string
  /** Seconds the lists stay valid (`validUntil`); verifiers refuse them afterwards. */
  validFor?: number
  /** `ttl` of the lists in milliseconds: how long verifiers may cache them. */
  ttl?: number
}

export interface PublishedList {
  purpose: 'revocation' | 'suspension'
  url: string
  /** Where it went: the file written, or the URL it was sent to. */
  target: string
}

/**
 * Signs the registry's current lists and publishes each one: a `file:` URL is written
 * atomically, an `https:` URL (or a DID service URL) receives an HTTP PUT with
 * `authorization: Bearer $MARQUE_STATUS_TOKEN` when that is set. With `outDir`, the lists
 * are written there as `revocation-list.jwt` and `suspension-list.jwt` for upload by other
 * means.
 * @throws CredentialError `STATUS_PUBLISH_FAILED`; CliError for an `outDir` that cannot be written.
 */
export async function publishLists(
  ctx: Context,
  open: OpenRegistry,
  resolver: Resolvable,
  options: PublishOptions,
): Promise<PublishedList[]> {
  const signed = await open.registry.publish({
    ...(options.validFor === undefined
      ? {}
      : { validUntil: Math.floor(Date.now() / 1000) + options.validFor }),
    ...(options.ttl === undefined ? {} : { ttl: options.ttl }),
  })
  const lists: [PublishedList['purpose'], PublishedStatusLists['revocation'] | undefined][] = [
    ['revocation', signed.revocation],
    ['suspension', signed.suspension],
  ]
  const token = ctx.io.env.MARQUE_STATUS_TOKEN
  const published: PublishedList[] = []
  for (const [purpose, list] of lists) {
    if (list === undefined) continue
    let target: string
    if (options.outDir !== undefined) {
      target = join(ctx.path(options.outDir), `${purpose}-list.jwt`)
      writeFileAtomic(target, `${list.credential}\n`, { mode: 0o644, replace: true })
    } else if (list.url.startsWith('file:')) {
      await publishStatusListFile(list)
      target = list.url
    } else {
      await publishStatusList({
        ...list,
        resolver,
        ...(token === undefined || token === '' ? {} : { headers: { authorization: `Bearer ${token}` } }),
      })
      target = list.url
    }
    published.push({ purpose, url: list.url, target })
  }
  return published
}
