import { HandshakeError, HandshakeErrorCode } from './errors.js'
import type { Config } from './options.js'

/**
 * Wraps one handshake step so that it can be called once only, fails with
 * `HANDSHAKE_TIMEOUT` once its deadline has passed (checked before and after its awaits),
 * throws only `HandshakeError`s, and logs the specific reason for a failure locally.
 */
export function step<A, R>(
  config: Config,
  name: string,
  deadline: number | undefined,
  run: (argument: A, deadline: number) => Promise<R>,
): (argument: A) => Promise<R> {
  let used = false
  return async (argument: A) => {
    if (used) {
      throw new HandshakeError(
        HandshakeErrorCode.UnexpectedMessage,
        `${name} was already called for this handshake`,
        {
          hint: 'each step takes one message; start a new handshake',
        },
      )
    }
    used = true
    const due = deadline ?? config.now() + config.stepTimeoutMs
    try {
      checkDeadline(config, due, name)
      const result = await run(argument, due)
      checkDeadline(config, due, name)
      return result
    } catch (error) {
      const failure = asHandshakeError(error)
      config.logger.warn('handshake failed', {
        step: name,
        code: failure.code,
        reason: failure.message,
        details: failure.details,
        own: config.own.did,
      })
      throw failure
    }
  }
}

/** Throws `HANDSHAKE_TIMEOUT` if the clock is past `deadline`. */
export function checkDeadline(config: Config, deadline: number, name: string): void {
  const now = config.now()
  if (now > deadline) {
    throw new HandshakeError(HandshakeErrorCode.Timeout, `${name} did not complete in time`, {
      details: `${now - deadline + config.stepTimeoutMs} ms against a limit of ${config.stepTimeoutMs} ms`,
      hint: 'the peer, the resolver or the credential policy is too slow; raise stepTimeoutMs if this is expected',
    })
  }
}

/** Any error as a HandshakeError (typed errors from lower layers keep their meaning as the cause). */
export function asHandshakeError(error: unknown): HandshakeError {
  if (error instanceof HandshakeError) return error
  return new HandshakeError(HandshakeErrorCode.Internal, 'the handshake failed unexpectedly', {
    cause: error,
  })
}
