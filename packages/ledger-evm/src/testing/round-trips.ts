// Counts the sequential round trips a client makes, on the client side where causality is
// exact: a call belongs to round 1 + the highest round of any call that had completed
// when it was issued. Calls issued together (before any of them answered) share a round.
import { http, type Transport } from 'viem'

/** Counts the sequential round trips made through its transport, from {@link countRoundTrips}. */
export interface RoundTripCounter {
  /** Wraps this transport; give it to the client under test. */
  readonly transport: Transport
  /** Sequential round trips since the last reset. */
  rounds(): number
  /** The methods called since the last reset, in the order issued. */
  methods(): string[]
  /** Starts again: zero round trips, no methods. */
  reset(): void
}

/** Counts the round trips made through `inner`: a transport, or an RPC URL (http). */
export function countRoundTrips(inner: Transport | string): RoundTripCounter {
  const base: Transport = typeof inner === 'string' ? http(inner, { retryCount: 0 }) : inner
  let completedRound = 0
  let highest = 0
  let methods: string[] = []
  const transport: Transport = (options) => {
    const wrapped = base(options)
    const request: typeof wrapped.request = async (args, requestOptions) => {
      const round = completedRound + 1
      highest = Math.max(highest, round)
      methods.push(args.method)
      try {
        return await wrapped.request(args, requestOptions)
      } finally {
        completedRound = Math.max(completedRound, round)
      }
    }
    return { ...wrapped, request }
  }
  return {
    transport,
    rounds: () => highest,
    methods: () => [...methods],
    reset() {
      completedRound = 0
      highest = 0
      methods = []
    },
  }
}
